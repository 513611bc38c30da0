// Signals: every observer hears every signal, except `started`, which goes
// only to observers that ask for it (no built-in observer does, and skipping
// the empty call saves a virtual call per request), and the four request
// signals, which skip observers that keep no per-request figures and go to the
// RequestMetrics set on them.
#include <catch2/catch.hpp>

#include "archsim/core/simulation.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/network.hpp"

using namespace archsim;

namespace {

class Stub final : public Component {
 public:
  explicit Stub(World& w) : Component(w, "svc", "service", {0}) {}
  void handle(const Event&) override {}
};

class Counting : public Observer {
 public:
  explicit Counting(bool wants_started, bool wants_requests = true)
      : wants_started_(wants_started), wants_requests_(wants_requests) {}
  bool observes_started() const override { return wants_started_; }
  bool observes_requests() const override { return wants_requests_; }
  void on_arrived(const Component&, std::uint32_t, const Request&, SimTime) override { ++arrived; }
  void on_started(const Component&, std::uint32_t, const Request&, SimTime) override { ++started; }
  void on_finished(const Component&, std::uint32_t, const Request&, SimTime) override { ++finished; }
  void on_queue_length(const Component&, std::uint32_t, std::size_t, SimTime) override { ++queue_changes; }
  void on_duplicate_effect(const Component&, SimTime) override { ++duplicates; }
  int arrived = 0, started = 0, finished = 0, queue_changes = 0, duplicates = 0;

 private:
  bool wants_started_, wants_requests_;
};

// One host, one component, operation "read".
NetworkSpec one_host() {
  NetworkSpec spec;
  spec.zones.push_back({"z", "r"});
  spec.hosts.push_back({"h", "z"});
  return spec;
}
struct OneServiceWorld {
  Network net{one_host()};
  Simulation sim{1};
  World world{sim, net, {}, {}, {}, {"read"}, UINT64_MAX, 0};
  Stub svc{world};
};

}  // namespace

TEST_CASE("models::Signals: started reaches only the observers that observe it", "[models][quick]") {
  OneServiceWorld w;
  World& world = w.world;
  Stub& svc = w.svc;
  Counting plain{false}, tracing{true};
  world.signals.subscribe(&plain);
  world.signals.subscribe(&tracing);
  const Request r;
  for (int i = 0; i < 3; ++i) {
    world.signals.arrived(svc, 0, r, 0);
    world.signals.started(svc, 0, r, 0);
  }
  CHECK(plain.arrived == 3);
  CHECK(tracing.arrived == 3);
  CHECK(plain.started == 0);
  CHECK(tracing.started == 3);
}

TEST_CASE("models::Signals: request signals reach the request metrics and the observers that keep them",
          "[models][quick]") {
  OneServiceWorld w;
  World& world = w.world;
  Stub& svc = w.svc;  // component index 0
  std::vector<RequestMetrics::ComponentFigures> figures(1);
  figures[0].instances.resize(1);
  RequestMetrics metrics{std::move(figures), world.operations, /*warmup=*/10, kSecond};
  world.signals.record_requests_in(&metrics);
  Counting keeps{false}, skips{false, /*wants_requests=*/false};
  world.signals.subscribe(&keeps);
  world.signals.subscribe(&skips);

  Request early, late;
  early.arrived = 5;  // before the warm-up ends: not measured
  late.arrived = 20;
  world.signals.arrived(svc, 0, early, 5);
  world.signals.arrived(svc, 0, late, 20);
  world.signals.queue_length(svc, 0, 1, 20);
  world.signals.finished(svc, 0, early, 30);
  world.signals.finished(svc, 0, late, 50);
  world.signals.duplicate_effect(svc, 50);

  const OpResult& op = metrics.op(0, 0);
  CHECK(op.op == "read");
  CHECK(op.arrivals == 1);
  CHECK(op.completed() == 1);
  CHECK(op.latency.count() == 1);
  CHECK(op.latency.max() == 30);
  CHECK(metrics.component(0).instances[0].finished == 1);
  CHECK(keeps.arrived == 2);
  CHECK(keeps.finished == 2);
  CHECK(keeps.queue_changes == 1);
  CHECK(skips.arrived == 0);
  CHECK(skips.finished == 0);
  CHECK(skips.queue_changes == 0);
  CHECK(skips.duplicates == 1);  // other signals still reach it
}

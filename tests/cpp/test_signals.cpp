// Signals: every observer hears every signal, except `started`, which goes
// only to observers that ask for it (no built-in observer does, and skipping
// the empty call saves a virtual call per request).
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
  explicit Counting(bool wants_started) : wants_started_(wants_started) {}
  bool observes_started() const override { return wants_started_; }
  void on_arrived(const Component&, std::uint32_t, const Request&, SimTime) override { ++arrived; }
  void on_started(const Component&, std::uint32_t, const Request&, SimTime) override { ++started; }
  int arrived = 0, started = 0;

 private:
  bool wants_started_;
};

}  // namespace

TEST_CASE("models::Signals: started reaches only the observers that observe it", "[models][quick]") {
  NetworkSpec spec;
  spec.zones.push_back({"z", "r"});
  spec.hosts.push_back({"h", "z"});
  Network net{spec};
  Simulation sim{1};
  World world{sim, net, {}, {}, {}, {"read"}, UINT64_MAX, 0};
  Stub svc{world};
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

// Delivery in the current instant (World::send and World::reply with zero
// transit): a component that does not override arrive_now/reply_now gets the
// equivalent event through handle(). And the service's draw-ahead of service
// times, which must know every version and flag before the first draw.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "archsim/core/simulation.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/network.hpp"
#include "archsim/models/service.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

class Recording final : public Component {
 public:
  explicit Recording(World& w) : Component(w, "relay", "balancer", {0}) {}
  void handle(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

Network one_host() {
  NetworkSpec spec;
  spec.zones.push_back({"z", "r"});
  spec.hosts.push_back({"h", "z"});
  return Network{spec};
}

}  // namespace

TEST_CASE("models::Component: arrive_now and reply_now default to handling the equivalent event", "[models][quick]") {
  Network net = one_host();
  Simulation sim{1};
  World world{sim, net, {}, {}, {}, {"read"}, UINT64_MAX, 0};
  Recording relay{world};
  relay.attach(0, 7);
  relay.arrive_now(3);
  relay.reply_now(5);
  REQUIRE(relay.events.size() == 2);
  CHECK(relay.events[0].kind == kArriveEvent);
  CHECK(relay.events[0].payload == 3);
  CHECK(relay.events[0].target == 7);
  CHECK(relay.events[1].kind == kReplyEvent);
  CHECK(relay.events[1].payload == 5);
  CHECK(relay.events[1].time == sim.now());
}

TEST_CASE("models::Service: a version or flag added after initialise() is refused once times are drawn ahead",
          "[models][quick]") {
  Network net = one_host();
  Simulation sim{1};
  World world{sim, net, {}, {}, {}, {"read"}, UINT64_MAX, 0};
  ServiceConfig config;
  config.service_time = Distribution::exponential(0.001);
  Service svc{world, "svc", {0}, config};
  world.components.push_back(&svc);
  svc.attach(0, sim.add_handler(&svc));
  SECTION("before initialise(): accepted") {
    CHECK_NOTHROW(svc.add_version(svc.own_version()));
    CHECK_NOTHROW(svc.initialise());
  }
  SECTION("after initialise(): the first service time is already drawn") {
    svc.initialise();
    CHECK_THROWS_AS(svc.add_version(svc.own_version()), std::logic_error);
    CHECK_THROWS_WITH(svc.add_flag(FlagEffect{{}, {}, {}, 0.1, sim.stream("f"), false}), Contains("svc"));
  }
}

// Network faults: a partition loses the messages that cross between its two
// groups (one way or both), extra latency adds one draw per crossing message,
// hosts outside both groups are untouched, and only active faults act.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "archsim/models/network.hpp"

using namespace archsim;

namespace {

// Hosts 0, 1 in zone a; 2 in zone b; 3 in zone c. Every latency is zero.
Network zones() {
  NetworkSpec s;
  s.zones = {{"a", "r"}, {"b", "r"}, {"c", "r"}};
  s.hosts = {{"a0", "a"}, {"a1", "a"}, {"b0", "b"}, {"c0", "c"}};
  return Network(s);
}

LinkFault between_a_and_b() {
  LinkFault f;
  f.side = {1, 1, 2, 0};
  f.rng = Rng(7, "fault");
  return f;
}

}  // namespace

TEST_CASE("models::LinkFaults: a partition loses crossing messages only while active", "[models][quick]") {
  Network net = zones();
  Rng rng(1, "sender");
  LinkFault f = between_a_and_b();
  f.partition = true;
  const std::uint32_t id = net.faults().add(f);
  CHECK_FALSE(net.transit(0, 2, rng).lost);  // not active yet
  net.faults().set_active(id, true);
  CHECK(net.transit(0, 2, rng).lost);
  CHECK(net.transit(2, 1, rng).lost);       // symmetric
  CHECK_FALSE(net.transit(0, 1, rng).lost);  // within a group
  CHECK_FALSE(net.transit(0, 3, rng).lost);  // to a host in neither group
  CHECK(net.faults().affected(id) == 2);
  net.faults().set_active(id, false);
  CHECK_FALSE(net.transit(0, 2, rng).lost);
  CHECK(net.faults().affected(id) == 2);
}

TEST_CASE("models::LinkFaults: a one-way partition loses messages from a to b only", "[models][quick]") {
  Network net = zones();
  Rng rng(1, "sender");
  LinkFault f = between_a_and_b();
  f.partition = true;
  f.one_way = true;
  net.faults().set_active(net.faults().add(f), true);
  CHECK(net.transit(1, 2, rng).lost);
  CHECK_FALSE(net.transit(2, 1, rng).lost);
}

TEST_CASE("models::LinkFaults: extra latency adds one draw of its own stream per crossing", "[models][quick]") {
  Network net = zones();
  Rng rng(1, "sender");
  LinkFault f = between_a_and_b();
  f.extra = Distribution::exponential(0.010);
  net.faults().set_active(net.faults().add(f), true);
  Rng copy(7, "fault");
  for (int i = 0; i < 100; ++i) {
    const SimTime expected = static_cast<SimTime>(std::llround(f.extra.sample(copy) * 1e9));
    const Transit t = i % 2 ? net.transit(0, 2, rng) : net.transit(2, 0, rng);
    REQUIRE(t.delay == expected);
    REQUIRE_FALSE(t.lost);
  }
  CHECK(net.transit(0, 3, rng).delay == 0);
}

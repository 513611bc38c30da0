// Network: placement levels (same host, same zone, cross-zone, cross-region),
// explicit links and shortest-path routes by mean latency, loss, and name
// validation. Delays are checked exactly against the same draws made from a
// copy of the caller's stream: one draw per edge, in route order.
#include <catch2/catch.hpp>

#include "check_invalid.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "archsim/models/network.hpp"

using namespace archsim;
using Catch::Contains;


namespace {

SimTime ns(double seconds) { return static_cast<SimTime>(std::llround(seconds * 1e9)); }

// Zones a1, a2 in region A; b1 in region B. Hosts: two in a1, one in a2, one in b1.
NetworkSpec three_zones() {
  NetworkSpec s;
  s.zones = {{"a1", "A"}, {"a2", "A"}, {"b1", "B"}};
  s.hosts = {{"h-a1-0", "a1"}, {"h-a1-1", "a1"}, {"h-a2", "a2"}, {"h-b1", "b1"}};
  s.same_zone = Distribution::uniform(0.001, 0.002);
  s.cross_zone = Distribution::constant(0.010);
  s.cross_region = Distribution::constant(0.100);
  return s;
}

// Regions A, B, C with one zone each; the direct A-B level is slow, A-C and C-B are fast links.
NetworkSpec detour(Distribution ac, Distribution cb) {
  NetworkSpec s;
  s.zones = {{"za", "A"}, {"zb", "B"}, {"zc", "C"}};
  s.hosts = {{"ha", "za"}, {"hb", "zb"}, {"hc", "zc"}};
  s.cross_region = Distribution::constant(0.100);
  s.links = {{"za", "zc", ac, 0.0}, {"zc", "zb", cb, 0.0}};
  return s;
}

double lost_fraction(const Network& net, std::uint32_t from, std::uint32_t to, int n, std::uint64_t seed = 1) {
  Rng rng(seed, "loss-test");
  int lost = 0;
  for (int i = 0; i < n; ++i) lost += net.transit(from, to, rng).lost ? 1 : 0;
  return static_cast<double>(lost) / n;
}

}  // namespace

TEST_CASE("models::Network: instances on the same host cross no network", "[models][quick]") {
  NetworkSpec spec = three_zones();
  spec.same_zone_loss = 1.0;  // even a lossy zone loses nothing between co-located instances
  const Network net(spec);
  Rng rng(3, "net");
  for (std::uint32_t h = 0; h < 4; ++h)
    for (int i = 0; i < 100; ++i) {
      const Transit t = net.transit(h, h, rng);
      CHECK(t.delay == 0);
      CHECK_FALSE(t.lost);
    }
  CHECK(net.mean_latency(0, 0) == 0.0);
}

TEST_CASE("models::Network: two hosts of one zone pay one draw of the same-zone distribution", "[models][quick]") {
  const Network net(three_zones());
  const std::uint32_t a = net.host_index("h-a1-0"), b = net.host_index("h-a1-1");
  Rng rng(5, "net"), copy(5, "net");
  const Distribution same_zone = Distribution::uniform(0.001, 0.002);
  double total = 0;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    const Transit t = net.transit(a, b, rng);
    const SimTime expected = ns(same_zone.sample(copy));
    REQUIRE(t.delay == expected);
    CHECK_FALSE(t.lost);
    total += to_seconds(t.delay);
  }
  CHECK(total / n == Approx(0.0015).epsilon(0.02));
  CHECK(net.mean_latency(a, b) == Approx(0.0015));
}

TEST_CASE("models::Network: zones of one region pay cross-zone, zones of two regions cross-region", "[models][quick]") {
  const Network net(three_zones());
  const std::uint32_t a1 = net.host_index("h-a1-0"), a2 = net.host_index("h-a2"), b1 = net.host_index("h-b1");
  Rng rng(9, "net");
  SECTION("cross-zone") {
    CHECK(net.transit(a1, a2, rng).delay == 10 * kMillisecond);
    CHECK(net.transit(a2, a1, rng).delay == 10 * kMillisecond);
    CHECK(net.mean_latency(a1, a2) == Approx(0.010));
    CHECK(net.route(net.zone_index("a1"), net.zone_index("a2")) == std::vector<std::string>{"a1", "a2"});
  }
  SECTION("cross-region") {
    CHECK(net.transit(a1, b1, rng).delay == 100 * kMillisecond);
    CHECK(net.transit(b1, a2, rng).delay == 100 * kMillisecond);
    CHECK(net.mean_latency(b1, a1) == Approx(0.100));
    CHECK(net.route(net.zone_index("b1"), net.zone_index("a1")) == std::vector<std::string>{"b1", "a1"});
  }
}

TEST_CASE("models::Network: fast explicit links reroute around a slow cross-region level", "[models][quick]") {
  const Distribution ac = Distribution::uniform(0.004, 0.006), cb = Distribution::exponential(0.007);
  const Network net(detour(ac, cb));
  const std::uint32_t za = net.zone_index("za"), zb = net.zone_index("zb"), zc = net.zone_index("zc");
  const std::uint32_t ha = net.host_index("ha"), hb = net.host_index("hb");

  SECTION("the route goes via C in both directions") {
    CHECK(net.route(za, zb) == std::vector<std::string>{"za", "zc", "zb"});
    CHECK(net.route(zb, za) == std::vector<std::string>{"zb", "zc", "za"});
    CHECK(net.route(za, zc) == std::vector<std::string>{"za", "zc"});
    CHECK(net.mean_latency(ha, hb) == Approx(0.005 + 0.007));
  }
  SECTION("the delay is the sum of one draw per edge, in route order") {
    Rng rng(11, "net"), copy(11, "net");
    for (int i = 0; i < 500; ++i) {
      const double first = ac.sample(copy);
      const double second = cb.sample(copy);
      const Transit t = net.transit(ha, hb, rng);
      REQUIRE(t.delay == ns(first + second));
      CHECK_FALSE(t.lost);
    }
    Rng back(12, "net"), back_copy(12, "net");
    for (int i = 0; i < 500; ++i) {
      const double first = cb.sample(back_copy);
      const double second = ac.sample(back_copy);
      REQUIRE(net.transit(hb, ha, back).delay == ns(first + second));
    }
  }
}

TEST_CASE("models::Network: a detour slower than the direct level is not taken", "[models][quick]") {
  const Network net(detour(Distribution::constant(0.060), Distribution::constant(0.060)));
  const std::uint32_t za = net.zone_index("za"), zb = net.zone_index("zb");
  CHECK(net.route(za, zb) == std::vector<std::string>{"za", "zb"});
  Rng rng(1, "net");
  CHECK(net.transit(net.host_index("ha"), net.host_index("hb"), rng).delay == 100 * kMillisecond);
  // The links themselves still apply to their own pairs.
  CHECK(net.transit(net.host_index("ha"), net.host_index("hc"), rng).delay == 60 * kMillisecond);
}

TEST_CASE("models::Network: a link between region names applies to every zone pair of the regions", "[models][quick]") {
  NetworkSpec s = three_zones();
  s.links = {{"A", "B", Distribution::constant(0.030), 0.0}};
  const Network net(s);
  Rng rng(1, "net");
  const std::uint32_t b1 = net.host_index("h-b1");
  CHECK(net.transit(net.host_index("h-a1-0"), b1, rng).delay == 30 * kMillisecond);
  CHECK(net.transit(net.host_index("h-a2"), b1, rng).delay == 30 * kMillisecond);
  // Zones inside region A keep the cross-zone level.
  CHECK(net.transit(net.host_index("h-a1-0"), net.host_index("h-a2"), rng).delay == 10 * kMillisecond);
}

TEST_CASE("models::Network: loss probability 0 never loses and 1 always loses", "[models][quick]") {
  NetworkSpec s = three_zones();
  SECTION("level losses") {
    s.same_zone_loss = 0.0;
    s.cross_zone_loss = 1.0;
    s.cross_region_loss = 0.0;
    const Network net(s);
    CHECK(lost_fraction(net, 0, 1, 5000) == 0.0);  // same zone, loss 0
    CHECK(lost_fraction(net, 0, 2, 5000) == 1.0);  // cross-zone, loss 1
    CHECK(lost_fraction(net, 0, 3, 5000) == 0.0);  // cross-region, loss 0
  }
  SECTION("same-zone loss 1") {
    s.same_zone_loss = 1.0;
    const Network net(s);
    CHECK(lost_fraction(net, 0, 1, 1000) == 1.0);
    CHECK(lost_fraction(net, 0, 2, 1000) == 0.0);
  }
  SECTION("a lossy link on the route loses, whichever edge it is") {
    s = detour(Distribution::constant(0.001), Distribution::constant(0.001));
    s.links[1].loss = 1.0;
    const Network net(s);
    CHECK(lost_fraction(net, 0, 1, 1000) == 1.0);  // za -> zc -> zb: second edge loses
    CHECK(lost_fraction(net, 1, 0, 1000) == 1.0);  // first edge loses
    CHECK(lost_fraction(net, 0, 2, 1000) == 0.0);  // za -> zc only
  }
  SECTION("a fractional loss loses about that fraction") {
    s.cross_region_loss = 0.25;
    const Network net(s);
    // Binomial(20000, 0.25): sigma = sqrt(0.25 * 0.75 / 20000) ~ 0.0031; allow 5 sigma.
    CHECK(std::abs(lost_fraction(net, 0, 3, 20000) - 0.25) < 5 * 0.0031);
  }
}

TEST_CASE("models::Network: a network with no latency and no loss costs nothing", "[models][quick]") {
  NetworkSpec s;
  s.zones = {{"a", "r1"}, {"b", "r2"}};
  s.hosts = {{"x", "a"}, {"y", "b"}, {"z", "a"}};
  const Network net(s);
  Rng rng(1, "net");
  CHECK(net.transit(0, 1, rng).delay == 0);
  CHECK(net.transit(0, 2, rng).delay == 0);
  CHECK_FALSE(net.transit(0, 1, rng).lost);
}

TEST_CASE("models::Network: unknown zone and host names throw std::invalid_argument naming them", "[models][quick]") {
  SECTION("lookups") {
    const Network net(three_zones());
    CHECK_INVALID(net.zone_index("moon-base"), Contains("moon-base"));
    CHECK_THROWS_WITH(net.zone_index("moon-base"), Contains("a1") && Contains("b1"));  // lists the declared zones
    CHECK_INVALID(net.host_index("ghost-host"), Contains("ghost-host"));
  }
  SECTION("a host in an undeclared zone") {
    NetworkSpec s = three_zones();
    s.hosts.push_back({"h-x", "atlantis"});
    CHECK_INVALID(Network(s), Contains("atlantis"));
  }
  SECTION("a link naming neither a zone nor a region") {
    NetworkSpec s = three_zones();
    s.links = {{"a1", "narnia", Distribution::constant(0.001), 0.0}};
    CHECK_INVALID(Network(s), Contains("narnia"));
  }
  SECTION("a zone or host declared twice") {
    NetworkSpec s = three_zones();
    s.zones.push_back({"a2", "B"});
    CHECK_INVALID(Network(s), Contains("a2"));
    NetworkSpec t = three_zones();
    t.hosts.push_back({"h-a2", "b1"});
    CHECK_INVALID(Network(t), Contains("h-a2"));
  }
  SECTION("a loss probability outside [0, 1]") {
    NetworkSpec s = three_zones();
    s.cross_zone_loss = 1.5;
    CHECK_INVALID(Network(s), Contains("cross_zone_loss"));
    NetworkSpec t = three_zones();
    t.links = {{"a1", "b1", Distribution::constant(0.001), -0.1}};
    CHECK_THROWS_AS(Network(t), std::invalid_argument);
  }
}

TEST_CASE("models::Network: route() lists the zones from source to destination inclusive", "[models][quick]") {
  const Network net(three_zones());
  for (std::uint32_t z = 0; z < net.zone_count(); ++z)
    CHECK(net.route(z, z) == std::vector<std::string>{net.zone_name(z)});
  CHECK(net.route(0, 2) == std::vector<std::string>{"a1", "b1"});
  CHECK(net.host_zone(net.host_index("h-b1")) == net.zone_index("b1"));
}

TEST_CASE("models::Network: added hosts join their zone", "[models][quick]") {
  Network net(three_zones());
  const std::uint32_t h = net.add_host("svc[0]", net.zone_index("a2"));
  CHECK(net.host_name(h) == "svc[0]");
  CHECK(net.host_index("svc[0]") == h);
  Rng rng(1, "net");
  CHECK(net.transit(h, net.host_index("h-a1-0"), rng).delay == 10 * kMillisecond);
  CHECK_INVALID(net.add_host("svc[0]", 0), Contains("svc[0]"));
}

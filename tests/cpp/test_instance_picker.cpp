// InstancePicker: which instance of a target gets the next request under each
// strategy, and parse_strategy's names and errors.
#include <catch2/catch.hpp>

#include "check_invalid.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "archsim/models/instance_picker.hpp"

using namespace archsim;
using Catch::Contains;


namespace {

InstancePicker make(Strategy s, std::uint32_t n, std::uint64_t seed = 7) {
  return InstancePicker(s, n, Rng(seed, "picker"));
}

std::vector<std::uint32_t> counts(InstancePicker& p, std::uint32_t n, int picks) {
  std::vector<std::uint32_t> c(n, 0);
  for (int i = 0; i < picks; ++i) ++c[p.pick()];
  return c;
}

}  // namespace

TEST_CASE("models::InstancePicker: round_robin cycles through the instances in order", "[models][quick]") {
  auto p = make(Strategy::kRoundRobin, 3);
  std::vector<std::uint32_t> seen;
  for (int i = 0; i < 7; ++i) seen.push_back(p.pick());
  CHECK(seen == std::vector<std::uint32_t>{0, 1, 2, 0, 1, 2, 0});
  SECTION("outstanding requests do not change the order") {
    p.sent(1);
    p.sent(1);
    CHECK(p.pick() == 1);
    CHECK(p.pick() == 2);
    CHECK(p.outstanding(1) == 0);  // nor are they counted: round-robin never reads them
  }
}

TEST_CASE("models::InstancePicker: a single instance is always picked", "[models][quick]") {
  for (Strategy s : {Strategy::kRoundRobin, Strategy::kRandom, Strategy::kLeastOutstanding, Strategy::kPowerOfTwo}) {
    auto p = make(s, 1);
    for (int i = 0; i < 20; ++i) CHECK(p.pick() == 0);
  }
}

TEST_CASE("models::InstancePicker: a target without instances is refused", "[models][quick]") {
  CHECK_THROWS_AS(make(Strategy::kRandom, 0), std::invalid_argument);
}

TEST_CASE("models::InstancePicker: random covers every instance about uniformly", "[models][quick]") {
  const std::uint32_t n = 5;
  const int picks = 50'000;
  auto p = make(Strategy::kRandom, n);
  std::vector<std::uint32_t> first;
  for (int i = 0; i < 20; ++i) first.push_back(p.pick());
  // Not a disguised round-robin.
  std::vector<std::uint32_t> rr;
  for (int i = 0; i < 20; ++i) rr.push_back(static_cast<std::uint32_t>(i % n));
  CHECK(first != rr);
  const auto c = counts(p, n, picks);
  // Pearson chi-square, 4 degrees of freedom: the 0.999 quantile is 18.47 (NIST/SEMATECH table).
  const double expected = static_cast<double>(picks) / n;
  double chi2 = 0;
  for (auto k : c) chi2 += (k - expected) * (k - expected) / expected;
  CHECK(chi2 < 18.47);
  for (auto k : c) CHECK(k > 0);
}

TEST_CASE("models::InstancePicker: least_outstanding picks the instance with fewest outstanding requests",
          "[models][quick]") {
  auto p = make(Strategy::kLeastOutstanding, 4);
  for (int i = 0; i < 3; ++i) p.sent(0);
  p.sent(1);
  for (int i = 0; i < 2; ++i) p.sent(2);
  for (int i = 0; i < 5; ++i) p.sent(3);
  // Outstanding {3, 1, 2, 5}: the minimum is instance 1, whatever the rotating start.
  for (int i = 0; i < 8; ++i) CHECK(p.pick() == 1);
  SECTION("replies change the minimum") {
    for (int i = 0; i < 5; ++i) p.replied(3);
    CHECK(p.outstanding(3) == 0);
    for (int i = 0; i < 8; ++i) CHECK(p.pick() == 3);
  }
  SECTION("picking sends to the minimum and keeps the counts level") {
    for (int i = 0; i < 100; ++i) p.sent(p.pick());
    // 111 requests over 4 instances, always to the least loaded: counts differ by at most one.
    std::uint32_t lo = UINT32_MAX, hi = 0;
    for (std::uint32_t k = 0; k < 4; ++k) lo = std::min(lo, p.outstanding(k)), hi = std::max(hi, p.outstanding(k));
    CHECK(hi - lo <= 1);
    CHECK(p.outstanding(0) + p.outstanding(1) + p.outstanding(2) + p.outstanding(3) == 111);
  }
}

TEST_CASE("models::InstancePicker: least_outstanding spreads ties instead of piling on one instance",
          "[models][quick]") {
  auto p = make(Strategy::kLeastOutstanding, 4);
  SECTION("all idle: every instance is picked equally often") {
    const auto c = counts(p, 4, 400);
    for (auto k : c) CHECK(k == 100);
  }
  SECTION("requests that reply at once still rotate") {
    std::vector<std::uint32_t> seen;
    for (int i = 0; i < 8; ++i) {
      const auto k = p.pick();
      p.sent(k);
      p.replied(k);
      seen.push_back(k);
    }
    std::vector<std::uint32_t> c(4, 0);
    for (auto k : seen) ++c[k];
    for (auto k : c) CHECK(k == 2);
  }
  SECTION("ties among the least loaded exclude the busier ones") {
    p.sent(1);
    p.sent(3);
    const auto c = counts(p, 4, 400);
    CHECK(c[1] == 0);
    CHECK(c[3] == 0);
    CHECK(c[0] > 100);
    CHECK(c[2] > 100);
  }
}

TEST_CASE("models::InstancePicker: p2c compares two distinct instances and takes the less loaded", "[models][quick]") {
  SECTION("two instances: the idle one always wins") {
    // If the two choices could coincide, the busy instance would be picked about a quarter of the time.
    auto p = make(Strategy::kPowerOfTwo, 2);
    p.sent(0);
    for (int i = 0; i < 2000; ++i) REQUIRE(p.pick() == 1);
  }
  SECTION("three instances with loads 0 < 1 < 2") {
    auto p = make(Strategy::kPowerOfTwo, 3);
    p.sent(1);
    p.sent(2);
    p.sent(2);
    const int picks = 30'000;
    const auto c = counts(p, 3, picks);
    // The most loaded is never the less loaded of a distinct pair.
    CHECK(c[2] == 0);
    // Instance 0 wins the pairs {0,1} and {0,2}: probability 2/3. Binomial sigma = sqrt(2/9 / n).
    const double sigma = std::sqrt(2.0 / 9.0 / picks);
    CHECK(std::abs(c[0] / static_cast<double>(picks) - 2.0 / 3.0) < 5 * sigma);
  }
  SECTION("all idle: every instance gets picked about uniformly") {
    auto p = make(Strategy::kPowerOfTwo, 4);
    const int picks = 40'000;
    const auto c = counts(p, 4, picks);
    const double sigma = std::sqrt(0.25 * 0.75 * picks);
    for (auto k : c) CHECK(std::abs(k - picks / 4.0) < 5 * sigma);
  }
}

TEST_CASE("models::InstancePicker: parse_strategy accepts the four names and rejects others", "[models][quick]") {
  for (const char* name : {"round_robin", "random", "least_outstanding", "p2c"})
    CHECK(strategy_name(parse_strategy(name)) == name);
  CHECK(parse_strategy("p2c") == Strategy::kPowerOfTwo);
  CHECK(parse_strategy("least_outstanding") == Strategy::kLeastOutstanding);
  for (const char* bad : {"fastest", "", "Round_Robin", "p2c "}) {
    INFO("name: '" << bad << "'");
    CHECK_INVALID(parse_strategy(bad), Contains(std::string("'") + bad + "'") && Contains("round_robin") &&
                                        Contains("random") && Contains("least_outstanding") && Contains("p2c"));
  }
}

TEST_CASE("models::InstancePicker: with an active set it picks only active instances", "[models][quick]") {
  std::vector<std::uint32_t> active{1, 3, 4};
  SECTION("round_robin cycles through the active set, and follows it when it shrinks") {
    InstancePicker p(Strategy::kRoundRobin, 6, Rng(7, "picker"), &active);
    std::vector<std::uint32_t> seen;
    for (int i = 0; i < 4; ++i) seen.push_back(p.pick());
    CHECK(seen == std::vector<std::uint32_t>{1, 3, 4, 1});
    active = {1};
    CHECK(p.pick() == 1);
    active = {0, 5};  // the cursor keeps its position (1) in the new set
    CHECK(p.pick() == 5);
    CHECK(p.pick() == 0);
  }
  SECTION("every strategy stays inside the set and reaches all of it") {
    for (Strategy s : {Strategy::kRandom, Strategy::kLeastOutstanding, Strategy::kPowerOfTwo}) {
      InstancePicker p(s, 6, Rng(7, "picker"), &active);
      std::vector<std::uint32_t> c(6, 0);
      for (int i = 0; i < 300; ++i) {
        const std::uint32_t k = p.pick();
        ++c[k];
        p.sent(k);
        if (i % 2) p.replied(k);
      }
      INFO(strategy_name(s));
      CHECK(c[0] == 0);
      CHECK(c[2] == 0);
      CHECK(c[5] == 0);
      CHECK(c[1] > 30);
      CHECK(c[3] > 30);
      CHECK(c[4] > 30);
    }
  }
  SECTION("least_outstanding takes the active instance with the fewest outstanding") {
    InstancePicker p(Strategy::kLeastOutstanding, 6, Rng(7, "picker"), &active);
    p.sent(1);
    p.sent(4);
    CHECK(p.pick() == 3);  // instance 0 has none either, but it is not active
  }
}

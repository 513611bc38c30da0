// TimeAverage: the exact time-weighted mean of a level, and the mean of the
// part of a level not counted in another (Little's L: all requests in flight
// minus those that arrived before warm-up).
#include <catch2/catch.hpp>

#include <cstdint>

#include "archsim/core/rng.hpp"
#include "archsim/core/time_average.hpp"

using namespace archsim;

TEST_CASE("core::TimeAverage: the mean weighs each level by how long it held", "[core][quick]") {
  TimeAverage a;
  a.set(0, 2);
  a.set(10, 4);   // 2 for 10 ns
  a.add(40, -4);  // 4 for 30 ns, then 0
  CHECK(a.average(50) == Approx((2.0 * 10 + 4.0 * 30) / 50));
  CHECK(a.level() == 0);
  a.reset(50);  // forgets the area, keeps the level
  a.set(60, 1);
  CHECK(a.average(70) == Approx(0.5));
  CHECK(a.average(50) == 1);  // an empty span reports the level
}

TEST_CASE("core::TimeAverage: average_minus equals averaging the difference, bit for bit", "[core][quick]") {
  // A random walk of arrivals and departures; some are "early" (counted in `part`).
  // The areas are exact integers, also beyond 2^53 where doubles would round:
  // the long gaps make the areas reach about 2^68.
  const std::uint64_t gap = GENERATE(std::uint64_t{1'000'000}, std::uint64_t{1} << 48);
  Rng rng(5, "time-average");
  TimeAverage all, part, rest;
  SimTime now = 0;
  int early = 0, late = 0;
  for (int step = 0; step < 20'000; ++step) {
    now += static_cast<SimTime>(rng.below(gap));
    const bool is_early = rng.bernoulli(0.3);
    const bool leave = rng.bernoulli(0.5) && (is_early ? early : late) > 0;
    const std::int64_t d = leave ? -1 : 1;
    all.add(now, d);
    if (is_early) {
      part.add(now, d);
      early += leave ? -1 : 1;
    } else {
      rest.add(now, d);
      late += leave ? -1 : 1;
    }
    if (step == 5'000) {  // the end of warm-up: all three start again
      all.reset(now);
      part.reset(now);
      rest.reset(now);
    }
  }
  const SimTime end = now + 12'345;
  CHECK(all.average_minus(part, end) == rest.average(end));
  CHECK(rest.level() == late);
  all.reset(end);  // an empty span reports the difference of the levels
  part.reset(end);
  CHECK(all.average_minus(part, end) == static_cast<double>(late));
}

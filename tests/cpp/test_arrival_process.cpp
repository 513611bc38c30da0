#include <algorithm>
// ArrivalProcess: Poisson arrivals with a piecewise-constant rate.
// A Poisson process of rate r counts N(T) ~ Poisson(r T) arrivals in a window
// of length T: mean r T, standard deviation sqrt(r T) (e.g. Ross, "Introduction
// to Probability Models", 5.3). Counts are checked within 5 sigma.
#include <catch2/catch.hpp>

#include "check_invalid.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "archsim/core/exponential.hpp"
#include "archsim/models/arrival_process.hpp"

using namespace archsim;
using Catch::Contains;


namespace {

Rng stream(std::uint64_t seed = 42) { return Rng(seed, "arrivals"); }

// Every arrival in [0, until), in order.
std::vector<SimTime> arrivals(ArrivalProcess& p, SimTime until) {
  std::vector<SimTime> out;
  for (SimTime t = p.next(); t < until; t = p.next()) out.push_back(t);
  return out;
}

std::size_t count_in(const std::vector<SimTime>& a, SimTime from, SimTime to) {
  std::size_t n = 0;
  for (auto t : a) n += (t >= from && t < to) ? 1 : 0;
  return n;
}

bool within_5_sigma(std::size_t count, double expected) {
  return std::abs(static_cast<double>(count) - expected) < 5 * std::sqrt(expected);
}

}  // namespace

TEST_CASE("models::ArrivalProcess: Poisson counts in a window match rate x T", "[models][quick]") {
  const double rate = GENERATE(10.0, 1000.0, 50'000.0);
  ArrivalProcess p({{0, rate}}, stream());
  const SimTime T = 4 * kSecond;
  const auto a = arrivals(p, T);
  const double expected = rate * 4;
  INFO("rate " << rate << ": " << a.size() << " arrivals, expected " << expected);
  CHECK(within_5_sigma(a.size(), expected));
  // Counts in disjoint halves are each Poisson(r T / 2).
  CHECK(within_5_sigma(count_in(a, 0, T / 2), expected / 2));
  CHECK(within_5_sigma(count_in(a, T / 2, T), expected / 2));
}

TEST_CASE("models::ArrivalProcess: gaps are exponential with mean 1/rate", "[models][quick]") {
  ArrivalProcess p({{0, 2000.0}}, stream());
  const auto a = arrivals(p, 10 * kSecond);
  REQUIRE(a.size() > 1000);
  // The fraction of gaps longer than the mean is exp(-1) for an exponential.
  std::size_t longer = 0;
  SimTime prev = 0;
  for (auto t : a) {
    longer += (t - prev) > kSecond / 2000 ? 1 : 0;
    prev = t;
  }
  const double n = static_cast<double>(a.size()), q = std::exp(-1.0);
  CHECK(std::abs(longer / n - q) < 5 * std::sqrt(q * (1 - q) / n));
}

TEST_CASE("models::ArrivalProcess: whole-nanosecond rounding does not bias a rate of 10^9 per second",
          "[models][quick]") {
  // Poisson at rate lambda: N(T) has mean and variance lambda T. Here lambda = 1/ns,
  // so most gaps round to 0 or 1 ns; the draw continues from the exact previous
  // arrival, so the count over 10^6 ns stays within 5 sigma of 10^6.
  ArrivalProcess p({{0, 1e9}}, stream());
  const auto a = arrivals(p, 1'000'000);
  CHECK(within_5_sigma(a.size(), 1'000'000));
  CHECK(std::is_sorted(a.begin(), a.end()));
}

TEST_CASE("models::ArrivalProcess: a piecewise schedule changes the rate exactly at each boundary", "[models][quick]") {
  // 200/s for 2 s, 2000/s for 1 s, nothing for 1 s, 500/s afterwards.
  ArrivalProcess p({{0, 200.0}, {2 * kSecond, 2000.0}, {3 * kSecond, 0.0}, {4 * kSecond, 500.0}}, stream());
  const auto a = arrivals(p, 8 * kSecond);
  CHECK(within_5_sigma(count_in(a, 0, 2 * kSecond), 400));
  CHECK(within_5_sigma(count_in(a, 2 * kSecond, 3 * kSecond), 2000));
  CHECK(count_in(a, 3 * kSecond, 4 * kSecond) == 0);
  CHECK(within_5_sigma(count_in(a, 4 * kSecond, 8 * kSecond), 2000));
  SECTION("the high rate starts at the boundary, not a gap later") {
    // In the first 10 ms after the step to 2000/s, about 20 arrivals; at 200/s, about 2.
    CHECK(count_in(a, 2 * kSecond, 2 * kSecond + 10 * kMillisecond) >= 5);
    // ... and stops exactly at the next boundary.
    SimTime last_before_pause = 0;
    for (auto t : a)
      if (t < 3 * kSecond) last_before_pause = t;
    CHECK(last_before_pause > 3 * kSecond - 10 * kMillisecond);
  }
  SECTION("rate_at switches at the boundary instant") {
    CHECK(p.rate_at(0) == 200.0);
    CHECK(p.rate_at(2 * kSecond - 1) == 200.0);
    CHECK(p.rate_at(2 * kSecond) == 2000.0);
    CHECK(p.rate_at(3 * kSecond) == 0.0);
    CHECK(p.rate_at(4 * kSecond - 1) == 0.0);
    CHECK(p.rate_at(4 * kSecond) == 500.0);
    CHECK(p.rate_at(100 * kSecond) == 500.0);
  }
}

TEST_CASE("models::ArrivalProcess: a zero-rate segment produces no arrivals", "[models][quick]") {
  SECTION("a quiet start: the first arrival comes after the boundary, soon after it") {
    ArrivalProcess p({{0, 0.0}, {1 * kSecond, 1e6}}, stream());
    const SimTime first = p.next();
    CHECK(first > 1 * kSecond);
    CHECK(first < 1 * kSecond + 50 * kMicrosecond);  // P(gap > 50 us) = exp(-50)
  }
  SECTION("a 1 ms pulse between two quiet segments holds rate x 1 ms arrivals") {
    ArrivalProcess p({{0, 0.0}, {1 * kSecond, 1e6}, {1 * kSecond + kMillisecond, 0.0}}, stream());
    const auto a = arrivals(p, kTimeMax);
    CHECK(within_5_sigma(a.size(), 1000));
    CHECK(a.front() > 1 * kSecond);
    CHECK(a.back() < 1 * kSecond + kMillisecond);
  }
  SECTION("rate 0 forever: no next arrival") {
    ArrivalProcess p({{0, 0.0}}, stream());
    CHECK(p.next() == kTimeMax);
    CHECK(p.next() == kTimeMax);
  }
  SECTION("a schedule that ends at rate 0 stops") {
    ArrivalProcess p({{0, 1000.0}, {1 * kSecond, 0.0}}, stream());
    const auto a = arrivals(p, kTimeMax);
    CHECK(within_5_sigma(a.size(), 1000));
    CHECK(a.back() < 1 * kSecond);
  }
}

TEST_CASE("models::ArrivalProcess: gap k uses the stream's k-th draw, though it is computed an arrival early",
          "[models][quick]") {
  // At rate 1/s the exact arrival k is the sum of the stream's first k exponential draws (s);
  // the reported time is that rounded to a whole nanosecond. Drawing ahead must
  // neither skip nor reorder the stream's draws.
  ArrivalProcess p({{0, 1.0}}, stream(7));
  Rng same = stream(7);
  double exact_ns = 0;
  SimTime t = 0;
  for (int k = 1; k <= 5; ++k) {
    exact_ns += standard_exponential(same) * 1e9;
    t = p.next();
    INFO("arrival " << k << ": " << t << " ns, exact " << exact_ns);
    CHECK(std::abs(static_cast<double>(t) - exact_ns) <= 1.0);
  }
}

TEST_CASE("models::ArrivalProcess: bad schedules throw std::invalid_argument", "[models][quick]") {
  using S = std::vector<RateSegment>;
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  CHECK_INVALID(ArrivalProcess(S{}, stream()), Contains("time 0"));
  CHECK_INVALID(ArrivalProcess(S{{kSecond, 10.0}}, stream()), Contains("time 0"));
  CHECK_INVALID(ArrivalProcess(S{{0, 10.0}, {2 * kSecond, 5.0}, {kSecond, 5.0}}, stream()), Contains("increase"));
  CHECK_INVALID(ArrivalProcess(S{{0, 10.0}, {0, 5.0}}, stream()), Contains("increase"));
  for (double bad : {-1.0, nan, inf, 2e10}) {
    INFO("rate " << bad);
    CHECK_INVALID(ArrivalProcess(S{{0, 10.0}, {kSecond, bad}}, stream()), Contains("rate"));
  }
  CHECK_NOTHROW(ArrivalProcess(S{{0, 0.0}, {1, 1e10}}, stream()));
}

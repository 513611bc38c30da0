// Che's approximation (analysis/cache_hit): the cases where it is exact or
// its properties are known. Against simulation: tests/python/test_validation_cache.py.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "archsim/analysis/cache_hit.hpp"
#include "check_invalid.hpp"

using namespace archsim::analysis;
using Catch::Matchers::Contains;

namespace {
std::vector<double> zipf(int n, double alpha) {
  std::vector<double> p(n);
  for (int i = 0; i < n; ++i) p[i] = std::pow(i + 1.0, -alpha);
  return p;
}
}  // namespace

TEST_CASE("che: uniform popularity hits C / n for LRU and FIFO", "[analytic][che]") {
  // All items alike: each is in the cache with probability C / n whatever T is, and the
  // hit ratio is that probability.
  const std::vector<double> uniform(1000, 1.0);
  for (const char* policy : {"lru", "fifo"})
    for (double c : {1.0, 250.0, 999.0}) CHECK(che_hit_ratio(uniform, c, policy) == Approx(c / 1000).epsilon(1e-10));
}

TEST_CASE("che: weights are normalised and zero weights are items never requested", "[analytic][che]") {
  auto p = zipf(2000, 0.9);
  const double h = che_hit_ratio(p, 100, "lru");
  auto scaled = p;
  for (double& x : scaled) x *= 37.5;
  scaled.insert(scaled.end(), 500, 0.0);
  CHECK(che_hit_ratio(scaled, 100, "lru") == Approx(h).epsilon(1e-10));
  CHECK(che_hit_ratio(scaled, 2000, "lru") == 1.0);  // room for every requested item
  CHECK(che_hit_ratio(p, 0, "fifo") == 0.0);
}

TEST_CASE("che: the hit ratio rises with the capacity, LRU above FIFO, both below the static bound",
          "[analytic][che]") {
  // Under independent requests the best a cache can do is to hold the C most popular
  // items (sum of the top C probabilities); LRU beats FIFO for Zipf popularity
  // (Martina, Garetto & Leonardi, INFOCOM 2014, section V).
  const auto p = zipf(10'000, 0.8);
  double total = 0;
  for (double x : p) total += x;
  double last = 0, top = 0;
  for (int c : {10, 100, 1000, 5000}) {
    top = 0;
    for (int i = 0; i < c; ++i) top += p[i] / total;
    const double lru = che_hit_ratio(p, c, "lru");
    const double fifo = che_hit_ratio(p, c, "fifo");
    CHECK(lru > last);
    CHECK(fifo < lru);
    CHECK(lru < top);
    last = lru;
  }
}

TEST_CASE("che: bad arguments name the parameter", "[analytic][che]") {
  const std::vector<double> p{1, 2, 3};
  CHECK_INVALID(che_hit_ratio(p, 1, "lfu"), Contains("policy must be \"lru\" or \"fifo\""));
  CHECK_INVALID(che_hit_ratio(p, -1, "lru"), Contains("capacity"));
  CHECK_INVALID(che_hit_ratio({1, -2}, 1, "lru"), Contains("popularity[1]"));
  CHECK_INVALID(che_hit_ratio({0, 0}, 1, "lru"), Contains("positive sum"));
  CHECK_INVALID(che_hit_ratio({1, NAN}, 1, "lru"), Contains("popularity[1]"));
}

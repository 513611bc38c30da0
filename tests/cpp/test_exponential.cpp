// The ziggurat exponential: its tables satisfy the construction's equations,
// and its draws follow Exp(1) in the body, in the wedges and in the tail.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "archsim/core/exponential.hpp"
#include "ks_statistic.hpp"

using namespace archsim;
using namespace archsim::ziggurat;

TEST_CASE("core::ziggurat: every layer has area v and the layers close at the top of the density", "[core][quick]") {
  const Tables& t = kTables;
  // Base layer: the rectangle [0, r] x [0, f(r)] plus the tail past r, whose area is f(r).
  CHECK(kTailStart * std::exp(-kTailStart) + std::exp(-kTailStart) == Approx(kLayerArea).epsilon(1e-12));
  CHECK(t.edge[0] * t.density[1] == Approx(kLayerArea).epsilon(1e-12));  // edge[0] x f(r) stands in for it
  for (int i = 1; i < kLayers; ++i) {
    INFO("layer " << i);
    CHECK(t.edge[i] > t.edge[i + 1]);
    CHECK(t.edge[i] * (t.density[i + 1] - t.density[i]) == Approx(kLayerArea).epsilon(1e-9));
  }
  // The recursion, run one step further from the last layer, reaches x = 0
  // (f = 1) only if r and v are the right pair for 256 layers.
  CHECK(std::abs(std::log(kLayerArea / t.edge[kLayers - 1] + t.density[kLayers - 1])) < 1e-12);
  // The share of draws the rectangle test settles at once: the mean of edge[i+1] / edge[i]
  // (the docs quote 97.8%).
  double settled = 0;
  for (int i = 0; i < kLayers; ++i) settled += t.edge[i + 1] / t.edge[i] / kLayers;
  CHECK(settled == Approx(0.978).margin(0.0005));
  // A point accepted at once lies left of the next edge: wholly under f.
  for (int i = 0; i < kLayers; ++i) {
    INFO("layer " << i);
    CHECK(static_cast<double>(t.layer[i].under) * t.layer[i].width <= t.edge[i + 1]);
  }
}

TEST_CASE("core::ziggurat: draws follow Exp(1): KS, mean, the wedges near 0 and the tail past r", "[core][quick]") {
  constexpr int n = 1'000'000;
  Rng rng(2026, "ziggurat");
  std::vector<double> xs(n);
  for (double& x : xs) x = standard_exponential(rng);
  // Mean 1, standard error 1/sqrt(n): within 4 standard errors.
  double sum = 0;
  for (double x : xs) sum += x;
  CHECK(std::abs(sum / n - 1.0) < 4.0 / std::sqrt(n));
  // Kolmogorov-Smirnov against 1 - e^-x.
  std::sort(xs.begin(), xs.end());
  CHECK(ks_statistic(xs, [](double x) { return -std::expm1(-x); }) < kKsCritical);
  // Counts in regions the rectangle test alone would get wrong: below the top
  // layer's edge (all wedge), and past r (the tail), each within 4 sigma of its binomial mean.
  const auto count_between = [&](double lo, double hi) {
    return static_cast<double>(std::lower_bound(xs.begin(), xs.end(), hi) - std::lower_bound(xs.begin(), xs.end(), lo));
  };
  const auto check_count = [&](double lo, double hi) {
    const double p = std::exp(-lo) - std::exp(-hi);
    INFO("[" << lo << ", " << hi << "): expected " << n * p);
    CHECK(std::abs(count_between(lo, hi) - n * p) < 4 * std::sqrt(n * p * (1 - p)));
  };
  check_count(0, kTables.edge[kLayers - 1]);
  check_count(kTables.edge[kLayers - 1] / 2, kTables.edge[kLayers - 1]);
  check_count(kTailStart, INFINITY);
  check_count(kTailStart + 2, INFINITY);
  check_count(kTables.edge[2], kTailStart);  // layer 1's wedge
}

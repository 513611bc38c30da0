#pragma once
// The Kolmogorov-Smirnov statistic, shared by the tests of the samplers.
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

// sqrt(n) * sup |F_n(x) - F(x)| of `xs` against `cdf`.
inline double ks_statistic(std::vector<double> xs, const std::function<double(double)>& cdf) {
  std::sort(xs.begin(), xs.end());
  const double n = static_cast<double>(xs.size());
  double d = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d * std::sqrt(n);
}

// Asymptotic critical value of sqrt(n) * D at alpha = 0.01 (Kolmogorov's
// limiting distribution; e.g. Stephens 1974, table 1A: 1.628).
inline constexpr double kKsCritical = 1.63;

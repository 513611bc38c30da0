#include "archsim/analysis/cache_hit.hpp"

#include <cmath>

#include "argument_checks.hpp"

namespace archsim::analysis {

namespace {

// Probability that item of request probability p is in the cache, given T.
double occupancy(double p, double t, bool lru) { return lru ? -std::expm1(-p * t) : p * t / (1.0 + p * t); }

double occupied(const std::vector<double>& p, double t, bool lru) {
  double sum = 0;
  for (double x : p) sum += occupancy(x, t, lru);
  return sum;
}

}  // namespace

double che_hit_ratio(const std::vector<double>& popularity, double capacity, std::string_view policy) {
  if (policy != "lru" && policy != "fifo")
    throw std::invalid_argument(fmt::format("che_hit_ratio: policy must be \"lru\" or \"fifo\", got \"{}\"", policy));
  const bool lru = policy == "lru";
  detail::require_finite_at_least(capacity, 0, "che_hit_ratio: capacity (entries)");
  double total = 0;
  std::size_t items = 0;
  for (std::size_t i = 0; i < popularity.size(); ++i) {
    detail::require_finite_at_least(popularity[i], 0, fmt::format("che_hit_ratio: popularity[{}]", i));
    total += popularity[i];
    items += popularity[i] > 0;
  }
  if (!(total > 0) || !std::isfinite(total))
    throw std::invalid_argument("che_hit_ratio: popularity must have a finite, positive sum");
  if (capacity >= static_cast<double>(items)) return 1.0;
  if (capacity == 0) return 0.0;
  std::vector<double> p;
  p.reserve(items);
  for (double x : popularity)
    if (x > 0) p.push_back(x / total);
  // occupied(T) rises from 0 to `items`: bracket the root by doubling, then bisect.
  double lo = 0, hi = 1;
  while (hi < 1e300 && occupied(p, hi, lru) < capacity) lo = hi, hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (occupied(p, mid, lru) < capacity ? lo : hi) = mid;
  }
  const double t = 0.5 * (lo + hi);
  double hit = 0;
  for (double x : p) hit += x * occupancy(x, t, lru);
  return hit;
}

}  // namespace archsim::analysis

#include "archsim/core/key_chooser.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {
namespace {

// log1p(x)/x and expm1(x)/x, continuous at 0.
double log1p_over_x(double x) { return std::fabs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x / 2.0; }
double expm1_over_x(double x) { return std::fabs(x) > 1e-8 ? std::expm1(x) / x : 1.0 + x / 2.0; }

constexpr std::uint64_t kMaxKeys = 1ull << 53;  // keys must be exact in a double

}  // namespace

KeyChooser KeyChooser::uniform(std::uint64_t n) { return KeyChooser(n, false, 0.0); }
KeyChooser KeyChooser::zipf(std::uint64_t n, double exponent) { return KeyChooser(n, true, exponent); }

KeyChooser::KeyChooser(std::uint64_t n, bool zipf, double exponent) : n_(n), zipf_(zipf), exponent_(exponent) {
  const char* name = zipf ? "Zipf" : "UniformKeys";
  if (n == 0 || n > kMaxKeys)
    throw std::invalid_argument(fmt::format("{}: n must be in [1, 2^53], got {}", name, n));
  if (!zipf) return;
  if (!std::isfinite(exponent) || exponent < 0 || exponent > 100)
    throw std::invalid_argument(fmt::format("Zipf: exponent must be in [0, 100], got {}", exponent));
  h_integral_x1_ = h_integral(1.5) - 1.0;
  h_integral_n_ = h_integral(static_cast<double>(n) + 0.5);
  s_ = 2.0 - h_integral_inverse(h_integral(2.5) - h(2.0));
}

double KeyChooser::h(double x) const { return std::exp(-exponent_ * std::log(x)); }

double KeyChooser::h_integral(double x) const {
  const double log_x = std::log(x);
  return expm1_over_x((1.0 - exponent_) * log_x) * log_x;
}

double KeyChooser::h_integral_inverse(double x) const {
  double t = x * (1.0 - exponent_);
  if (t < -1.0) t = -1.0;  // guards rounding at the edge of the domain
  return std::exp(log1p_over_x(t) * x);
}

std::uint64_t KeyChooser::sample_zipf(Rng& rng) const {
  for (;;) {
    const double u = h_integral_n_ + rng.uniform() * (h_integral_x1_ - h_integral_n_);
    const double x = h_integral_inverse(u);
    double k = std::floor(x + 0.5);
    if (k < 1) k = 1;
    if (k > static_cast<double>(n_)) k = static_cast<double>(n_);
    if (k - x <= s_ || u >= h_integral(k + 0.5) - h(k)) return static_cast<std::uint64_t>(k) - 1;
  }
}

std::string KeyChooser::describe() const {
  return zipf_ ? fmt::format("Zipf(n={}, exponent={:g})", n_, exponent_) : fmt::format("UniformKeys(n={})", n_);
}

}  // namespace archsim

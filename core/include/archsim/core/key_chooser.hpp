#pragma once
// Key choosers: which key (0 .. n-1) a request touches. Key 0 is the most
// popular under Zipf. Both draw in O(1) with no per-key table, so 10^8 keys
// cost no memory.
#include <cstdint>
#include <string>

#include "archsim/core/rng.hpp"

namespace archsim {

class KeyChooser {
 public:
  static KeyChooser uniform(std::uint64_t n);
  // P(key = k) proportional to 1 / (k + 1)^exponent, exponent >= 0.
  static KeyChooser zipf(std::uint64_t n, double exponent);

  KeyChooser() : KeyChooser(uniform(1)) {}

  std::uint64_t sample(Rng& rng) const { return zipf_ ? sample_zipf(rng) : rng.below(n_); }
  std::uint64_t size() const { return n_; }
  bool is_zipf() const { return zipf_; }
  double exponent() const { return exponent_; }
  std::string describe() const;

 private:
  KeyChooser(std::uint64_t n, bool zipf, double exponent);
  std::uint64_t sample_zipf(Rng& rng) const;
  double h(double x) const;
  double h_integral(double x) const;
  double h_integral_inverse(double x) const;

  std::uint64_t n_;
  bool zipf_;
  double exponent_;
  // Rejection-inversion constants (Hormann & Derflinger 1996).
  double h_integral_x1_ = 0, h_integral_n_ = 0, s_ = 0;
};

}  // namespace archsim

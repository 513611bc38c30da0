#pragma once
// Argument checks shared by the analysis sources: each throws
// std::invalid_argument naming the parameter and its accepted range.
#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <string_view>

namespace archsim::analysis::detail {

inline void require_finite_at_least(double value, double low, std::string_view name) {
  if (!std::isfinite(value) || value < low)
    throw std::invalid_argument(fmt::format("{} must be a finite number >= {:g}, got {:g}", name, low, value));
}

inline void require_finite_positive(double value, std::string_view name) {
  if (!std::isfinite(value) || value <= 0)
    throw std::invalid_argument(fmt::format("{} must be a finite number > 0, got {:g}", name, value));
}

inline void require_int_in(long long value, long long low, long long high, std::string_view name) {
  if (value < low || value > high)
    throw std::invalid_argument(fmt::format("{} must be an integer in [{}, {}], got {}", name, low, high, value));
}

}  // namespace archsim::analysis::detail

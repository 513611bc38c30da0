#include "archsim/models/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

Jitter parse_jitter(std::string_view name) {
  if (name == "none") return Jitter::kNone;
  if (name == "full") return Jitter::kFull;
  if (name == "equal") return Jitter::kEqual;
  if (name == "decorrelated") return Jitter::kDecorrelated;
  throw std::invalid_argument(fmt::format("unknown jitter '{}'; accepted: {}", name, kJitterNames));
}

// Jitter kinds as in Brooker, "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015).
SimTime RetryPolicy::delay(std::uint32_t retry, SimTime previous, Rng& rng) const {
  const double cap_ns = static_cast<double>(cap);
  const double base_ns = static_cast<double>(backoff);
  const double exponential = std::min(cap_ns, base_ns * std::ldexp(1.0, static_cast<int>(std::min(retry, 60u)) - 1));
  double d = exponential;
  switch (jitter) {
    case Jitter::kNone: break;
    case Jitter::kFull: d = exponential * rng.uniform(); break;
    case Jitter::kEqual: d = exponential / 2 + exponential / 2 * rng.uniform(); break;
    case Jitter::kDecorrelated: {
      const double high = std::max(base_ns, 3.0 * static_cast<double>(previous > 0 ? previous : backoff));
      d = std::min(cap_ns, base_ns + (high - base_ns) * rng.uniform());
      break;
    }
  }
  return static_cast<SimTime>(d + 0.5);
}

}  // namespace archsim

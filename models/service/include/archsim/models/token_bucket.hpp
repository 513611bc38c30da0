#pragma once
// Token-bucket rate limit: `rate` tokens per second refill a bucket of
// `burst`; a request takes one token or is refused. Exact in simulated time.
#include <algorithm>
#include <cstdint>

#include "archsim/core/sim_time.hpp"

namespace archsim {

struct RateLimitConfig {
  double rate = 0;          // tokens per second; 0 = no limit
  double burst = 1;         // bucket size, tokens
  bool per_tenant = false;  // one bucket per tenant instead of one for the service
};

class TokenBucket {
 public:
  explicit TokenBucket(double burst = 1) : tokens_(burst) {}
  bool take(SimTime now, double rate, double burst) {
    tokens_ = std::min(burst, tokens_ + static_cast<double>(now - last_) * 1e-9 * rate);
    last_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double tokens_;
  SimTime last_ = 0;
};

}  // namespace archsim

#pragma once
// What guards a call to a dependency: a timeout, a retry policy with
// exponential backoff, jitter, a retry budget and the errors worth retrying,
// a circuit breaker and a bulkhead.
#include <cstdint>
#include <string_view>

#include "archsim/core/rng.hpp"
#include "archsim/core/sim_time.hpp"
#include "archsim/models/circuit_breaker.hpp"
#include "archsim/models/request.hpp"

namespace archsim {

enum class Jitter : std::uint8_t { kNone, kFull, kEqual, kDecorrelated };
inline constexpr std::string_view kJitterNames = "none, full, equal, decorrelated";
Jitter parse_jitter(std::string_view name);  // throws std::invalid_argument listing the names

struct RetryPolicy {
  std::uint32_t attempts = 1;           // total tries, including the first
  SimTime backoff = 0;                  // base delay before the first retry
  SimTime cap = kTimeMax;               // no delay exceeds this
  Jitter jitter = Jitter::kNone;
  double budget = -1;                   // retries allowed per first attempt on this edge; < 0: unlimited
  std::uint32_t retryable = 0;          // bit (1 << ErrorKind) for each error worth retrying

  bool retries(ErrorKind e) const { return (retryable >> static_cast<unsigned>(e)) & 1u; }
  // The delay before retry number `retry` (1 = the first retry), given the
  // previous delay (for decorrelated jitter). Exponential: backoff * 2^(retry-1), capped.
  SimTime delay(std::uint32_t retry, SimTime previous, Rng& rng) const;
};

struct CallPolicy {
  SimTime timeout = kTimeMax;  // per attempt; kTimeMax = none
  RetryPolicy retry;
  BreakerConfig breaker;
  std::uint32_t max_in_flight = 0;  // bulkhead: attempts outstanding on this edge; 0 = no limit
  // Hedging: a second copy of an attempt goes out when the first has not
  // replied after hedge_delay, or after the hedge_percentile of the edge's
  // observed attempt latency (once hedge_min_samples replies were seen).
  SimTime hedge_delay = kTimeMax;
  double hedge_percentile = 0;
  std::uint32_t hedge_min_samples = 100;
  bool idempotent = true;
  bool hedged() const { return hedge_delay != kTimeMax || hedge_percentile > 0; }
};

}  // namespace archsim

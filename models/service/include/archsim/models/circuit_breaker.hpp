#pragma once
// A circuit breaker on a call edge. Closed: calls pass and outcomes are
// counted over the last `window` calls; it opens when `consecutive_failures`
// fail in a row, or when the failure rate over a full window reaches
// `failure_rate`. Open: calls are refused (error circuit_open) for
// `open_for`. Half-open: `probes` trial calls pass; all succeeding closes it,
// any failing opens it again.
#include <cstdint>
#include <vector>

#include "archsim/core/sim_time.hpp"

namespace archsim {

struct BreakerConfig {
  bool enabled = false;
  std::uint32_t consecutive_failures = 0;  // 0: not used
  double failure_rate = 0;                 // 0: not used; else in (0, 1]
  std::uint32_t window = 20;               // calls in the rate window
  SimTime open_for = kSecond;
  std::uint32_t probes = 1;
};

class CircuitBreaker {
 public:
  enum class State : std::uint8_t { kClosed, kOpen, kHalfOpen };

  explicit CircuitBreaker(BreakerConfig config = {});
  // May a call go out now? Moves open -> half-open when the open time is over.
  bool allow(SimTime now);
  // The outcome of a call that `allow` let through.
  void record(bool success, SimTime now);
  State state() const { return state_; }
  std::uint64_t times_opened() const { return opened_; }

 private:
  void open(SimTime now);
  void close();

  BreakerConfig config_;
  State state_ = State::kClosed;
  std::vector<bool> outcomes_;  // ring of the last `window` outcomes (true = failure)
  std::size_t next_ = 0, filled_ = 0, failures_in_window_ = 0;
  std::uint32_t consecutive_ = 0;
  SimTime open_until_ = 0;
  std::uint32_t probes_sent_ = 0, probes_ok_ = 0;
  std::uint64_t opened_ = 0;
};

}  // namespace archsim

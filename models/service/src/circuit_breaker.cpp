#include "archsim/models/circuit_breaker.hpp"

#include <stdexcept>

namespace archsim {

CircuitBreaker::CircuitBreaker(BreakerConfig config) : config_(config) {
  if (config_.enabled && config_.window == 0) throw std::invalid_argument("circuit breaker: window must be >= 1");
  outcomes_.assign(config_.enabled ? config_.window : 0, false);
}

bool CircuitBreaker::allow(SimTime now) {
  if (!config_.enabled) return true;
  if (state_ == State::kOpen) {
    if (now < open_until_) return false;
    state_ = State::kHalfOpen;
    probes_sent_ = probes_ok_ = 0;
  }
  if (state_ == State::kHalfOpen) {
    if (probes_sent_ >= config_.probes) return false;  // wait for the probes' verdict
    ++probes_sent_;
  }
  return true;
}

void CircuitBreaker::record(bool success, SimTime now) {
  if (!config_.enabled) return;
  if (state_ == State::kOpen) return;  // a call sent before it opened
  if (state_ == State::kHalfOpen) {
    if (!success) {
      open(now);
    } else if (++probes_ok_ >= config_.probes) {
      close();
    }
    return;
  }
  consecutive_ = success ? 0 : consecutive_ + 1;
  if (filled_ == outcomes_.size()) failures_in_window_ -= outcomes_[next_];
  else ++filled_;
  outcomes_[next_] = !success;
  failures_in_window_ += !success;
  next_ = (next_ + 1) % outcomes_.size();
  const bool too_many_in_a_row = config_.consecutive_failures > 0 && consecutive_ >= config_.consecutive_failures;
  const bool rate_too_high = config_.failure_rate > 0 && filled_ == outcomes_.size() &&
                             static_cast<double>(failures_in_window_) >= config_.failure_rate * static_cast<double>(filled_);
  if (too_many_in_a_row || rate_too_high) open(now);
}

void CircuitBreaker::open(SimTime now) {
  state_ = State::kOpen;
  open_until_ = now + config_.open_for;
  ++opened_;
}

void CircuitBreaker::close() {
  state_ = State::kClosed;
  consecutive_ = 0;
  filled_ = next_ = failures_in_window_ = 0;
}

}  // namespace archsim

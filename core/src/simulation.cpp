#include "archsim/core/simulation.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

std::uint32_t Simulation::add_handler(EventHandler* handler) {
  if (handler == nullptr) throw std::invalid_argument("Simulation::add_handler: handler is null");
  handlers_.push_back(handler);
  return static_cast<std::uint32_t>(handlers_.size() - 1);
}

void Simulation::throw_past(SimTime at) const {
  throw std::logic_error(fmt::format("event scheduled in the past: at {} ns, now {} ns", at, now_));
}

void Simulation::set_progress(ProgressCallback callback, std::uint64_t every_events) {
  progress_ = std::move(callback);
  progress_every_ = every_events > 0 ? every_events : 1;
}

StopReason Simulation::run(const RunLimits& limits) {
  stop_requested_ = false;
  const std::uint64_t event_budget_end =
      limits.max_events == UINT64_MAX ? UINT64_MAX : events_ + limits.max_events;
  std::uint64_t next_progress = events_ + progress_every_;
  // Time stands still while now_ is the same at two checkpoints: every event
  // between them ran at that one instant.
  SimTime still_at = now_;
  std::uint64_t still_since = events_;
  auto report = [&] {
    return !progress_ || progress_(Progress{now_, limits.until, events_, limits.max_events});
  };

  StopReason reason;
  for (;;) {
    const std::uint64_t checkpoint = std::min({event_budget_end, next_progress, events_ + kStallCheckEvery});
    const Batch batch =
        event_log_ ? run_batch<true>(limits.until, checkpoint) : run_batch<false>(limits.until, checkpoint);
    if (batch != Batch::kCheckpoint) {
      reason = static_cast<StopReason>(batch);
      break;
    }
    if (events_ >= event_budget_end) {
      reason = StopReason::kEventLimit;
      break;
    }
    if (now_ != still_at) {
      still_at = now_;
      still_since = events_;
    } else if (events_ - still_since >= kStallEvents) {
      reason = StopReason::kStalled;
      break;
    }
    if (events_ >= next_progress) {
      next_progress = events_ + progress_every_;
      if (!report()) {
        reason = StopReason::kCancelled;
        break;
      }
    }
  }
  if (reason == StopReason::kQueueEmpty && limits.until != kTimeMax && now_ < limits.until) now_ = limits.until;
  if (reason == StopReason::kTimeLimit) now_ = limits.until;
  report();
  return reason;
}

template <bool kLogged>
Simulation::Batch Simulation::run_batch(SimTime until, std::uint64_t checkpoint) {
  while (events_ < checkpoint) {
    if (queue_.empty()) return Batch::kQueueEmpty;
    const Event event = queue_.top();
    if (event.time > until) return Batch::kTimeLimit;
    now_ = event.time;
    if constexpr (kLogged) event_log_->record(event, handlers_[event.target]->log_name());
    top_is_spent_ = true;
    try {
      handlers_[event.target]->handle(event);
    } catch (...) {
      if (top_is_spent_) queue_.pop();
      top_is_spent_ = false;
      throw;
    }
    if (top_is_spent_) {
      queue_.pop();
      top_is_spent_ = false;
    }
    ++events_;
    if (stop_requested_) return Batch::kStopped;
  }
  return Batch::kCheckpoint;
}

}  // namespace archsim

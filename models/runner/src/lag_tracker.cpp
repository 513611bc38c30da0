#include "archsim/models/lag_tracker.hpp"

#include <algorithm>

namespace archsim {

void LagTracker::set(SimTime now, double lag, SimTime oldest) {
  advance(now);
  lag_ = lag;
  oldest_ = oldest;
  max_lag_ = std::max(max_lag_, lag);
}

void LagTracker::reset(SimTime now) {
  advance(now);
  start_ = now;
  area_ = age_area_ = 0;
  max_lag_ = lag_;
  max_age_ = lag_ > 0 && oldest_ != kTimeMax ? now - oldest_ : 0;
  window_area_ = window_age_area_ = 0;
  window_span_ = 0;
  windows_.clear();
}

void LagTracker::advance(SimTime now) {
  while (last_ < now) {
    const SimTime boundary = (last_ / window_ + 1) * window_;
    const SimTime end = std::min(now, boundary);
    const auto span = static_cast<double>(end - last_);
    const double area = lag_ * span;
    // The oldest message's age grows linearly: its integral is span x the mid-point age.
    const bool waiting = lag_ > 0 && oldest_ != kTimeMax;
    const double age_area = waiting ? span * (0.5 * static_cast<double>(last_ + end) - static_cast<double>(oldest_)) : 0;
    if (waiting) max_age_ = std::max(max_age_, end - oldest_);
    area_ += area;
    age_area_ += age_area;
    window_area_ += area;
    window_age_area_ += age_area;
    window_span_ += end - last_;
    last_ = end;
    if (end == boundary) close_window();
  }
}

void LagTracker::close_window() {
  const std::int64_t index = (last_ - 1) / window_;
  if (window_span_ > 0 && index * window_ >= start_) {
    const auto span = static_cast<double>(window_span_);
    windows_.push_back(LagWindow{index, window_area_ / span, window_age_area_ / span});
  }
  window_area_ = window_age_area_ = 0;
  window_span_ = 0;
}

void LagTracker::finish(SimTime now, ConsumerGroupResult& out) {
  advance(now);
  if (window_span_ > 0) close_window();  // the last, partial window
  const auto span = static_cast<double>(now - start_);
  out.mean_lag = span > 0 ? area_ / span : lag_;
  out.mean_lag_time = span > 0 ? age_area_ / span : 0;
  out.max_lag = max_lag_;
  out.max_lag_time = max_age_;
  out.windows = std::move(windows_);
}

}  // namespace archsim

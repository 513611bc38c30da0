#pragma once
// Counters and latencies bucketed into fixed windows of simulated time, for
// time series plots (throughput, errors, p99 per window). Only windows with a
// record are stored, so memory follows the requests, not the run's length: a
// run of simulated years with 1 s windows stays small.
#include <cstdint>
#include <vector>

#include "archsim/core/histogram.hpp"
#include "archsim/core/sim_time.hpp"

namespace archsim {

struct SeriesWindow {
  std::uint64_t index = 0;      // the window [index * width, (index + 1) * width)
  std::uint64_t errors = 0;     // failed requests in the window
  Histogram latency{5};         // coarser than the run histogram: 1.6% error
  std::uint64_t completed() const { return latency.count(); }  // successful completions in the window
};

class WindowedSeries {
 public:
  explicit WindowedSeries(SimTime width = kSecond) : width_(width > 0 ? width : kSecond) {}

  void record_success(SimTime at, std::int64_t latency) {
    window(at).latency.record(latency);
  }
  void record_error(SimTime at) { window(at).errors++; }
  SimTime width() const { return width_; }
  // Windows with at least one record, in time order.
  const std::vector<SeriesWindow>& windows() const { return windows_; }

 private:
  SeriesWindow& window(SimTime at) {
    // Records arrive in time order: stay in the current window without dividing.
    if (at < current_end_) return windows_.back();
    const auto index = static_cast<std::uint64_t>(at / width_);
    if (windows_.empty() || windows_.back().index != index) {
      windows_.emplace_back().index = index;
      const SimTime start = static_cast<SimTime>(index) * width_;
      current_end_ = start > kTimeMax - width_ ? kTimeMax : start + width_;  // the last window ends at kTimeMax
    }
    return windows_.back();
  }
  SimTime width_;
  std::vector<SeriesWindow> windows_;
  SimTime current_end_ = INT64_MIN;  // end of windows_.back(); no time is below it while windows_ is empty
};

}  // namespace archsim

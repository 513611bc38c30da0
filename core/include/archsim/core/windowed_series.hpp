#pragma once
// Counters and latencies bucketed into fixed windows of simulated time, for
// time series plots (throughput, errors, p99 per window). Only windows with a
// record are stored, so memory follows the requests, not the run's length: a
// run of simulated years with 1 s windows stays small.
//
// A success is recorded once, into the run's histogram, which the series is
// handed; a window's histogram is what the run's gained while the window was
// open, folded into coarser buckets and packed when the window closes. Only
// the open window's least and largest latency are kept per record: counts do
// not give them. That costs a few instructions per record where a histogram
// of its own costs a bucket's index and a store, on every hop of every
// request. In exchange a window costs one pass over the run's buckets
// between its least and largest latency, however few records it has, and
// the series keeps a copy of the run's histogram at the windows' precision
// (docs/performance.md).
#include <cstdint>
#include <vector>

#include "archsim/core/histogram.hpp"
#include "archsim/core/packed_histogram.hpp"
#include "archsim/core/sim_time.hpp"

namespace archsim {

struct SeriesWindow {
  static constexpr int kSubBits = 5;  // coarser than the run histogram: 1.6% error
  std::uint64_t index = 0;            // the window [index * width, (index + 1) * width)
  std::uint64_t errors = 0;           // failed requests in the window
  PackedHistogram latency{kSubBits};  // of its successes; unpack() to read percentiles
  std::uint64_t completed() const { return latency.count(); }  // successful completions in the window
};

class WindowedSeries {
 public:
  explicit WindowedSeries(SimTime width = kSecond) : width_(width > 0 ? width : kSecond) {}

  // Records a success into `run`, the histogram of every success this series
  // records (and of nothing else), and into the window of `at`. Records
  // arrive in time order.
  [[gnu::always_inline]] void record_success(SimTime at, std::int64_t latency, Histogram& run) {
    if (at >= open_end_) open(at, run);
    latency = latency > 0 ? latency : 0;  // as the histogram clamps it
    open_min_ = latency < open_min_ ? latency : open_min_;
    open_max_ = latency > open_max_ ? latency : open_max_;
    run.record(latency);
  }
  void record_error(SimTime at, const Histogram& run) {
    if (at >= open_end_) open(at, run);
    ++open_errors_;
  }
  // Stores the open window, after the last record: windows() is complete.
  void close(const Histogram& run);
  SimTime width() const { return width_; }
  // Windows with at least one record, in time order, up to the last close().
  const std::vector<SeriesWindow>& windows() const { return windows_; }

 private:
  // Closes the open window, unless `at` is in it, and opens that of `at`.
  void open(SimTime at, const Histogram& run);
  void store_open(const Histogram& run);  // if it has a record

  SimTime width_;
  std::vector<SeriesWindow> windows_;
  // The open window: its index and end (INT64_MIN: none open, so no time is
  // below it), failures, least and largest latency of its successes, and the run's
  // histogram as it stood when the window opened, folded to the windows' precision.
  std::uint64_t open_index_ = 0;
  SimTime open_end_ = INT64_MIN;
  std::uint64_t open_errors_ = 0;
  std::int64_t open_min_ = INT64_MAX, open_max_ = 0;
  Histogram run_seen_{SeriesWindow::kSubBits};
  Histogram folded_{SeriesWindow::kSubBits};  // where a closing window is folded, then packed from
};

}  // namespace archsim

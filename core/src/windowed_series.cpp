#include "archsim/core/windowed_series.hpp"

namespace archsim {

void WindowedSeries::open(SimTime at, const Histogram& run) {
  const auto index = static_cast<std::uint64_t>(at / width_);
  if (open_end_ == INT64_MIN) {  // the first window, or the first after close(): the fold starts from here
    run_seen_ = Histogram(SeriesWindow::kSubBits);  // brought up to `run` by a fold whose result is dropped
    Histogram(SeriesWindow::kSubBits).add_since(run_seen_, run, run.min(), run.max());
  } else {
    if (index == open_index_) return;  // the last window of time, which ends at kTimeMax
    store_open(run);
  }
  open_index_ = index;
  const SimTime start = static_cast<SimTime>(index) * width_;
  open_end_ = start > kTimeMax - width_ ? kTimeMax : start + width_;
}

void WindowedSeries::close(const Histogram& run) {
  if (open_end_ == INT64_MIN) return;
  store_open(run);
  open_end_ = INT64_MIN;
}

void WindowedSeries::store_open(const Histogram& run) {
  const bool succeeded = open_min_ != INT64_MAX;
  if (!succeeded && open_errors_ == 0) return;
  SeriesWindow& w = windows_.emplace_back();
  w.index = open_index_;
  w.errors = open_errors_;
  if (succeeded) {
    folded_.add_since(run_seen_, run, open_min_, open_max_);
    w.latency = PackedHistogram::take(folded_);
  }
  open_errors_ = 0;
  open_min_ = INT64_MAX;
  open_max_ = 0;
}

}  // namespace archsim

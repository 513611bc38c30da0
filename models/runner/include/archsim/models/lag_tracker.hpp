#pragma once
// A consumer group's lag over time: the messages not yet done (a step
// function) and the age of the oldest of them (growing linearly between
// changes), integrated exactly, over the run and per time-series window.
#include <cstdint>
#include <vector>

#include "archsim/models/run_result.hpp"

namespace archsim {

class LagTracker {
 public:
  explicit LagTracker(SimTime window) : window_(window) {}
  // The lag is now `lag` messages, the oldest published at `oldest` (kTimeMax: none).
  void set(SimTime now, double lag, SimTime oldest);
  // Forgets the figures so far (end of warm-up); windows that began earlier are left out.
  void reset(SimTime now);
  // Fills the lag figures of `out` over [reset, now].
  void finish(SimTime now, ConsumerGroupResult& out);

 private:
  void advance(SimTime now);
  void close_window();

  SimTime window_, start_ = 0, last_ = 0;
  double lag_ = 0;
  SimTime oldest_ = kTimeMax;
  double area_ = 0, age_area_ = 0, max_lag_ = 0;  // messages x ns, ns x ns
  SimTime max_age_ = 0;
  double window_area_ = 0, window_age_area_ = 0;  // of the window holding last_
  SimTime window_span_ = 0;
  std::vector<LagWindow> windows_;
};

}  // namespace archsim

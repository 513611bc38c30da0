#pragma once
// Time-weighted average of a level (queue length, busy workers, in flight),
// integrated exactly between changes. Integration starts at reset().
#include <cstdint>

#include "archsim/core/sim_time.hpp"

namespace archsim {

class TimeAverage {
 public:
  void set(SimTime now, double level) {
    advance(now);
    level_ = level;
  }
  void add(SimTime now, double delta) { set(now, level_ + delta); }
  // Forgets the area so far (end of warm-up); the level is kept.
  void reset(SimTime now) {
    last_ = now;
    start_ = now;
    area_ = 0;
  }
  double level() const { return level_; }
  // Mean level over [start, now].
  double average(SimTime now) const {
    const SimTime span = now - start_;
    if (span <= 0) return level_;
    return area(now) / static_cast<double>(span);
  }
  // Mean of (this level - part's level) over [start, now], for a `part` counted
  // within this one and reset with it. The areas are subtracted before dividing:
  // while they are integers below 2^53 (integer levels, nanoseconds), this is
  // bit-identical to averaging the difference level itself.
  double average_minus(const TimeAverage& part, SimTime now) const {
    const SimTime span = now - start_;
    if (span <= 0) return level_ - part.level_;
    return (area(now) - part.area(now)) / static_cast<double>(span);
  }

 private:
  double area(SimTime now) const { return area_ + level_ * static_cast<double>(now - last_); }
  void advance(SimTime now) {
    area_ += level_ * static_cast<double>(now - last_);
    last_ = now;
  }
  SimTime start_ = 0, last_ = 0;
  double level_ = 0, area_ = 0;
};

}  // namespace archsim

#pragma once
// Time-weighted average of an integer level (queue length, busy workers, in
// flight), exact between changes. Integration starts at reset().
//
// The area under the level from `start` to T is level(T) * T - level(start) *
// start - sum(dlevel_k * t_k) over the changes since start, so a change only
// adds its size times its time to one 128-bit integer: a step of +-1 (a request
// arriving or leaving) is a subtraction, with no multiplication and no rounding.
#include <cstdint>

#include "archsim/core/sim_time.hpp"

namespace archsim {

class TimeAverage {
 public:
  void set(SimTime now, std::int64_t level) { add(now, level - level_); }
  void add(SimTime now, std::int64_t delta) {
    offset_ -= static_cast<__int128>(delta) * now;
    level_ += delta;
  }
  // Forgets the area so far (end of warm-up); the level is kept.
  void reset(SimTime now) {
    start_ = now;
    offset_ = -static_cast<__int128>(level_) * now;
  }
  std::int64_t level() const { return level_; }
  // Mean level over [start, now].
  double average(SimTime now) const {
    const SimTime span = now - start_;
    if (span <= 0) return static_cast<double>(level_);
    return static_cast<double>(area(now)) / static_cast<double>(span);
  }
  // Mean of (this level - part's level) over [start, now], for a `part` counted
  // within this one and reset with it: the areas are subtracted exactly, so this
  // is bit-identical to averaging the difference level itself.
  double average_minus(const TimeAverage& part, SimTime now) const {
    const SimTime span = now - start_;
    if (span <= 0) return static_cast<double>(level_ - part.level_);
    return static_cast<double>(area(now) - part.area(now)) / static_cast<double>(span);
  }

 private:
  __int128 area(SimTime now) const { return static_cast<__int128>(level_) * now + offset_; }
  SimTime start_ = 0;
  std::int64_t level_ = 0;
  __int128 offset_ = 0;  // area(now) = level_ * now + offset_
};

}  // namespace archsim

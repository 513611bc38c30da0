#pragma once
// Poisson arrivals with a piecewise-constant rate: exact, because the
// exponential gap is memoryless, a gap that crosses a rate change is redrawn
// from the boundary at the new rate. Bursts and schedules are both segments.
//
// Each arrival is computed one arrival early, as DrawAhead draws a
// distribution one draw early (core/draw_ahead.hpp says why): next() returns
// a time ready long before, whose comparisons in the event queue then decide
// at once, and computes the following one meanwhile. The times are those of
// computing each on demand: the process depends on nothing but its schedule
// and its own stream.
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "archsim/core/exponential.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/core/sim_time.hpp"

namespace archsim {

struct RateSegment {
  SimTime from;  // the rate applies from here to the next segment's start
  double rate;   // arrivals per second, >= 0
};

class ArrivalProcess {
 public:
  // Segments sorted by `from`, the first at 0; throws std::invalid_argument
  // otherwise. Every gap is drawn from `rng`.
  ArrivalProcess(std::vector<RateSegment> schedule, Rng rng);
  // The first arrival, then each after the previous one; kTimeMax once the
  // rate stays 0. Each gap starts at the previous arrival's exact, unrounded
  // time, so rounding to whole nanoseconds never biases the rate (it would at
  // 10^9/s). Arrivals can share an instant.
  SimTime next() {
    const SimTime t = ahead_;
    if (t != kTimeMax) ahead_ = advance();
    return t;
  }
  double rate_at(SimTime t) const;

 private:
  // The arrival after the exact time of the last one, which it becomes.
  // Inlined into the client's arrival event: as a call it cost 11 of an M/M/1
  // customer's 1,100 instructions (docs/performance.md).
  [[gnu::always_inline]] inline SimTime advance();

  std::vector<RateSegment> schedule_;
  std::size_t segment_ = 0;  // current segment; time only moves forward
  // Exact time of the previous arrival: whole nanoseconds plus a fraction in
  // [0, 1) (a double alone loses sub-ns precision after about 100 days).
  SimTime exact_ns_ = 0;
  double exact_frac_ = 0;
  Rng rng_;
  SimTime ahead_;  // what next() returns
};

inline SimTime ArrivalProcess::advance() {
  SimTime base = exact_ns_;
  double frac = exact_frac_;
  for (;;) {
    while (segment_ + 1 < schedule_.size() && schedule_[segment_ + 1].from <= base) ++segment_;
    const SimTime end = segment_ + 1 < schedule_.size() ? schedule_[segment_ + 1].from : kTimeMax;
    const double rate = schedule_[segment_].rate;
    if (rate > 0) {
      const double gap_ns = frac + standard_exponential(rng_) / rate * 1e9;
      // gap_ns >= 0, so truncation is floor: a cast is a few instructions, std::floor
      // without SSE4.1 about twenty.
      const double whole = gap_ns < 0x1p62 ? static_cast<double>(static_cast<SimTime>(gap_ns)) : std::floor(gap_ns);
      if (whole < static_cast<double>(end - base)) {  // before the next segment (end - base >= 1)
        exact_ns_ = base + static_cast<SimTime>(whole);
        exact_frac_ = gap_ns - whole;
        return exact_ns_ + (exact_frac_ >= 0.5 ? 1 : 0);
      }
    }
    if (end == kTimeMax) return kTimeMax;
    base = end;  // memoryless: restart the draw at the boundary with the new rate
    frac = 0;
  }
}

}  // namespace archsim

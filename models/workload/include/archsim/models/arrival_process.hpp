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
#include <cstdint>
#include <utility>
#include <vector>

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
  SimTime advance();

  std::vector<RateSegment> schedule_;
  std::size_t segment_ = 0;  // current segment; time only moves forward
  // Exact time of the previous arrival: whole nanoseconds plus a fraction in
  // [0, 1) (a double alone loses sub-ns precision after about 100 days).
  SimTime exact_ns_ = 0;
  double exact_frac_ = 0;
  Rng rng_;
  SimTime ahead_;  // what next() returns
};

}  // namespace archsim

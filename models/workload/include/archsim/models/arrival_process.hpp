#pragma once
// Poisson arrivals with a piecewise-constant rate: exact, because the
// exponential gap is memoryless, a gap that crosses a rate change is redrawn
// from the boundary at the new rate. Bursts and schedules are both segments.
//
// Each gap's exponential draw of mean 1 is made one gap early, as DrawAhead
// does for a distribution (core/draw_ahead.hpp says why): the arrival times are
// those of drawing on demand. Only that draw is made early: the rate that
// divides it may change before the gap is used.
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
  // The next arrival, or kTimeMax if the rate stays 0. `now` is the time of
  // the previous arrival (0 for the first): the draw continues from that
  // arrival's exact, unrounded time, so rounding to whole nanoseconds never
  // biases the rate (it would at 10^9/s). Arrivals can share an instant.
  SimTime next_after(SimTime now);
  double rate_at(SimTime t) const;

 private:
  std::vector<RateSegment> schedule_;
  std::size_t segment_ = 0;  // current segment; time only moves forward
  // Exact time of the previous arrival: whole nanoseconds plus a fraction in
  // [0, 1) (a double alone loses sub-ns precision after about 100 days).
  SimTime exact_ns_ = 0;
  double exact_frac_ = 0;
  Rng rng_;
  double next_exp_;  // the next gap at rate 1, drawn one gap early
};

}  // namespace archsim

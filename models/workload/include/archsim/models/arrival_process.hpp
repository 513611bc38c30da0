#pragma once
// Poisson arrivals with a piecewise-constant rate: exact, because the
// exponential gap is memoryless, a gap that crosses a rate change is redrawn
// from the boundary at the new rate. Bursts and schedules are both segments.
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
  // Segments sorted by `from`, the first at 0; throws std::invalid_argument otherwise.
  explicit ArrivalProcess(std::vector<RateSegment> schedule);
  // The next arrival strictly after `now`, or kTimeMax if the rate stays 0.
  SimTime next_after(SimTime now, Rng& rng);
  double rate_at(SimTime t) const;

 private:
  std::vector<RateSegment> schedule_;
  std::size_t segment_ = 0;  // current segment; time only moves forward
};

}  // namespace archsim

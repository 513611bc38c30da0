#pragma once
// The draws of one distribution from one stream, each made one draw early:
// take() returns the value drawn at the previous take() (or at first()) and
// draws the next. The values are those of drawing on demand, since the stream
// and the order of its draws are the same; only the moment of the draw moves.
// That moment matters: a draw can cost tens of cycles (an exp for a
// lognormal), and made on demand its result feeds at once the event-queue
// comparisons that pick the next event, branches the CPU can only guess.
// Drawn early, it is ready long before (docs/design.md, "Draws made one draw
// early"). Every call must pass the same distribution and stream.
//
// take_time() is take() as a duration, draw_to_time() of the value: converted
// when drawn, so that the time of the event it schedules is ready at once too.
#include "archsim/core/distribution.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/core/sim_time.hpp"

namespace archsim {

class DrawAhead {
 public:
  void first(const Distribution& d, Rng& rng) { set(d.sample(rng)); }
  double take(const Distribution& d, Rng& rng) {
    const double value = next_;
    set(d.sample(rng));
    return value;
  }
  SimTime take_time(const Distribution& d, Rng& rng) {
    const SimTime time = next_time_;
    set(d.sample(rng));
    return time;
  }

 private:
  void set(double value) {
    next_ = value;
    next_time_ = draw_to_time(value);
  }

  double next_ = 0;
  SimTime next_time_ = 0;
};

}  // namespace archsim

#include "archsim/models/arrival_process.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "archsim/core/exponential.hpp"

namespace archsim {

ArrivalProcess::ArrivalProcess(std::vector<RateSegment> schedule, Rng rng)
    : schedule_(std::move(schedule)), rng_(rng) {
  if (schedule_.empty() || schedule_.front().from != 0)
    throw std::invalid_argument("workload: the rate schedule must start at time 0");
  for (std::size_t i = 0; i < schedule_.size(); ++i) {
    const double r = schedule_[i].rate;
    if (!std::isfinite(r) || r < 0 || r > 1e10)
      throw std::invalid_argument(fmt::format("workload: rate must be in [0, 1e10] per second, got {}", r));
    if (i > 0 && schedule_[i].from <= schedule_[i - 1].from)
      throw std::invalid_argument("workload: rate schedule times must increase");
  }
  ahead_ = advance();
}

double ArrivalProcess::rate_at(SimTime t) const {
  double r = schedule_.front().rate;
  for (const auto& s : schedule_)
    if (s.from <= t) r = s.rate;
  return r;
}

SimTime ArrivalProcess::advance() {
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

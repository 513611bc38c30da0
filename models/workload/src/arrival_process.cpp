#include "archsim/models/arrival_process.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

ArrivalProcess::ArrivalProcess(std::vector<RateSegment> schedule) : schedule_(std::move(schedule)) {
  if (schedule_.empty() || schedule_.front().from != 0)
    throw std::invalid_argument("workload: the rate schedule must start at time 0");
  for (std::size_t i = 0; i < schedule_.size(); ++i) {
    const double r = schedule_[i].rate;
    if (!std::isfinite(r) || r < 0 || r > 1e10)
      throw std::invalid_argument(fmt::format("workload: rate must be in [0, 1e10] per second, got {}", r));
    if (i > 0 && schedule_[i].from <= schedule_[i - 1].from)
      throw std::invalid_argument("workload: rate schedule times must increase");
  }
}

double ArrivalProcess::rate_at(SimTime t) const {
  double r = schedule_.front().rate;
  for (const auto& s : schedule_)
    if (s.from <= t) r = s.rate;
  return r;
}

SimTime ArrivalProcess::next_after(SimTime now, Rng& rng) {
  SimTime t = now;
  for (;;) {
    while (segment_ + 1 < schedule_.size() && schedule_[segment_ + 1].from <= t) ++segment_;
    const SimTime end = segment_ + 1 < schedule_.size() ? schedule_[segment_ + 1].from : kTimeMax;
    const double rate = schedule_[segment_].rate;
    if (rate > 0) {
      const double gap_ns = -std::log(rng.uniform_pos()) / rate * 1e9;
      const double next = static_cast<double>(t) + gap_ns;
      if (next < static_cast<double>(end)) {
        const auto at = static_cast<SimTime>(next + 0.5);
        return at > now ? at : now + 1;  // strictly after: two arrivals never share an instant by rounding
      }
    }
    if (end == kTimeMax) return kTimeMax;
    t = end;  // memoryless: restart the draw at the boundary with the new rate
  }
}

}  // namespace archsim

#include "archsim/models/arrival_process.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

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

}  // namespace archsim

#include "archsim/models/instance_picker.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

Strategy parse_strategy(std::string_view name) {
  if (name == "round_robin") return Strategy::kRoundRobin;
  if (name == "random") return Strategy::kRandom;
  if (name == "least_outstanding") return Strategy::kLeastOutstanding;
  if (name == "p2c") return Strategy::kPowerOfTwo;
  throw std::invalid_argument(fmt::format("unknown strategy '{}'; accepted: {}", name, kStrategyNames));
}

std::string_view strategy_name(Strategy s) {
  switch (s) {
    case Strategy::kRoundRobin: return "round_robin";
    case Strategy::kRandom: return "random";
    case Strategy::kLeastOutstanding: return "least_outstanding";
    case Strategy::kPowerOfTwo: return "p2c";
  }
  return "?";
}

InstancePicker::InstancePicker(Strategy strategy, std::uint32_t instances, Rng rng,
                               const std::vector<std::uint32_t>* active)
    : strategy_(strategy), outstanding_(instances, 0), active_(active), rng_(rng) {
  if (instances == 0) throw std::invalid_argument("InstancePicker: the target has no instances");
}

std::uint32_t InstancePicker::pick_among() {
  // Candidates by position k: every instance, or the active set of an autoscaled target.
  const auto n = static_cast<std::uint32_t>(active_ ? active_->size() : outstanding_.size());
  const auto at = [this](std::uint32_t k) { return active_ ? (*active_)[k] : k; };
  if (n == 1) return at(0);
  if (next_ >= n) next_ = 0;  // the active set shrank
  switch (strategy_) {
    case Strategy::kRoundRobin: {
      const std::uint32_t i = next_;
      next_ = (next_ + 1) % n;
      return at(i);
    }
    case Strategy::kRandom: return at(static_cast<std::uint32_t>(rng_.below(n)));
    case Strategy::kLeastOutstanding: {
      // Scan from a rotating start so ties spread instead of piling on instance 0.
      std::uint32_t best = at(next_);
      for (std::uint32_t k = 1; k < n; ++k) {
        const std::uint32_t i = at((next_ + k) % n);
        if (outstanding_[i] < outstanding_[best]) best = i;
      }
      next_ = (next_ + 1) % n;
      return best;
    }
    case Strategy::kPowerOfTwo: {
      const auto a = static_cast<std::uint32_t>(rng_.below(n));
      auto b = static_cast<std::uint32_t>(rng_.below(n - 1));
      if (b >= a) ++b;  // two distinct instances
      return outstanding_[at(b)] < outstanding_[at(a)] ? at(b) : at(a);
    }
  }
  return 0;
}

}  // namespace archsim

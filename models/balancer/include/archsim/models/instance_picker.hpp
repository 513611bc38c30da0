#pragma once
// Chooses which instance of a target gets the next request: round-robin,
// random, least-outstanding, or power-of-two-choices. Outstanding counts are
// the picker's own view (requests it sent that have not replied), as a real
// load balancer sees them; only the strategies that read them keep them. One
// picker serves a whole component (a balancer, a client, or one call edge of a
// service), shared by its instances. With an active set (an autoscaled target)
// it picks only among the instances in it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "archsim/core/rng.hpp"

namespace archsim {

enum class Strategy : std::uint8_t { kRoundRobin, kRandom, kLeastOutstanding, kPowerOfTwo };
inline constexpr std::string_view kStrategyNames = "round_robin, random, least_outstanding, p2c";
// Throws std::invalid_argument listing the accepted names.
Strategy parse_strategy(std::string_view name);
std::string_view strategy_name(Strategy s);

class InstancePicker {
 public:
  // `active`: the target's active_instances() (nullptr: every instance); it must outlive the picker.
  InstancePicker(Strategy strategy, std::uint32_t instances, Rng rng,
                 const std::vector<std::uint32_t>* active = nullptr);
  std::uint32_t pick() {  // one instance, not autoscaled: nothing to choose, no call
    return !active_ && outstanding_.size() == 1 ? 0 : pick_among();
  }
  void sent(std::uint32_t instance) {
    if (counts()) ++outstanding_[instance];
  }
  // A target that routes by itself (a store) may answer from another instance than the one picked.
  void replied(std::uint32_t instance) {
    if (counts() && outstanding_[instance] > 0) --outstanding_[instance];
  }
  // 0 for a strategy that does not count (round-robin, random).
  std::uint32_t outstanding(std::uint32_t instance) const { return outstanding_[instance]; }

 private:
  std::uint32_t pick_among();
  // Whether the strategy reads outstanding_.
  bool counts() const { return strategy_ == Strategy::kLeastOutstanding || strategy_ == Strategy::kPowerOfTwo; }
  Strategy strategy_;
  std::vector<std::uint32_t> outstanding_;  // by instance
  const std::vector<std::uint32_t>* active_;
  std::uint32_t next_ = 0;  // round-robin cursor (a position among the candidates); also the tie-break start
  Rng rng_;
};

}  // namespace archsim

#pragma once
// Faults on the network between two groups of hosts, switched on and off by
// the fault injector. A partition loses every message from group a to group b
// (and from b to a unless it is one-way); extra latency delays messages in
// both directions by a draw from its own stream. Messages within a group, or
// from a host outside both groups, are untouched.
#include <cstdint>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/core/sim_time.hpp"

namespace archsim {

struct LinkFault {
  std::vector<std::uint8_t> side;  // per host: 0 in neither group, 1 in group a, 2 in group b
  bool partition = false;          // lose the message; else delay it by `extra`
  bool one_way = false;            // partition: only messages from a to b
  Distribution extra;              // seconds, one draw per affected message
  Rng rng{0, ""};
  bool active = false;
  std::uint64_t affected = 0;  // messages lost or delayed while active
};

class LinkFaults {
 public:
  std::uint32_t add(LinkFault fault) {
    faults_.push_back(std::move(fault));
    return static_cast<std::uint32_t>(faults_.size() - 1);
  }
  void set_active(std::uint32_t id, bool active);
  std::uint64_t affected(std::uint32_t id) const { return faults_[id].affected; }
  bool any_active() const { return active_ > 0; }
  // Loses or delays a message from `from_host` to `to_host` (delay in ns).
  void apply(std::uint32_t from_host, std::uint32_t to_host, SimTime& delay, bool& lost);

 private:
  std::vector<LinkFault> faults_;
  std::uint32_t active_ = 0;
};

}  // namespace archsim

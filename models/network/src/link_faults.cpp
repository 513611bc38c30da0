#include "archsim/models/link_faults.hpp"

#include <cmath>

namespace archsim {

void LinkFaults::set_active(std::uint32_t id, bool active) {
  LinkFault& f = faults_[id];
  if (f.active == active) return;
  f.active = active;
  active ? ++active_ : --active_;
}

void LinkFaults::apply(std::uint32_t from_host, std::uint32_t to_host, SimTime& delay, bool& lost) {
  for (LinkFault& f : faults_) {
    if (!f.active) continue;
    const std::uint8_t a = f.side[from_host], b = f.side[to_host];
    const bool crosses = a != 0 && b != 0 && a != b && !(f.one_way && a == 2);
    if (!crosses) continue;
    ++f.affected;
    if (f.partition) {
      lost = true;
    } else {
      delay += static_cast<SimTime>(std::llround(f.extra.sample(f.rng) * 1e9));
    }
  }
}

}  // namespace archsim

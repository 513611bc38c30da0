#include "archsim/analysis/station.hpp"

#include <set>

#include "argument_checks.hpp"

namespace archsim::analysis {

void validate_stations(const std::vector<Station>& stations, const char* what) {
  if (stations.empty()) throw std::invalid_argument(fmt::format("{}: stations must not be empty", what));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < stations.size(); ++i) {
    const Station& s = stations[i];
    if (s.name.empty()) throw std::invalid_argument(fmt::format("{}: station {} has an empty name", what, i));
    if (!seen.insert(s.name).second)
      throw std::invalid_argument(fmt::format("{}: station name '{}' appears twice", what, s.name));
    detail::require_finite_at_least(s.service_time, 0,
                                    fmt::format("{}: station '{}' service_time (seconds)", what, s.name));
    if (!s.delay)
      detail::require_int_in(s.servers, 1, 100'000'000, fmt::format("{}: station '{}' servers", what, s.name));
  }
}

}  // namespace archsim::analysis

#pragma once
// A station of a queueing network, shared by the open (Jackson) and closed
// (MVA) solvers.
#include <string>
#include <vector>

namespace archsim::analysis {

struct Station {
  std::string name;           // unique within a network; named in error messages
  double service_time = 0;    // mean service time per visit, seconds (>= 0)
  int servers = 1;            // parallel exponential servers sharing one FIFO queue (>= 1)
  bool delay = false;         // an infinite-server (pure delay) station: no queueing; `servers` is ignored
};

// Throws std::invalid_argument unless the list is non-empty, every name is
// non-empty and unique, service times are finite and >= 0 and servers >= 1.
// `what` prefixes the messages ("jackson", "mva").
void validate_stations(const std::vector<Station>& stations, const char* what);

}  // namespace archsim::analysis

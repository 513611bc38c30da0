#pragma once
// Deployments, as a service sees them: versions of its code that behave
// differently, how its traffic splits between two of them, and feature flags
// that change its behaviour while on. The runner's DeploymentController
// decides when these change; the service only applies them per request.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/core/sim_time.hpp"

namespace archsim {

// The service time of `op`: its own distribution if it has one, else `fallback`.
inline const Distribution& time_for_op(const std::vector<std::optional<Distribution>>& per_op,
                                       const Distribution& fallback, std::uint16_t op) {
  return op < per_op.size() && per_op[op] ? *per_op[op] : fallback;
}

// One version of a service's code. Version 0 is the service's own configuration.
struct VersionBehaviour {
  std::string name;
  Distribution service_time;                          // seconds
  std::vector<std::optional<Distribution>> per_op;    // by op index; overrides service_time
  double error_probability = 0;                       // fails with "error" after its service time

  const Distribution& time_for(std::uint16_t op) const { return time_for_op(per_op, service_time, op); }
};

// Requests go to version `next` with probability share(now), else to `stable`.
// The share moves linearly from `from` at `start` to `to` at `end` (a ramp),
// and stays at `to` afterwards.
struct TrafficSplit {
  std::uint8_t stable = 0, next = 0;
  double from = 0, to = 0;
  SimTime start = 0, end = 0;

  double share(SimTime now) const {
    if (now >= end) return to;
    if (now <= start) return from;
    return from + (to - from) * static_cast<double>(now - start) / static_cast<double>(end - start);
  }
};

// What a feature flag does to every request of the service while it is on.
struct FlagEffect {
  std::optional<Distribution> extra_time;           // added to each service time (seconds)
  std::vector<std::optional<Distribution>> per_op;  // replaces the service time of these ops
  std::optional<Distribution> service_time;         // replaces every other op's service time
  double error_probability = 0;                     // an extra chance of failing with "error"
  Rng rng;                                          // stream "<service>/flag/<name>"
  bool on = false;
};

}  // namespace archsim

#pragma once
// The deployments of a run, by name (RunOptions::deployments): what the
// Python builder and the scenario loader fill in. The DeploymentController
// checks and runs them.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/sim_time.hpp"

namespace archsim {

// A version of a service's code; what it leaves unset is the service's own.
struct VersionSpec {
  std::string name;
  std::optional<Distribution> service_time;                              // seconds
  std::vector<std::pair<std::string, Distribution>> service_time_by_op;  // overrides, by op name
  double error_probability = -1;                                         // < 0: the service's own
};

struct DeploymentSpec {
  std::string kind;     // canary | blue_green | feature_flag | rolling_restart
  std::string service;  // the component deployed to
  SimTime at = 0;
  VersionSpec version;  // canary, blue_green: the new version

  // canary: `share` of the requests go to the version. Every `window` it is judged on the
  // requests it finished since the last judgement, once there are `min_requests` of them:
  // an error rate above max_error_rate or a p99 latency above max_p99 rolls it back; it is
  // promoted (all the traffic) at the first passing judgement at or after at + promote_after.
  double share = 0.05;
  SimTime window = 10 * kSecond;
  std::uint64_t min_requests = 100;
  double max_error_rate = 1;          // 1: not judged on errors
  SimTime max_p99 = kTimeMax;         // kTimeMax: not judged on latency
  SimTime promote_after = kTimeMax;   // kTimeMax: stays a canary

  SimTime ramp = 0;  // blue_green: the traffic moves to the version linearly over this (0: at once)

  // feature_flag `flag`, on from `at` for `duration`, for every request of the service.
  std::string flag;
  SimTime duration = kTimeMax;                // kTimeMax: until the end of the run
  std::optional<Distribution> extra_time;     // added to each service time
  std::optional<Distribution> flag_service_time;  // replaces the service time (of ops not in by_op)
  std::vector<std::pair<std::string, Distribution>> flag_service_time_by_op;
  double flag_error_probability = 0;          // an extra chance of failing with "error"

  // rolling_restart: `batch` instances at a time go down for `restart_time`, `pause` between batches.
  std::uint32_t batch = 1;
  SimTime restart_time = 30 * kSecond;
  SimTime pause = 0;
};

}  // namespace archsim

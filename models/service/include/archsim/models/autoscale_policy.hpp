#pragma once
// What an autoscaler aims for, and its rule for the number of instances. The
// rule is the Kubernetes Horizontal Pod Autoscaler's:
//   desired = ceil(active * observed / target), clamped to [min, max],
// and no change while observed / target is within `tolerance` of 1
// (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale, "Algorithm details").
// `active` is the number of active instances averaged over the interval the
// metric was averaged over, so that instances that became active during it
// are not credited with load they never saw.
#include <cstdint>
#include <string_view>

#include "archsim/core/sim_time.hpp"

namespace archsim {

enum class ScalingMetric : std::uint8_t {
  kUtilisation,  // busy workers / workers of the active instances, time-averaged over the interval
  kQueue,        // waiting requests per active instance, time-averaged over the interval
};
inline constexpr std::string_view kScalingMetricNames = "utilisation, queue";
ScalingMetric parse_scaling_metric(std::string_view name);  // throws std::invalid_argument listing the names
std::string_view scaling_metric_name(ScalingMetric m);

struct AutoscaleConfig {
  bool enabled = false;
  ScalingMetric metric = ScalingMetric::kUtilisation;
  double target = 0.6;              // utilisation in (0, 1], or waiting requests per instance (> 0)
  std::uint32_t min = 1, max = 1;  // instances, active and provisioning
  std::uint32_t initial = 1;       // active at the start, in [min, max]
  SimTime interval = 15 * kSecond;  // between evaluations
  // After any scaling, no scale-up for scale_up_cooldown and no scale-down for scale_down_cooldown.
  SimTime scale_up_cooldown = 0, scale_down_cooldown = 0;
  SimTime provisioning_delay = 0;  // a new instance takes requests this long after the decision
  double tolerance = 0;            // no change while |observed / target - 1| <= tolerance
};

// The instance count the rule asks for: `active` instances measured at `observed`;
// `current` (active and provisioning) is kept within the tolerance.
std::uint32_t desired_instances(const AutoscaleConfig& config, double active, double observed, std::uint32_t current);

}  // namespace archsim

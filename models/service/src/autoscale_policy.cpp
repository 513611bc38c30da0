#include "archsim/models/autoscale_policy.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

ScalingMetric parse_scaling_metric(std::string_view name) {
  if (name == "utilisation") return ScalingMetric::kUtilisation;
  if (name == "queue") return ScalingMetric::kQueue;
  throw std::invalid_argument(fmt::format("unknown scaling metric '{}'; accepted: {}", name, kScalingMetricNames));
}

std::string_view scaling_metric_name(ScalingMetric m) {
  return m == ScalingMetric::kUtilisation ? "utilisation" : "queue";
}

std::uint32_t desired_instances(const AutoscaleConfig& config, double active, double observed, std::uint32_t current) {
  const double ratio = observed / config.target;
  if (std::abs(ratio - 1.0) <= config.tolerance) return std::clamp(current, config.min, config.max);
  // 1e-9: a product that is an integer up to rounding (4 * 0.3 / 0.6) does not round up.
  const double wanted = std::ceil(active * ratio - 1e-9);
  return static_cast<std::uint32_t>(std::clamp(wanted, static_cast<double>(config.min), static_cast<double>(config.max)));
}

}  // namespace archsim

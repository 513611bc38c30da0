// The autoscaler's rule (Kubernetes HPA): desired = ceil(current * observed /
// target), clamped to [min, max], unchanged within the tolerance.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "archsim/models/autoscale_policy.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

AutoscaleConfig config(double target, std::uint32_t min, std::uint32_t max, double tolerance = 0) {
  AutoscaleConfig c;
  c.enabled = true;
  c.target = target;
  c.min = min;
  c.max = max;
  c.tolerance = tolerance;
  return c;
}

}  // namespace

TEST_CASE("models::desired_instances: ceil(active * observed / target)", "[models][quick]") {
  const auto c = config(0.6, 1, 100);
  CHECK(desired_instances(c, 4, 0.9, 4) == 6);    // 4 * 1.5
  CHECK(desired_instances(c, 4, 0.91, 4) == 7);   // 6.07 rounds up
  CHECK(desired_instances(c, 10, 0.3, 10) == 5);   // 10 * 0.5
  CHECK(desired_instances(c, 3, 0.6, 3) == 3);    // at target
  CHECK(desired_instances(c, 4, 0.3, 4) == 2);    // 4 * 0.3 / 0.6 is 2 up to rounding: not 3
  CHECK(desired_instances(c, 5, 0.0, 5) == 1);    // idle: down to min
}

TEST_CASE("models::desired_instances: active is the interval's average count", "[models][quick]") {
  const auto c = config(0.6, 1, 100, 0.1);
  // 3 instances saturated for most of the interval, 5 for the last tenth: 3.2 on average.
  CHECK(desired_instances(c, 3.2, 1.0, 5) == 6);  // ceil(5.33), not ceil(5 / 0.6) = 9
  CHECK(desired_instances(c, 3.2, 0.63, 5) == 5);  // within the tolerance: current kept
}

TEST_CASE("models::desired_instances: clamped to min and max", "[models][quick]") {
  const auto c = config(0.5, 2, 8);
  CHECK(desired_instances(c, 4, 1.0, 4) == 8);
  CHECK(desired_instances(c, 8, 1.0, 8) == 8);
  CHECK(desired_instances(c, 4, 0.05, 4) == 2);
}

TEST_CASE("models::desired_instances: no change within the tolerance", "[models][quick]") {
  const auto c = config(0.6, 1, 100, 0.1);
  CHECK(desired_instances(c, 10, 0.65, 10) == 10);  // ratio 1.083: within 10 %
  CHECK(desired_instances(c, 10, 0.55, 10) == 10);  // ratio 0.917
  CHECK(desired_instances(c, 10, 0.67, 10) == 12);  // ratio 1.117: ceil(11.17)
  CHECK(desired_instances(c, 10, 0.5, 10) == 9);    // ratio 0.833: ceil(8.33)
}

TEST_CASE("models::parse_scaling_metric: names and errors", "[models][quick]") {
  CHECK(parse_scaling_metric("utilisation") == ScalingMetric::kUtilisation);
  CHECK(parse_scaling_metric("queue") == ScalingMetric::kQueue);
  CHECK(scaling_metric_name(ScalingMetric::kQueue) == "queue");
  CHECK_THROWS_WITH(parse_scaling_metric("cpu"), Contains("accepted: utilisation, queue"));
}

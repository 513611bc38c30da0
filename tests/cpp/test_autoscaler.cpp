// Autoscaled services through run_model: the instance pool, the decisions and
// counts in the result, utilisation over the time in service, validation of
// the autoscale spec, and determinism.
#include <catch2/catch.hpp>

#include "check_invalid.hpp"

#include <cstdint>
#include <string>

#include "archsim/models/model_spec.hpp"
#include "archsim/models/runner.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

// web -> lb -> api: 1080 requests/s of 20 ms on 8 workers per instance, target 0.6:
// the rule settles at ceil(1080 * 0.02 / (8 * 0.6)) = 5 instances.
ModelSpec scaled(std::string metric = "utilisation", double target = 0.6) {
  ModelSpec m;
  m.name = "scaled";
  ServiceSpec api;
  api.name = "api";
  api.instances = 2;
  api.workers = 8;
  api.service_time = Distribution::exponential(0.02);
  api.autoscale = {std::move(metric), target, 2, 8, kSecond, 2 * kSecond, 2 * kSecond, kSecond, 0};
  m.order.emplace_back("service", 0);
  m.services.push_back(api);
  BalancerSpec lb;
  lb.name = "lb";
  lb.target = "api";
  m.order.emplace_back("balancer", 0);
  m.balancers.push_back(lb);
  ClientSpec web;
  web.name = "web";
  web.target = "lb";
  web.rate_schedule = {{0, 1080}};
  m.order.emplace_back("client", 0);
  m.clients.push_back(web);
  return m;
}

RunOptions seconds(double d, std::uint64_t seed = 1) {
  RunOptions o;
  o.duration = seconds_to_time(d);
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("models::Autoscaler: scales a service to the count its target implies", "[models][quick]") {
  const RunResult r = run_model(scaled(), seconds(30));
  const ComponentResult& api = r.components[0];
  REQUIRE(api.autoscale);
  CHECK(api.instances.size() == 8);  // the pool: max instances, placed up front
  CHECK(api.autoscale->metric == "utilisation");
  REQUIRE(!api.autoscale->decisions.empty());
  CHECK(api.autoscale->decisions.front().at == kSecond);
  CHECK(api.autoscale->decisions.front().from == 2);
  CHECK(api.autoscale->decisions.front().to > 2);
  CHECK(api.autoscale->counts.front().active == 2);
  CHECK(api.autoscale->counts.front().at == 0);
  CHECK(api.autoscale->counts.back().active == 5);
  SECTION("utilisation is over the worker time in service, not over the pool") {
    double in_service = 0;
    for (const auto& i : api.instances) in_service += i.in_service;
    CHECK(in_service > 4);
    CHECK(in_service < 5);
    CHECK(api.utilisation == Approx(1080 * 0.02 / (8 * in_service)).epsilon(0.05));
  }
  SECTION("instances never started did no work") {
    CHECK(api.instances[7].completed == 0);
    CHECK(api.instances[7].in_service == 0);
  }
}

TEST_CASE("models::Autoscaler: the queue metric scales on waiting requests", "[models][quick]") {
  const RunResult r = run_model(scaled("queue", 1.0), seconds(10));
  const ComponentResult& api = r.components[0];
  REQUIRE(api.autoscale);
  REQUIRE(!api.autoscale->decisions.empty());
  const ScalingRecord& first = api.autoscale->decisions.front();
  CHECK(first.observed > 1.0);  // two instances are overloaded: their queues grow
  CHECK(first.to > first.from);
}

TEST_CASE("models::Autoscaler: same seed, same fingerprint", "[models][quick]") {
  CHECK(fingerprint(run_model(scaled(), seconds(10, 4))) == fingerprint(run_model(scaled(), seconds(10, 4))));
}

TEST_CASE("models::run_model: autoscale specs are validated with the service's name", "[models][quick]") {
  ModelSpec m = scaled();
  SECTION("metric") {
    m.services[0].autoscale.metric = "cpu";
    CHECK_INVALID(run_model(m, seconds(1)), Contains("service 'api' autoscale: unknown scaling metric 'cpu'; accepted: utilisation, queue"));
  }
  SECTION("target") {
    m.services[0].autoscale.target = 1.5;
    CHECK_INVALID(run_model(m, seconds(1)), Contains("target utilisation must be in (0, 1], got 1.5"));
  }
  SECTION("min and max") {
    m.services[0].autoscale.min = 9;
    CHECK_INVALID(run_model(m, seconds(1)), Contains("need 1 <= min <= max <= 1000000, got min 9 and max 8"));
  }
  SECTION("instances at most max") {
    m.services[0].instances = 9;
    CHECK_INVALID(run_model(m, seconds(1)), Contains("instances (9) must be <= max (8)"));
  }
  SECTION("interval") {
    m.services[0].autoscale.interval = 0;
    CHECK_INVALID(run_model(m, seconds(1)), Contains("interval must be > 0"));
  }
  SECTION("tolerance") {
    m.services[0].autoscale.tolerance = 1;
    CHECK_INVALID(run_model(m, seconds(1)), Contains("tolerance must be in [0, 1)"));
  }
}

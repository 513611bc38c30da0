// DeploymentController through run_model: a canary judged and rolled back or
// promoted, the timeline, per-version figures, rolling restarts as restart
// faults, and deployments checked before the run.
#include <catch2/catch.hpp>

#include "check_invalid.hpp"

#include <cstdint>
#include <string>

#include "archsim/models/model_spec.hpp"
#include "archsim/models/runner.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

// web -> api (2 instances, 64 workers, Exp(5 ms)), 400 requests per second.
ModelSpec api_model() {
  ModelSpec m;
  m.name = "deploy";
  ServiceSpec api;
  api.name = "api";
  api.instances = 2;
  api.workers = 64;
  api.service_time = Distribution::exponential(0.005);
  m.order.emplace_back("service", 0);
  m.services.push_back(api);
  ClientSpec web;
  web.name = "web";
  web.target = "api";
  web.rate_schedule = {{0, 400.0}};
  m.order.emplace_back("client", 0);
  m.clients.push_back(web);
  return m;
}

RunOptions options(std::vector<DeploymentSpec> deployments) {
  RunOptions o;
  o.duration = 20 * kSecond;
  o.seed = 3;
  o.deployments = std::move(deployments);
  return o;
}

DeploymentSpec canary(double error_probability) {
  DeploymentSpec d;
  d.kind = "canary";
  d.service = "api";
  d.at = 2 * kSecond;
  d.version.name = "v2";
  d.version.error_probability = error_probability;
  d.share = 0.2;
  d.window = 4 * kSecond;
  d.max_error_rate = 0.05;
  d.promote_after = 8 * kSecond;
  return d;
}

}  // namespace

TEST_CASE("runner::deployments: a failing canary is rolled back at its first judgement", "[runner][quick]") {
  const RunResult r = run_model(api_model(), options({canary(0.5)}));
  REQUIRE(r.deployments.size() == 2);
  CHECK(r.deployments[0].kind == "canary_started");
  CHECK(r.deployments[0].at == 2 * kSecond);
  CHECK(r.deployments[1].kind == "rolled_back");
  CHECK(r.deployments[1].at == 6 * kSecond);
  CHECK_THAT(r.deployments[1].detail, Contains("rolled back: error rate"));
  REQUIRE(r.versions.size() == 2);
  CHECK(r.versions[0].name == "v1");
  CHECK(r.versions[1].name == "v2");
  CHECK(r.versions[0].failed == 0);
  CHECK(r.versions[1].failed > 0);
}

TEST_CASE("runner::deployments: a sound canary is promoted at the first judgement after promote_after",
          "[runner][quick]") {
  const RunResult r = run_model(api_model(), options({canary(0.0)}));
  REQUIRE(r.deployments.size() == 2);
  CHECK(r.deployments[1].kind == "promoted");
  CHECK(r.deployments[1].at == 10 * kSecond);  // judgements at 6 and 10 s; promote_after 8 s
  CHECK(r.deployments[1].share == 1.0);
  // After the promotion every request goes to v2: the last window has no v1 arrival.
  const auto& v1_windows = r.versions[0].windows;
  CHECK(v1_windows.back().first < 10);
}

TEST_CASE("runner::deployments: no deployment, same figures, and deployments are deterministic", "[runner][quick]") {
  const RunResult plain = run_model(api_model(), options({}));
  CHECK(plain.deployments.empty());
  CHECK(plain.versions.empty());
  CHECK(fingerprint(run_model(api_model(), options({canary(0.5)}))) ==
        fingerprint(run_model(api_model(), options({canary(0.5)}))));
  CHECK(fingerprint(run_model(api_model(), options({canary(0.5)}))) != fingerprint(plain));
}

TEST_CASE("runner::deployments: a rolling restart is restart faults, batch by batch", "[runner][quick]") {
  DeploymentSpec d;
  d.kind = "rolling_restart";
  d.service = "api";
  d.at = 5 * kSecond;
  d.restart_time = 2 * kSecond;
  d.pause = kSecond;
  const RunResult r = run_model(api_model(), options({d}));
  REQUIRE(r.faults.size() == 2);
  CHECK(r.faults[0].kind == "restart");
  CHECK(r.faults[0].target == "api[0]");
  CHECK(r.faults[1].start == 8 * kSecond);
  CHECK(r.faults[1].end == 10 * kSecond);
  REQUIRE(r.deployments.size() == 5);
  CHECK(r.deployments[0].kind == "rolling_restart");
  CHECK(r.deployments[4].detail == "instance 1 restarted");
}

TEST_CASE("runner::deployments: bad deployments are refused, naming the field", "[runner][quick]") {
  DeploymentSpec d = canary(0.1);
  SECTION("unknown service") {
    d.service = "apx";
    CHECK_INVALID(run_model(api_model(), options({d})), Contains("no component 'apx'") && Contains("'api'"));
  }
  SECTION("share") {
    d.share = 1.0;
    CHECK_INVALID(run_model(api_model(), options({d})), Contains("share must be in (0, 1)"));
  }
  SECTION("unknown kind") {
    d.kind = "big_bang";
    CHECK_INVALID(run_model(api_model(), options({d})),
                  Contains("kind must be one of canary, blue_green, feature_flag, rolling_restart"));
  }
  SECTION("a client") {
    d.service = "web";
    CHECK_INVALID(run_model(api_model(), options({d})), Contains("'web' is a client"));
  }
  SECTION("version v1") {
    d.version.name = "v1";
    CHECK_INVALID(run_model(api_model(), options({d})), Contains("service's own configuration"));
  }
}

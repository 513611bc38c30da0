// TraceRecorder: spans per request hop, sampling by correlation id, determinism.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "archsim/models/model_spec.hpp"
#include "archsim/models/runner.hpp"
#include "archsim/models/trace_recorder.hpp"

using namespace archsim;

namespace {

// web -> api -> db, one request every ~2ms for 2 s.
ModelSpec three_tier() {
  ModelSpec m;
  m.name = "traced";
  ServiceSpec db;
  db.name = "db";
  db.workers = 4;
  db.service_time = Distribution::exponential(0.001);
  ServiceSpec api;
  api.name = "api";
  api.workers = 8;
  api.service_time = Distribution::exponential(0.0005);
  StepSpec step;
  step.calls.push_back(CallSpec{"db", "", "round_robin"});
  api.steps.push_back(step);
  ClientSpec web;
  web.name = "web";
  web.target = "api";
  web.rate_schedule = {{0, 500}};
  m.services = {db, api};
  m.clients = {web};
  m.order = {{"service", 0}, {"service", 1}, {"client", 0}};
  return m;
}

RunOptions options(double sample, std::uint64_t seed = 1) {
  RunOptions o;
  o.duration = 2 * kSecond;
  o.seed = seed;
  o.trace_sample = sample;
  return o;
}

}  // namespace

TEST_CASE("runner::TraceRecorder: every hop of a traced request is a span nested in its caller's", "[runner][quick]") {
  const RunResult r = run_model(three_tier(), options(1.0));
  REQUIRE(!r.trace.empty());
  // Spans by request id; a child's parent is the caller's request, which must enclose it.
  std::map<std::uint64_t, TraceSpan> by_id;
  for (const auto& s : r.trace) by_id[s.request_id] = s;
  std::set<std::uint64_t> answered;  // correlation ids of client requests that finished
  for (const auto& s : r.trace)
    if (s.parent_id == 0 && s.finished) answered.insert(s.correlation_id);
  std::map<std::uint32_t, std::uint64_t> per_component;
  for (const auto& s : r.trace) {
    if (answered.count(s.correlation_id)) ++per_component[s.component];
    CHECK(s.end >= s.start);
    if (s.parent_id == 0 || !s.finished) continue;
    const auto parent = by_id.find(s.parent_id);
    REQUIRE(parent != by_id.end());
    CHECK(parent->second.correlation_id == s.correlation_id);
    CHECK(parent->second.start <= s.start);
    if (parent->second.finished) CHECK(s.end <= parent->second.end);
  }
  // Every answered client request passed api once and db once: the same span counts.
  CHECK(per_component.size() == 3);
  CHECK(per_component[0] == per_component[1]);
  CHECK(per_component[1] == per_component[2]);
}

TEST_CASE("runner::TraceRecorder: sampling keeps whole requests, a stable fraction, and no figure changes",
          "[runner][quick]") {
  const RunResult all = run_model(three_tier(), options(1.0));
  const RunResult some = run_model(three_tier(), options(0.1));
  const RunResult none = run_model(three_tier(), options(0.0));
  CHECK(fingerprint(all) == fingerprint(none));
  CHECK(fingerprint(some) == fingerprint(none));
  CHECK(none.trace.empty());
  std::set<std::uint64_t> all_requests, sampled;
  for (const auto& s : all.trace) all_requests.insert(s.correlation_id);
  for (const auto& s : some.trace) sampled.insert(s.correlation_id);
  // Binomial(n, 0.1): within 5 standard deviations.
  const double n = static_cast<double>(all_requests.size()), k = static_cast<double>(sampled.size());
  CHECK(std::abs(k - 0.1 * n) < 5 * std::sqrt(n * 0.1 * 0.9));
  // A sampled request keeps all three hops.
  std::map<std::uint64_t, int> hops;
  for (const auto& s : some.trace) ++hops[s.correlation_id];
  for (const auto& [id, h] : hops) CHECK(h <= 3);
  std::size_t complete = 0;
  for (const auto& [id, h] : hops) complete += h == 3;
  CHECK(complete + 3 >= hops.size());  // only requests in flight at the end are partial
  // The same seed samples the same requests.
  const RunResult again = run_model(three_tier(), options(0.1));
  REQUIRE(again.trace.size() == some.trace.size());
  for (std::size_t i = 0; i < some.trace.size(); ++i) CHECK(again.trace[i].request_id == some.trace[i].request_id);
}

TEST_CASE("runner::TraceRecorder: a sample fraction outside 0 < f <= 1 is refused", "[runner][quick]") {
  CHECK_THROWS_AS(TraceRecorder(1.5, 0), std::invalid_argument);
  CHECK_THROWS_AS(TraceRecorder(-0.1, 0), std::invalid_argument);
  CHECK_THROWS_AS(run_model(three_tier(), options(2.0)), std::invalid_argument);
}

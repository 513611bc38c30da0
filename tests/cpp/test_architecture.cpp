// ArchitectureGraph: findings (missing target, cycle, unreachable, no client),
// critical path and fan-out, blast radius under placement, DOT export.
#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "archsim/models/architecture.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

struct Builder {
  ModelSpec m;
  ServiceSpec& service(std::string name, double mean, std::vector<std::vector<std::string>> steps = {}) {
    ServiceSpec s;
    s.name = std::move(name);
    s.service_time = Distribution::constant(mean);
    for (auto& group : steps) {
      StepSpec step;
      for (auto& target : group) step.calls.push_back(CallSpec{target, "", "round_robin"});
      s.steps.push_back(std::move(step));
    }
    m.order.emplace_back("service", static_cast<std::uint32_t>(m.services.size()));
    m.services.push_back(std::move(s));
    return m.services.back();
  }
  ClientSpec& client(std::string name, std::string target) {
    ClientSpec c;
    c.name = std::move(name);
    c.target = std::move(target);
    m.order.emplace_back("client", static_cast<std::uint32_t>(m.clients.size()));
    m.clients.push_back(std::move(c));
    return m.clients.back();
  }
};

}  // namespace

TEST_CASE("models::ArchitectureGraph: a sound model has no findings", "[models][architecture][quick]") {
  Builder b;
  b.service("db", 0.002);
  b.service("app", 0.001, {{"db"}});
  b.client("web", "app");
  const ArchitectureGraph g(b.m);
  CHECK(g.findings().empty());
  CHECK_FALSE(g.has_errors());
}

TEST_CASE("models::ArchitectureGraph: problems become findings, errors first", "[models][architecture][quick]") {
  Builder b;
  b.service("a", 0.001, {{"b"}});
  b.service("b", 0.001, {{"a"}});
  b.service("lonely", 0.001, {{"ghost"}});
  b.client("web", "a");
  const ArchitectureGraph g(b.m);
  REQUIRE(g.findings().size() == 3);
  CHECK(g.findings()[0].severity == "error");
  CHECK(g.findings()[0].component == "lonely");
  CHECK_THAT(g.findings()[0].message, Contains("target 'ghost' is not a component"));
  CHECK(g.findings()[1].message == "cycle of synchronous calls: a -> b -> a");
  CHECK(g.findings()[2].severity == "warning");
  CHECK(g.findings()[2].message == "service 'lonely' is not reached from any client: no request arrives there");
  CHECK_THROWS_WITH(g.operation_paths(), Contains("the model has errors"));
  CHECK_THROWS_AS(g.blast_radius(), std::invalid_argument);
}

TEST_CASE("models::ArchitectureGraph: a model without a client is an error", "[models][architecture][quick]") {
  Builder b;
  b.service("a", 0.001);
  const ArchitectureGraph g(b.m);
  REQUIRE(g.findings().size() == 1);  // and no "unreachable" warnings: nothing could reach anything
  CHECK(g.findings()[0].message == "the model has no client: nothing sends requests");
  CHECK(g.findings()[0].component.empty());
}

TEST_CASE("models::ArchitectureGraph: critical path waits for the slowest parallel branch",
          "[models][architecture][quick]") {
  Builder b;
  b.service("x", 0.003);
  b.service("y", 0.005);
  b.service("z", 0.001);
  b.service("front", 0.001, {{"z"}, {"x", "y"}});
  b.client("web", "front");
  const auto paths = ArchitectureGraph(b.m).operation_paths();
  REQUIRE(paths.size() == 1);
  CHECK(paths[0].client == "web");
  CHECK(paths[0].op == "read");
  CHECK(paths[0].critical_path == std::vector<std::string>{"web", "front", "z", "y"});
  CHECK(paths[0].unloaded_latency == Approx(0.001 + 0.001 + 0.005));
  CHECK(paths[0].requests == 4);
  CHECK(paths[0].max_parallel == 2);
  CHECK(paths[0].depth == 2);
}

TEST_CASE("models::ArchitectureGraph: blast radius of a zone follows the placement", "[models][architecture][quick]") {
  Builder b;
  b.m.network.zones = {{"z1", "r1"}, {"z2", "r1"}};
  b.service("db", 0.001).instances = 2;  // db[0] in z1, db[1] in z2
  b.service("app", 0.001, {{"db"}}).placement.zones = {"z2"};
  b.client("web", "app").placement.zones = {"z2"};
  const auto outages = ArchitectureGraph(b.m).blast_radius();
  auto find = [&](const std::string& kind, const std::string& name) {
    for (const auto& o : outages)
      if (o.domain_kind == kind && o.domain == name) return o.availability;
    return 1.0;
  };
  CHECK(find("zone", "z1") == Approx(0.5));  // half the db instances
  CHECK(find("zone", "z2") == 0.0);          // the client and app
  CHECK(find("host", "db[1]") == Approx(0.5));
  CHECK(find("component", "db") == 0.0);
  CHECK(find("region", "r1") == 0.0);
}

TEST_CASE("models::ArchitectureGraph: DOT export has every component and call", "[models][architecture][quick]") {
  Builder b;
  b.service("db \"main\"", 0.001);
  b.service("app", 0.001, {{"db \"main\""}});
  b.client("web", "app");
  const std::string dot = ArchitectureGraph(b.m).to_dot();
  CHECK_THAT(dot, Contains("0[label=\"db \\\"main\\\"\\nservice 1x1\", shape=box];"));
  CHECK_THAT(dot, Contains("2[label=\"web\\nclient\", shape=ellipse];"));
  CHECK_THAT(dot, Contains("1->0 ;"));
  CHECK_THAT(dot, Contains("2->1 ;"));
}

// run_model: model validation (names, cycles, clients, run options), stopping
// after N client requests, and determinism of the fingerprint.
#include <catch2/catch.hpp>

#include "check_invalid.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

#include "archsim/models/model_spec.hpp"
#include "archsim/models/runner.hpp"

using namespace archsim;
using Catch::Contains;


namespace {

ServiceSpec service(std::string name, std::vector<std::string> calls = {}, double mean = 0.001) {
  ServiceSpec s;
  s.name = std::move(name);
  s.workers = 4;
  s.service_time = Distribution::exponential(mean);
  for (auto& target : calls) {
    StepSpec step;
    step.calls.push_back(CallSpec{std::move(target), "", "round_robin"});
    s.steps.push_back(std::move(step));
  }
  return s;
}

ClientSpec client(std::string name, std::string target, double rate = 500) {
  ClientSpec c;
  c.name = std::move(name);
  c.target = std::move(target);
  c.rate_schedule = {{0, rate}};
  return c;
}

void add(ModelSpec& m, ServiceSpec s) {
  m.order.emplace_back("service", static_cast<std::uint32_t>(m.services.size()));
  m.services.push_back(std::move(s));
}
void add(ModelSpec& m, ClientSpec c) {
  m.order.emplace_back("client", static_cast<std::uint32_t>(m.clients.size()));
  m.clients.push_back(std::move(c));
}
void add(ModelSpec& m, BalancerSpec b) {
  m.order.emplace_back("balancer", static_cast<std::uint32_t>(m.balancers.size()));
  m.balancers.push_back(std::move(b));
}

// web -> edge (balancer) -> checkout (3 instances) -> db
ModelSpec shop() {
  ModelSpec m;
  m.name = "shop";
  add(m, service("db"));
  ServiceSpec checkout = service("checkout", {"db"});
  checkout.instances = 3;
  add(m, checkout);
  BalancerSpec edge;
  edge.name = "edge";
  edge.target = "checkout";
  edge.strategy = "p2c";
  add(m, edge);
  add(m, client("web", "edge"));
  m.network.zones = {{"z1", "r1"}, {"z2", "r1"}};
  m.network.same_zone = Distribution::exponential(0.0002);
  m.network.cross_zone = Distribution::exponential(0.001);
  return m;
}

RunOptions seconds(double d, std::uint64_t seed = 1) {
  RunOptions o;
  o.duration = seconds_to_time(d);
  o.seed = seed;
  return o;
}

const ComponentResult& find(const RunResult& r, const std::string& name) {
  for (const auto& c : r.components)
    if (c.name == name) return c;
  FAIL("no component " << name);
  throw std::logic_error("unreachable");
}

std::uint64_t finished(const ComponentResult& c) {
  std::uint64_t n = 0;
  for (const auto& op : c.ops) n += op.completed() + op.error_count();
  return n;
}

}  // namespace

TEST_CASE("models::run_model: the shop model runs and reports every component", "[models][quick]") {
  const RunResult r = run_model(shop(), seconds(2));
  CHECK(r.stop_reason == "time_limit");
  CHECK(r.measured_to == 2 * kSecond);
  REQUIRE(r.components.size() == 4);
  CHECK(r.components[0].name == "db");  // declaration order
  CHECK(r.components[3].name == "web");
  CHECK(find(r, "checkout").instances.size() == 3);
  // About 1000 requests in 2 s at 500/s; every one passes through each hop.
  CHECK(finished(find(r, "web")) > 800);
  CHECK(finished(find(r, "web")) < 1200);
  CHECK(finished(find(r, "db")) == finished(find(r, "checkout")));
}

TEST_CASE("models::run_model: an unknown target names it and suggests the nearest component", "[models][quick]") {
  SECTION("a client's target") {
    ModelSpec m;
    add(m, service("checkout"));
    add(m, client("web", "chekout"));
    CHECK_INVALID(run_model(m, seconds(1)), Contains("client 'web'") && Contains("'chekout'") &&
                                        Contains("did you mean 'checkout'"));
  }
  SECTION("a service's call") {
    ModelSpec m;
    add(m, service("orders-db"));
    add(m, service("checkout", {"orders-bd"}));
    add(m, client("web", "checkout"));
    CHECK_INVALID(run_model(m, seconds(1)), Contains("service 'checkout'") && Contains("'orders-bd'") &&
                                        Contains("did you mean 'orders-db'"));
  }
  SECTION("a balancer's target") {
    ModelSpec m = shop();
    m.balancers[0].target = "checkuot";
    CHECK_INVALID(run_model(m, seconds(1)), Contains("balancer 'edge'") && Contains("did you mean 'checkout'"));
  }
  SECTION("nothing close: no suggestion, but the components are listed") {
    ModelSpec m;
    add(m, service("checkout"));
    add(m, client("web", "zzzzzzzzzz"));
    CHECK_INVALID(run_model(m, seconds(1)),
                  Contains("'zzzzzzzzzz'") && !Contains("did you mean") && Contains("checkout"));
  }
  SECTION("a client as a target") {
    ModelSpec m;
    add(m, service("checkout"));
    add(m, client("web", "checkout"));
    add(m, client("bot", "web"));
    CHECK_INVALID(run_model(m, seconds(1)), Contains("'web'") && Contains("client"));
  }
}

TEST_CASE("models::run_model: a cycle of synchronous calls throws naming the cycle", "[models][quick]") {
  SECTION("two services") {
    ModelSpec m;
    add(m, service("a", {"b"}));
    add(m, service("b", {"a"}));
    add(m, client("web", "a"));
    CHECK_INVALID(run_model(m, seconds(1)), Contains("cycle") && Contains("a -> b -> a"));
  }
  SECTION("a service calling itself") {
    ModelSpec m;
    add(m, service("loop", {"loop"}));
    add(m, client("web", "loop"));
    CHECK_INVALID(run_model(m, seconds(1)), Contains("loop -> loop"));
  }
  SECTION("a longer cycle through a balancer, entered from outside it") {
    ModelSpec m;
    add(m, service("front", {"x"}));
    add(m, service("x", {"y"}));
    add(m, service("y", {"lb"}));
    BalancerSpec lb;
    lb.name = "lb";
    lb.target = "x";
    add(m, lb);
    add(m, client("web", "front"));
    CHECK_INVALID(run_model(m, seconds(1)), Contains("x -> y -> lb -> x") && !Contains("front"));
  }
  SECTION("a diamond is not a cycle") {
    ModelSpec m;
    add(m, service("db"));
    add(m, service("left", {"db"}));
    add(m, service("right", {"db"}));
    add(m, service("top", {"left", "right"}));
    add(m, client("web", "top"));
    CHECK_NOTHROW(run_model(m, seconds(0.1)));
  }
}

TEST_CASE("models::run_model: a model without a client throws", "[models][quick]") {
  ModelSpec m;
  m.name = "idle";
  add(m, service("a"));
  CHECK_INVALID(run_model(m, seconds(1)), Contains("'idle'") && Contains("no client"));
  ModelSpec empty;
  CHECK_THROWS_AS(run_model(empty, seconds(1)), std::invalid_argument);
}

TEST_CASE("models::run_model: run options are validated", "[models][quick]") {
  const ModelSpec m = shop();
  SECTION("warmup equal to or longer than the duration") {
    RunOptions o = seconds(2);
    o.warmup = 2 * kSecond;
    CHECK_INVALID(run_model(m, o), Contains("warmup") && Contains("duration"));
    o.warmup = 3 * kSecond;
    CHECK_THROWS_AS(run_model(m, o), std::invalid_argument);
    o.warmup = 2 * kSecond - 1;
    CHECK_NOTHROW(run_model(m, o));
  }
  SECTION("neither duration nor until_requests") {
    RunOptions o;
    CHECK_INVALID(run_model(m, o), Contains("duration") && Contains("until_requests"));
  }
  SECTION("a window of zero") {
    RunOptions o = seconds(1);
    o.window = 0;
    CHECK_INVALID(run_model(m, o), Contains("window"));
  }
}

TEST_CASE("models::run_model: component fields are validated with the component's name", "[models][quick]") {
  ModelSpec m = shop();
  SECTION("a duplicate name") {
    add(m, service("db"));
    CHECK_INVALID(run_model(m, seconds(1)), Contains("'db'"));
  }
  SECTION("zero workers") {
    m.services[1].workers = 0;
    CHECK_INVALID(run_model(m, seconds(1)), Contains("'checkout'") && Contains("workers"));
  }
  SECTION("zero instances") {
    m.services[1].instances = 0;
    CHECK_INVALID(run_model(m, seconds(1)), Contains("'checkout'") && Contains("instances"));
  }
  SECTION("an unknown strategy") {
    m.balancers[0].strategy = "fastest";
    CHECK_INVALID(run_model(m, seconds(1)), Contains("'edge'") && Contains("fastest") && Contains("p2c"));
  }
  SECTION("an unknown wait mode, and k out of range") {
    m.services[1].steps[0].wait = "some";
    CHECK_INVALID(run_model(m, seconds(1)), Contains("'checkout'") && Contains("some") && Contains("quorum"));
    m.services[1].steps[0].wait = "quorum";
    m.services[1].steps[0].k = 2;  // one call
    CHECK_INVALID(run_model(m, seconds(1)), Contains("k must be"));
  }
  SECTION("an unknown host or zone in a placement") {
    m.services[0].placement.hosts = {"nowhere-host"};
    CHECK_INVALID(run_model(m, seconds(1)), Contains("nowhere-host"));
    m.services[0].placement.hosts = {};
    m.services[0].placement.zones = {"z9"};
    CHECK_INVALID(run_model(m, seconds(1)), Contains("z9"));
  }
  SECTION("a closed client without users") {
    m.clients[0].closed = true;
    m.clients[0].users = 0;
    CHECK_INVALID(run_model(m, seconds(1)), Contains("'web'") && Contains("users"));
  }
}

TEST_CASE("models::run_model: until_requests stops after exactly N client requests", "[models][quick]") {
  const std::uint64_t n = GENERATE(1u, 17u, 2500u);
  RunOptions o;
  o.until_requests = n;
  o.seed = 5;
  const RunResult r = run_model(shop(), o);
  CHECK(r.stop_reason == "until_requests");
  CHECK(r.requests_completed == n);
  CHECK(finished(find(r, "web")) == n);
  SECTION("a duration that comes first wins") {
    RunOptions both = o;
    both.duration = 100 * kMillisecond;  // about 50 requests at 500/s
    both.until_requests = 1'000'000;
    const RunResult t = run_model(shop(), both);
    CHECK(t.stop_reason == "time_limit");
    CHECK(t.requests_completed < 1'000'000);
  }
}

TEST_CASE("models::run_model: same seed gives the same fingerprint, another seed another", "[models][quick]") {
  const ModelSpec m = shop();
  RunOptions o = seconds(1, 42);
  o.warmup = 200 * kMillisecond;
  const RunResult a = run_model(m, o), b = run_model(m, o);
  CHECK(fingerprint(a) == fingerprint(b));
  CHECK(fingerprint(a).size() == 16);
  CHECK(a.events == b.events);
  o.seed = 43;
  CHECK(fingerprint(run_model(m, o)) != fingerprint(a));
  SECTION("a different model name changes the fingerprint") {
    ModelSpec renamed = m;
    renamed.name = "shop2";
    CHECK(fingerprint(run_model(renamed, seconds(1, 42))) != fingerprint(run_model(m, seconds(1, 42))));
  }
}

TEST_CASE("models::run_model: service times drawn a request early are the draws made on demand", "[models][quick]") {
  // A service with one service time draws each instance's next time when it starts a
  // request (Service::draw_ahead_); a per-op time turns that off. The same
  // distribution given per op must therefore give a bit-identical run.
  ModelSpec ahead = shop(), on_demand = shop();
  for (ServiceSpec& s : on_demand.services) s.service_time_by_op.emplace_back("read", s.service_time);
  RunOptions o = seconds(1, 42);
  o.warmup = 200 * kMillisecond;
  const RunResult a = run_model(ahead, o), b = run_model(on_demand, o);
  CHECK(a.requests_completed > 100);
  CHECK(fingerprint(a) == fingerprint(b));
  SECTION("a different per-op time does change the run") {
    for (ServiceSpec& s : on_demand.services) s.service_time_by_op.back().second = Distribution::exponential(0.002);
    CHECK(fingerprint(run_model(on_demand, o)) != fingerprint(a));
  }
}

TEST_CASE("models::run_model: the plain path of a service runs as its general path", "[models][quick]") {
  // A service using no feature that adds a test per request runs its plain path
  // (Service::plain_). A queue limit no queue reaches makes every service take the
  // general path without changing what happens: the runs must be bit-identical,
  // also with faults that move a service from one path to the other and back.
  ModelSpec plain = shop(), general = shop();
  for (ServiceSpec& s : general.services) s.queue_limit = INT64_MAX;
  RunOptions o = seconds(2, 42);
  o.warmup = 200 * kMillisecond;
  const RunResult a = run_model(plain, o);
  CHECK(a.requests_completed > 500);
  CHECK(fingerprint(run_model(general, o)) == fingerprint(a));
  SECTION("with a crash and a slow instance") {
    FaultSpec crash;
    crash.kind = "crash";
    crash.target = "checkout[1]";
    crash.at = 500 * kMillisecond;
    crash.duration = 300 * kMillisecond;
    FaultSpec slow;
    slow.kind = "slow";
    slow.target = "db";
    slow.at = 1200 * kMillisecond;
    slow.duration = 400 * kMillisecond;
    slow.factor = 3;
    o.faults = {crash, slow};
    const RunResult f = run_model(plain, o);
    CHECK(fingerprint(f) != fingerprint(a));
    CHECK(fingerprint(run_model(general, o)) == fingerprint(f));
  }
}

TEST_CASE("models::run_model: a progress callback that returns false cancels the run", "[models][quick]") {
  int calls = 0;
  const RunResult r = run_model(shop(), seconds(2000), [&](const Progress&) {
    ++calls;
    return false;
  });
  CHECK(calls >= 1);
  CHECK(r.stop_reason == "cancelled");
  CHECK(r.measured_to < 2000 * kSecond);
}

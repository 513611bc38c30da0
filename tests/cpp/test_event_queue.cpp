#include <catch2/catch.hpp>

#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/simulation.hpp"

using namespace archsim;

namespace {
struct Recorder : EventHandler {
  std::vector<std::uint64_t> order;
  void handle(const Event& e) override { order.push_back(e.payload); }
};
}  // namespace

TEST_CASE("core::EventQueue: ties run in scheduling order", "[core][quick]") {
  Simulation sim(1);
  Recorder r;
  const auto id = sim.add_handler(&r);
  for (std::uint64_t i = 0; i < 100; ++i) sim.schedule_at(5 * kSecond, id, 0, i);
  sim.schedule_at(1 * kSecond, id, 0, 1000);
  sim.run();
  REQUIRE(r.order.size() == 101);
  CHECK(r.order.front() == 1000);
  for (std::uint64_t i = 0; i < 100; ++i) CHECK(r.order[i + 1] == i);
}

TEST_CASE("core::EventQueue: pops in (time, seq) order under random load", "[core][quick]") {
  EventQueue q;
  Rng rng(7, "queue-test");
  std::uint64_t seq = 0;
  for (int i = 0; i < 5000; ++i) q.push({static_cast<SimTime>(rng.below(1000)), seq++, 0, 0, 0});
  Event prev = q.top();
  q.pop();
  int popped = 1;
  while (!q.empty()) {
    const Event e = q.top();
    if (popped % 3 == 0) {  // mix in fused replace_top like the run loop does
      q.replace_top({e.time + static_cast<SimTime>(rng.below(1000)), seq++, 0, 0, 0});
    } else {
      q.pop();
    }
    CHECK((prev.time < e.time || (prev.time == e.time && prev.seq < e.seq)));
    prev = e;
    if (++popped > 20000) break;
  }
}

namespace {
// The hold model: every event schedules one more at now + Exp(1).
struct Hold : EventHandler {
  Simulation* sim;
  std::uint32_t id = 0;
  Rng rng{3, "hold"};
  std::vector<SimTime> trace;
  explicit Hold(Simulation* s) : sim(s) {}
  void handle(const Event& e) override {
    trace.push_back(sim->now());
    sim->schedule_in(static_cast<SimTime>(-1e6 * std::log(rng.uniform_pos())), id, 0, e.payload);
  }
};
}  // namespace

TEST_CASE("core::Simulation: stops at the time limit, the event limit and on stop()", "[core][quick]") {
  Simulation sim(42);
  Hold hold(&sim);
  hold.id = sim.add_handler(&hold);
  for (int i = 0; i < 10; ++i) sim.schedule_at(0, hold.id, 0, i);
  SECTION("time limit: the clock ends exactly at the limit") {
    CHECK(sim.run({.until = kSecond}) == StopReason::kTimeLimit);
    CHECK(sim.now() == kSecond);
    CHECK(sim.pending() == 10);
  }
  SECTION("event limit") {
    CHECK(sim.run({.max_events = 1234}) == StopReason::kEventLimit);
    CHECK(sim.events_processed() == 1234);
  }
  SECTION("progress callback can cancel, keeping what ran") {
    int calls = 0;
    sim.set_progress([&](const Progress& p) { return ++calls < 3 && p.events < 100000; }, 100);
    CHECK(sim.run({.until = kHour}) == StopReason::kCancelled);
    CHECK(sim.events_processed() == 300);
  }
  SECTION("an empty queue ends the run") {
    Simulation empty(1);
    CHECK(empty.run() == StopReason::kQueueEmpty);
  }
}

TEST_CASE("core::Simulation: same seed twice gives the identical trace", "[core][quick]") {
  auto trace_of = [](std::uint64_t seed) {
    Simulation sim(seed);
    Hold hold(&sim);
    hold.rng = sim.stream("hold");
    hold.id = sim.add_handler(&hold);
    for (int i = 0; i < 50; ++i) sim.schedule_at(0, hold.id, 0, i);
    sim.run({.max_events = 10000});
    return hold.trace;
  };
  CHECK(trace_of(9) == trace_of(9));
  CHECK(trace_of(9) != trace_of(10));
}

TEST_CASE("core::Simulation: scheduling in the past is refused", "[core][quick]") {
  Simulation sim(1);
  Recorder r;
  const auto id = sim.add_handler(&r);
  sim.schedule_at(10, id, 0);
  sim.run();
  CHECK_THROWS_AS(sim.schedule_at(5, id, 0), std::logic_error);
}

// The classic hold model (Vaucher & Duval 1975; Jones 1986): N events are
// pending; each hold removes the earliest one and schedules a new one at
// now + Exp(1). The queue size stays N, and a hold is the unit of work of a
// discrete-event engine. Every variant below runs the same event sequence
// (same seed, same stream, same (time, seq) order) on a 32-byte event; only
// the pending-event set and the code around it differ.
//
// Each benchmark iteration is one hold, so the "Time" column reads as
// nanoseconds per hold. The queue is filled and then warmed up with N holds
// before timing starts.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>

#include "archsim/core/event_queue.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/core/sim_time.hpp"
#include "archsim/core/simulation.hpp"
#include "reference_heaps.hpp"

namespace {

using archsim::Event;
using archsim::EventQueue;
using archsim::Rng;
using archsim::SimTime;
using archsim::bench::RefBinaryHeap;
using archsim::bench::RefEvent;
using archsim::bench::RefQuaternaryHeap;

constexpr std::uint64_t kSeed = 2;
constexpr const char* kStream = "bench/hold";
constexpr std::int64_t kBatch = 1000;  // holds per KeepRunningBatch step

// Exp(1) second at nanosecond resolution: the hold increment.
inline SimTime exp_delay(Rng& rng) {
  constexpr double kMeanNs = 1e9;
  return static_cast<SimTime>(-kMeanNs * std::log(rng.uniform_pos()));
}

void set_counters(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations());  // items = holds
  state.counters["pending"] = static_cast<double>(state.range(0));
}

// (a) The engine path a model uses: Simulation::run pops the top event, calls
// the handler (one virtual call), and the handler's schedule_in replaces the
// spent top (EventQueue::replace_top).
class HoldHandler final : public archsim::EventHandler {
 public:
  explicit HoldHandler(archsim::Simulation& sim) : sim_(sim), rng_(sim.stream(kStream)) {}
  void handle(const Event& event) override { sim_.schedule_in(exp_delay(rng_), event.target, event.kind); }
  Rng& rng() { return rng_; }

 private:
  archsim::Simulation& sim_;
  Rng rng_;
};

void BM_hold_archsim_simulation(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  archsim::Simulation sim(kSeed);
  HoldHandler handler(sim);
  const std::uint32_t target = sim.add_handler(&handler);
  for (std::uint64_t i = 0; i < n; ++i) sim.schedule_at(exp_delay(handler.rng()), target, 0);
  sim.run({.max_events = n});  // warm-up
  while (state.KeepRunningBatch(kBatch)) sim.run({.max_events = static_cast<std::uint64_t>(kBatch)});
  set_counters(state);
}

// (b) archsim::EventQueue driven directly: top, then replace_top.
void BM_hold_archsim_event_queue(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  Rng rng(kSeed, kStream);
  EventQueue q;
  q.reserve(n);
  std::uint64_t seq = 0;
  for (std::uint64_t i = 0; i < n; ++i) q.push(Event{exp_delay(rng), seq++, 0, 0, 0});
  auto hold = [&] {
    const Event& e = q.top();
    q.replace_top(Event{e.time + exp_delay(rng), seq++, e.target, e.kind, 0});
  };
  for (std::uint64_t i = 0; i < n; ++i) hold();  // warm-up
  while (state.KeepRunningBatch(kBatch))
    for (std::int64_t i = 0; i < kBatch; ++i) hold();
  benchmark::DoNotOptimize(q.top());
  set_counters(state);
}

// (c), (d) The hand-written references, fused pop + push.
template <class Heap>
void BM_hold_reference(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  Rng rng(kSeed, kStream);
  Heap q;
  q.reserve(n);
  std::uint64_t seq = 0;
  for (std::uint64_t i = 0; i < n; ++i) q.push(RefEvent{exp_delay(rng), seq++, 0, 0, 0});
  auto hold = [&] {
    const RefEvent& e = q.top();
    q.replace_top(RefEvent{e.time + exp_delay(rng), seq++, e.target, e.kind, 0});
  };
  for (std::uint64_t i = 0; i < n; ++i) hold();  // warm-up
  while (state.KeepRunningBatch(kBatch))
    for (std::int64_t i = 0; i < kBatch; ++i) hold();
  benchmark::DoNotOptimize(q.top());
  set_counters(state);
}

// The binary heap again, but with a separate pop and push per hold, as a
// textbook scheduler (e.g. ns-3's HeapScheduler: RemoveNext, then Insert) does.
void BM_hold_reference_binary_pop_push(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  Rng rng(kSeed, kStream);
  RefBinaryHeap q;
  q.reserve(n);
  std::uint64_t seq = 0;
  for (std::uint64_t i = 0; i < n; ++i) q.push(RefEvent{exp_delay(rng), seq++, 0, 0, 0});
  auto hold = [&] {
    const RefEvent e = q.top();
    q.pop();
    q.push(RefEvent{e.time + exp_delay(rng), seq++, e.target, e.kind, 0});
  };
  for (std::uint64_t i = 0; i < n; ++i) hold();  // warm-up
  while (state.KeepRunningBatch(kBatch))
    for (std::int64_t i = 0; i < kBatch; ++i) hold();
  benchmark::DoNotOptimize(q.top());
  set_counters(state);
}

// The part of every hold that is not the queue: one Exp draw and an add.
void BM_hold_draw_only(benchmark::State& state) {
  Rng rng(kSeed, kStream);
  SimTime now = 0;
  while (state.KeepRunningBatch(kBatch))
    for (std::int64_t i = 0; i < kBatch; ++i) {
      now += exp_delay(rng);
      benchmark::DoNotOptimize(now);
    }
  set_counters(state);
}

void hold_sizes(benchmark::internal::Benchmark* b) { b->Arg(1'000)->Arg(100'000)->Arg(1'000'000); }

BENCHMARK(BM_hold_archsim_simulation)->Apply(hold_sizes);
BENCHMARK(BM_hold_archsim_event_queue)->Apply(hold_sizes);
BENCHMARK_TEMPLATE(BM_hold_reference, RefQuaternaryHeap)->Name("BM_hold_reference_4ary")->Apply(hold_sizes);
BENCHMARK_TEMPLATE(BM_hold_reference, RefBinaryHeap)->Name("BM_hold_reference_binary")->Apply(hold_sizes);
BENCHMARK(BM_hold_reference_binary_pop_push)->Apply(hold_sizes);
BENCHMARK(BM_hold_draw_only)->Arg(0);

}  // namespace

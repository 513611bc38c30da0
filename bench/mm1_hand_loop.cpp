// The yardstick of issue 3's table: the same M/M/1 as BM_mm1_customers
// (arrivals at 900/s, Exp(1 ms) service, utilisation 0.9), written by hand as a
// C++ loop over a 4-ary event heap, with a FIFO of arrival times and a sum of
// response times, and nothing else. Timed next to the general model, it turns
// the absolute figures (about 20 million customers/s for such a loop
// on its machine) into a ratio this machine can measure.
//
// Arg 1 picks the exponential draw, since the issue does not say which its
// loop used: 0 inverts a uniform from archsim's generator with log(); 1 uses
// archsim's ziggurat draw; 2 is the standard library's idiom,
// std::exponential_distribution over std::mt19937_64.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <random>

#include "archsim/core/exponential.hpp"
#include "archsim/core/rng.hpp"
#include "reference_heaps.hpp"

namespace {

using archsim::bench::RefEvent;

enum Kind : std::uint32_t { kArrival, kDeparture };

// Mean response time in ns over `customers` departures; draw() returns an Exp(1).
template <class ExpDraw>
double run_mm1(std::uint64_t customers, ExpDraw draw) {
  constexpr double kGapNs = 1e9 / 900.0, kServiceNs = 1e6;
  std::uint64_t seq = 0;
  auto event = [&seq](std::int64_t time, Kind kind) { return RefEvent{time, seq++, 0, kind, 0}; };
  auto draw_ns = [&draw](double mean_ns) { return static_cast<std::int64_t>(mean_ns * draw()); };
  archsim::bench::RefQuaternaryHeap heap;
  std::deque<std::int64_t> waiting;    // arrival times, in order
  std::int64_t in_service_since = -1;  // arrival time of the customer in service; -1: idle
  double response_sum = 0;
  std::uint64_t done = 0;
  heap.push(event(draw_ns(kGapNs), kArrival));
  while (done < customers) {
    const RefEvent e = heap.top();
    if (e.kind == kArrival) {
      heap.replace_top(event(e.time + draw_ns(kGapNs), kArrival));
      if (in_service_since < 0) {
        in_service_since = e.time;
        heap.push(event(e.time + draw_ns(kServiceNs), kDeparture));
      } else {
        waiting.push_back(e.time);
      }
    } else {
      response_sum += static_cast<double>(e.time - in_service_since);
      ++done;
      if (waiting.empty()) {
        in_service_since = -1;
        heap.pop();
      } else {
        in_service_since = waiting.front();
        waiting.pop_front();
        heap.replace_top(event(e.time + draw_ns(kServiceNs), kDeparture));
      }
    }
  }
  return response_sum / static_cast<double>(done);
}

// The draw is chosen once per run, so the loop has no branch on it.
double run_with_draw(std::uint64_t customers, std::int64_t draw) {
  archsim::Rng rng{1, "hand_loop"};
  switch (draw) {
    case 0: return run_mm1(customers, [&rng] { return -std::log(rng.uniform_pos()); });
    case 1: return run_mm1(customers, [&rng] { return archsim::standard_exponential(rng); });
    default: {
      std::mt19937_64 std_rng{1};
      std::exponential_distribution<double> std_exp{1.0};
      return run_mm1(customers, [&] { return std_exp(std_rng); });
    }
  }
}

void BM_mm1_hand_loop(benchmark::State& state) {
  const auto customers = static_cast<std::uint64_t>(state.range(0));
  double mean_ns = 0;
  for (auto _ : state) {
    mean_ns = run_with_draw(customers, state.range(1));
    benchmark::DoNotOptimize(mean_ns);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));  // items = customers
  state.counters["mean_response_ms"] = mean_ns / 1e6;            // theory: 10
}
BENCHMARK(BM_mm1_hand_loop)
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace

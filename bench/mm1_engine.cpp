// M/M/1 at utilisation 0.9 through the general model (client -> service, all
// metrics on), timed in C++ without Python: customers per second of the engine.
#include <benchmark/benchmark.h>

#include "archsim/models/runner.hpp"

namespace {

archsim::ModelSpec mm1() {
  using namespace archsim;
  ModelSpec m;
  m.name = "mm1";
  ServiceSpec s;
  s.name = "server";
  s.service_time = Distribution::exponential(0.001);
  m.services.push_back(s);
  ClientSpec c;
  c.name = "load";
  c.target = "server";
  c.rate_schedule = {{0, 900.0}};
  c.keys = KeyChooser::uniform(1000);
  m.clients.push_back(c);
  m.order = {{"service", 0}, {"client", 0}};
  return m;
}

// The same path with less randomness, to price what M/M/1's random event order
// and idle server cost (docs/performance.md). 0: a closed loop of one user with
// constant think and service times, where every branch repeats; 1: the same with
// exponential draws (one user: never a queue); 2: M/D/1.
archsim::ModelSpec less_random(std::int64_t variant) {
  using namespace archsim;
  ModelSpec m = mm1();
  if (variant == 2) {
    m.services[0].service_time = Distribution::constant(0.001);
    return m;
  }
  m.clients[0].closed = true;
  m.clients[0].users = 1;
  const double think = 1.0 / 900 - 0.001;  // a cycle as long as M/M/1's mean gap
  m.clients[0].think = variant == 0 ? Distribution::constant(think) : Distribution::exponential(think);
  if (variant == 0) m.services[0].service_time = Distribution::constant(0.001);
  return m;
}

void run_mm1(benchmark::State& state, archsim::SimTime window, const archsim::ModelSpec& model = mm1()) {
  archsim::RunOptions options;
  options.until_requests = static_cast<std::uint64_t>(state.range(0));
  options.seed = 1;
  options.window = window;
  for (auto _ : state) {
    const auto result = archsim::run_model(model, options);
    benchmark::DoNotOptimize(result.events);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));  // items = customers
}

// Time-series windows of 1 s (the default): about 900 requests a window.
void BM_mm1_customers(benchmark::State& state) { run_mm1(state, archsim::kSecond); }
BENCHMARK(BM_mm1_customers)->Arg(1'000'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Windows of 10 ms: about 9 requests a window, where a window costs the most per request.
void BM_mm1_fine_windows(benchmark::State& state) { run_mm1(state, 10 * archsim::kMillisecond); }
BENCHMARK(BM_mm1_fine_windows)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_less_random(benchmark::State& state) { run_mm1(state, archsim::kSecond, less_random(state.range(1))); }
BENCHMARK(BM_less_random)->Args({1'000'000, 0})->Args({1'000'000, 1})->Args({1'000'000, 2})->Unit(benchmark::kMillisecond);

}  // namespace

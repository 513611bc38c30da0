// Cost of one draw from each archsim distribution and key chooser, from a
// single named stream. Each iteration is one draw, so "Time" reads as
// nanoseconds per draw. The parameters are typical service-time and
// key-popularity settings; the cost of Gamma, Normal and Zipf depends on them
// (rejection loops), so they are named in the benchmark.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/key_chooser.hpp"
#include "archsim/core/rng.hpp"

namespace {

using archsim::Distribution;
using archsim::KeyChooser;
using archsim::Rng;

constexpr std::uint64_t kSeed = 2;

// Baselines: the generator itself.
void BM_rng_next_u64(benchmark::State& state) {
  Rng rng(kSeed, "bench/draw");
  for (auto _ : state) benchmark::DoNotOptimize(rng.next_u64());
  state.SetItemsProcessed(state.iterations());
}
void BM_rng_uniform(benchmark::State& state) {
  Rng rng(kSeed, "bench/draw");
  for (auto _ : state) benchmark::DoNotOptimize(rng.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_rng_next_u64);
BENCHMARK(BM_rng_uniform);

void BM_draw(benchmark::State& state, const Distribution& dist) {
  Rng rng(kSeed, "bench/draw");
  for (auto _ : state) benchmark::DoNotOptimize(dist.sample(rng));
  state.SetItemsProcessed(state.iterations());
}

std::vector<double> empirical_sample() {  // 1000 values, 1 ms .. 10 ms
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(0.001 + 0.009 * i / 999.0);
  return v;
}

// Seconds, as the models use them.
BENCHMARK_CAPTURE(BM_draw, Const, Distribution::constant(0.005));
BENCHMARK_CAPTURE(BM_draw, Uniform, Distribution::uniform(0.001, 0.009));
BENCHMARK_CAPTURE(BM_draw, Exp, Distribution::exponential(0.005));
BENCHMARK_CAPTURE(BM_draw, Erlang_k4, Distribution::erlang(4, 0.005));
BENCHMARK_CAPTURE(BM_draw, Gamma_shape0_5, Distribution::gamma(0.5, 0.01));
BENCHMARK_CAPTURE(BM_draw, Gamma_shape2_5, Distribution::gamma(2.5, 0.002));
BENCHMARK_CAPTURE(BM_draw, Normal, Distribution::normal(0.005, 0.001));
BENCHMARK_CAPTURE(BM_draw, LogNormal, Distribution::lognormal_median_p99(0.004, 0.040));
BENCHMARK_CAPTURE(BM_draw, Pareto, Distribution::pareto(2.5, 0.001));
BENCHMARK_CAPTURE(BM_draw, HyperExp_2phases, Distribution::hyperexp({0.9, 0.1}, {0.001, 0.05}));
BENCHMARK_CAPTURE(BM_draw, Mixture_Exp_LogNormal,
                  Distribution::mixture({0.8, 0.2}, {Distribution::exponential(0.002),
                                                     Distribution::lognormal_median_p99(0.02, 0.2)}));
BENCHMARK_CAPTURE(BM_draw, Empirical_1000values, Distribution::empirical(empirical_sample()));

void BM_keys(benchmark::State& state, const KeyChooser& keys) {
  Rng rng(kSeed, "bench/keys");
  for (auto _ : state) benchmark::DoNotOptimize(keys.sample(rng));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_keys, UniformKeys_n1e6, KeyChooser::uniform(1'000'000));
BENCHMARK_CAPTURE(BM_keys, UniformKeys_n1e8, KeyChooser::uniform(100'000'000));
BENCHMARK_CAPTURE(BM_keys, Zipf_n1e6_s0_9, KeyChooser::zipf(1'000'000, 0.9));
BENCHMARK_CAPTURE(BM_keys, Zipf_n1e6_s1_0, KeyChooser::zipf(1'000'000, 1.0));
BENCHMARK_CAPTURE(BM_keys, Zipf_n1e8_s0_9, KeyChooser::zipf(100'000'000, 0.9));
BENCHMARK_CAPTURE(BM_keys, Zipf_n1e8_s1_0, KeyChooser::zipf(100'000'000, 1.0));

}  // namespace

// The cache-heavy model (issue 4): 10^6 requests with Zipf keys against an
// LRU cache of 10^5 entries, through the general model (client -> cache ->
// service, every metric on); and the LRU table alone (lookup + touch on a
// hit, evict + insert on a miss) on the same key stream.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "archsim/core/key_chooser.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/models/cache_table.hpp"
#include "archsim/models/runner.hpp"

namespace {

constexpr std::uint64_t kKeys = 1'000'000;
constexpr double kZipf = 0.9;
constexpr std::uint32_t kCapacity = 100'000;

archsim::ModelSpec cache_model() {
  using namespace archsim;
  ModelSpec m;
  m.name = "cache-lru";
  ServiceSpec db;
  db.name = "db";
  db.workers = 64;
  db.service_time = Distribution::exponential(0.001);
  m.services.push_back(db);
  CacheSpec c;
  // Moved in, not assigned from literals: g++ 12 -O3 warns (falsely) on the latter here.
  c.name = std::string("cache");
  c.backend = std::string("db");
  c.capacity = kCapacity;
  m.caches.push_back(c);
  ClientSpec web;
  web.name = "web";
  web.target = "cache";
  web.rate_schedule = {{0, 10'000.0}};
  web.keys = KeyChooser::zipf(kKeys, kZipf);
  m.clients.push_back(web);
  m.order = {{"service", 0}, {"cache", 0}, {"client", 0}};
  return m;
}

void BM_cache_model_requests(benchmark::State& state) {
  const archsim::ModelSpec model = cache_model();
  archsim::RunOptions options;
  options.until_requests = static_cast<std::uint64_t>(state.range(0));
  options.seed = 1;
  for (auto _ : state) {
    const auto result = archsim::run_model(model, options);
    benchmark::DoNotOptimize(result.events);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));  // items = client requests
}
BENCHMARK(BM_cache_model_requests)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// One access of the LRU table: a hit (find + move to front) or a miss (find,
// evict the least recent, insert). The table is full and warmed before timing.
void BM_lru_table_access(benchmark::State& state) {
  using namespace archsim;
  const KeyChooser keys = KeyChooser::zipf(kKeys, kZipf);
  Rng rng(1, "bench/keys");
  std::vector<std::uint64_t> stream(1 << 22);
  for (auto& k : stream) k = keys.sample(rng);
  CacheTable table(EvictionPolicy::kLru, kCapacity);
  std::uint64_t misses = 0;
  auto access = [&](std::uint64_t key) {
    if (const auto e = table.find(key); e != CacheTable::kNone) {
      table.touch(e);
      return;
    }
    ++misses;
    if (table.full()) table.erase(table.victim());
    table.insert(key);
  };
  for (const auto k : stream) access(k);  // warm: full, steady state
  misses = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    access(stream[i]);
    i = (i + 1) & (stream.size() - 1);
  }
  state.counters["miss_ratio"] = static_cast<double>(misses) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_lru_table_access);

}  // namespace

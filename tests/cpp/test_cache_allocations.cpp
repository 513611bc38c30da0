// A full LRU cache allocates nothing per lookup, hit, eviction or insert: the
// slot array and the index are sized once for the capacity. Counted by
// replacing the global operator new for this test binary (it only counts).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "archsim/core/key_chooser.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/models/cache_table.hpp"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
// Under ASan the sanitizer's own operator new must stay in place (a replacement
// that frees with free() trips its alloc-dealloc-mismatch check on allocations
// made before the replacement is reached), so count through its allocation hook.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                         void (*free_hook)(const volatile void*));
namespace {
void count_allocation(const volatile void*, std::size_t) { g_allocations.fetch_add(1, std::memory_order_relaxed); }
void ignore_free(const volatile void*) {}
[[maybe_unused]] const int g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(count_allocation, ignore_free);
}  // namespace
#else
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace archsim;

TEST_CASE("models::CacheTable: a full LRU table allocates nothing per access", "[models][quick]") {
  for (const auto policy : {EvictionPolicy::kLru, EvictionPolicy::kFifo, EvictionPolicy::kLfu}) {
    CacheTable table(policy, 10'000);
    const KeyChooser keys = KeyChooser::zipf(1'000'000, 0.9);
    Rng rng(4, "keys");
    std::uint64_t misses = 0;
    auto access = [&] {
      const std::uint64_t key = keys.sample(rng);
      if (const auto e = table.find(key); e != CacheTable::kNone) {
        table.touch(e);
        return;
      }
      ++misses;
      if (table.full()) table.erase(table.victim());
      table.insert(key);
    };
    for (int i = 0; i < 50'000; ++i) access();  // fill
    REQUIRE(table.full());
    const std::uint64_t before = g_allocations.load();
    misses = 0;
    for (int i = 0; i < 200'000; ++i) access();
    CHECK(g_allocations.load() == before);
    CHECK(misses > 10'000);  // the loop did evict and insert, not only hit
  }
}

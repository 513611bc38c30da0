// KeyIndex and CacheTable: every operation agrees with a plain reference
// model over long random sequences, and each policy evicts what it should.
#include <catch2/catch.hpp>

#include "check_invalid.hpp"

#include <algorithm>
#include <cstdint>
#include <list>
#include <map>

#include "archsim/core/rng.hpp"
#include "archsim/models/cache_table.hpp"
#include "archsim/models/key_index.hpp"

using namespace archsim;
using Catch::Contains;

TEST_CASE("models::KeyIndex: finds, overwrites and erases like a std::map", "[models][quick]") {
  KeyIndex index(8);  // grows several times below
  std::map<std::uint64_t, std::uint32_t> reference;
  Rng rng(1, "index");
  for (int step = 0; step < 200'000; ++step) {
    const std::uint64_t key = rng.below(3'000) * 0x10001;  // clustered keys collide in the table
    const double u = rng.uniform();
    if (u < 0.5) {
      const auto value = static_cast<std::uint32_t>(rng.below(1'000'000));
      index.put(key, value);
      reference[key] = value;
    } else if (u < 0.8) {
      index.erase(key);
      reference.erase(key);
    } else {
      const auto it = reference.find(key);
      REQUIRE(index.find(key) == (it == reference.end() ? KeyIndex::kAbsent : it->second));
    }
    REQUIRE(index.size() == reference.size());
  }
  for (const auto& [key, value] : reference) CHECK(index.find(key) == value);
  index.clear();
  CHECK(index.size() == 0);
  CHECK(index.find(reference.begin()->first) == KeyIndex::kAbsent);
}

namespace {

// A reference LRU / FIFO: a list of keys, front = next to evict.
struct ListModel {
  bool move_on_hit;
  std::size_t capacity;
  std::list<std::uint64_t> order;
  // Returns the evicted key (or -1) after looking `key` up and filling it on a miss.
  std::int64_t access(std::uint64_t key) {
    const auto it = std::find(order.begin(), order.end(), key);
    if (it != order.end()) {
      if (move_on_hit) order.splice(order.end(), order, it);
      return -1;
    }
    std::int64_t evicted = -1;
    if (order.size() == capacity) {
      evicted = static_cast<std::int64_t>(order.front());
      order.pop_front();
    }
    order.push_back(key);
    return evicted;
  }
};

// The same access on a CacheTable; returns the evicted key (or -1).
std::int64_t access(CacheTable& t, std::uint64_t key) {
  if (const auto e = t.find(key); e != CacheTable::kNone) {
    t.touch(e);
    return -1;
  }
  std::int64_t evicted = -1;
  if (t.full()) {
    const auto v = t.victim();
    evicted = static_cast<std::int64_t>(t[v].key);
    t.erase(v);
  }
  t.insert(key);
  return evicted;
}

}  // namespace

TEST_CASE("models::CacheTable: LRU and FIFO evict exactly what a list model evicts", "[models][quick]") {
  for (const auto policy : {EvictionPolicy::kLru, EvictionPolicy::kFifo}) {
    CacheTable table(policy, 50);
    ListModel model{policy == EvictionPolicy::kLru, 50, {}};
    Rng rng(2, "keys");
    for (int step = 0; step < 50'000; ++step) {
      const std::uint64_t key = rng.below(rng.bernoulli(0.7) ? 40 : 400);
      REQUIRE(access(table, key) == model.access(key));
      REQUIRE(table.size() == model.order.size());
      if (rng.bernoulli(0.01) && table.size() > 0) {  // an explicit erase (an expired or invalidated entry)
        const std::uint64_t gone = model.order.back();
        table.erase(table.find(gone));
        model.order.pop_back();
      }
    }
  }
}

TEST_CASE("models::CacheTable: LFU evicts the least used entry, the least recently used among ties", "[models][quick]") {
  CacheTable t(EvictionPolicy::kLfu, 3);
  for (std::uint64_t k : {1, 2, 3}) t.insert(k);
  t.touch(t.find(1));
  t.touch(t.find(1));
  t.touch(t.find(3));
  CHECK(t[t.victim()].key == 2);  // used once
  t.erase(t.victim());
  t.insert(4);
  CHECK(t[t.victim()].key == 4);  // used once, newer than nothing else with one use
  t.touch(t.find(4));
  CHECK(t[t.victim()].key == 3);  // 3 and 4 have two uses each; 3's last use is older
  SECTION("against a brute-force scan over a long random sequence") {
    CacheTable big(EvictionPolicy::kLfu, 64);
    std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> model;  // key -> (uses, last use)
    std::uint64_t clock = 0;
    Rng rng(3, "lfu");
    for (int step = 0; step < 30'000; ++step) {
      const std::uint64_t key = rng.below(rng.bernoulli(0.5) ? 30 : 300);
      if (auto it = model.find(key); it != model.end()) {
        big.touch(big.find(key));
        it->second = {it->second.first + 1, ++clock};
        continue;
      }
      if (model.size() == 64) {
        const auto least = std::min_element(model.begin(), model.end(),
                                            [](const auto& a, const auto& b) { return a.second < b.second; });
        REQUIRE(big[big.victim()].key == least->first);
        big.erase(big.victim());
        model.erase(least);
      }
      big.insert(key);
      model[key] = {1, ++clock};
    }
  }
}

TEST_CASE("models::CacheTable: a TTL-only table is never full and reports its oldest entry", "[models][quick]") {
  CacheTable t(EvictionPolicy::kTtl, 0);
  for (std::uint64_t k = 0; k < 1000; ++k) t.insert(k);
  CHECK_FALSE(t.full());
  CHECK(t.size() == 1000);
  CHECK(t[t.oldest()].key == 0);
  t.erase(t.oldest());
  CHECK(t[t.oldest()].key == 1);
  t.clear();
  CHECK(t.size() == 0);
  CHECK(t.oldest() == CacheTable::kNone);
}

TEST_CASE("models::CacheTable: policy names parse, unknown ones are refused with the accepted list", "[models][quick]") {
  CHECK(parse_eviction_policy("lfu") == EvictionPolicy::kLfu);
  CHECK_INVALID(parse_eviction_policy("mru"), Contains("lru, lfu, fifo, ttl"));
}

// ShardMap: which shard owns a key under each routing, and how many keys move
// when a shard is added or removed.
//
// Consistent hashing (Karger et al., STOC 1997): with N shards on a ring,
// adding one moves only the keys the new shard takes over, a 1/(N+1) share
// in expectation; removing one moves only that shard's keys, 1/N. With v
// virtual nodes per shard a shard's share has a relative spread of about
// 1/sqrt(v). Hash mod N moves a key unless h mod N == h mod (N+1): about
// N/(N+1) of them.
#include <catch2/catch.hpp>

#include "check_invalid.hpp"

#include <cstdint>
#include <numeric>
#include <vector>

#include "archsim/models/shard_map.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

constexpr std::uint64_t kKeys = 100'000;

std::vector<std::uint32_t> owners(const ShardMap& m) {
  std::vector<std::uint32_t> o(kKeys);
  for (std::uint64_t k = 0; k < kKeys; ++k) o[k] = m.shard_of(k);
  return o;
}

std::vector<std::uint32_t> first(std::uint32_t n) {
  std::vector<std::uint32_t> s(n);
  std::iota(s.begin(), s.end(), 0u);
  return s;
}

}  // namespace

TEST_CASE("models::ShardMap: consistent hashing moves about 1/(N+1) of the keys, all to the new shard", "[models][quick]") {
  double ratio_sum = 0;
  int cases = 0;
  for (std::uint32_t n = 2; n <= 31; ++n) {
    ShardMap m(Routing::kConsistent, 100, 0);
    m.set_shards(first(n));
    const auto before = owners(m);
    m.set_shards(first(n + 1));
    const auto after = owners(m);
    std::uint64_t moved = 0;
    for (std::uint64_t k = 0; k < kKeys; ++k)
      if (after[k] != before[k]) {
        ++moved;
        REQUIRE(after[k] == n);  // a key only ever moves to the new shard
      }
    const double ratio = static_cast<double>(moved) / kKeys * (n + 1);  // 1 on average
    CHECK(ratio == Approx(1.0).margin(0.35));  // 3.5 spreads of 1/sqrt(100)
    ratio_sum += ratio;
    ++cases;
  }
  CHECK(ratio_sum / cases == Approx(1.0).margin(0.06));  // the mean of 30: spread 0.1 / sqrt(30) = 0.018
}

TEST_CASE("models::ShardMap: removing a shard moves only its own keys", "[models][quick]") {
  ShardMap m(Routing::kConsistent, 100, 0);
  m.set_shards(first(8));
  const auto before = owners(m);
  m.set_shards({0, 1, 2, 4, 5, 6, 7});  // shard 3 leaves
  const auto after = owners(m);
  std::uint64_t owned = 0;
  for (std::uint64_t k = 0; k < kKeys; ++k) {
    if (before[k] == 3) {
      ++owned;
      CHECK(after[k] != 3);
    } else {
      REQUIRE(after[k] == before[k]);
    }
  }
  CHECK(static_cast<double>(owned) / kKeys == Approx(1.0 / 8).margin(0.35 / 8));
}

TEST_CASE("models::ShardMap: hash mod N moves about N/(N+1) of the keys", "[models][quick]") {
  ShardMap m(Routing::kHashModN, 0, 0);
  m.set_shards(first(8));
  const auto before = owners(m);
  std::vector<std::uint64_t> load(8, 0);
  for (auto o : before) ++load[o];
  for (auto l : load) CHECK(static_cast<double>(l) == Approx(kKeys / 8.0).epsilon(0.03));
  m.set_shards(first(9));
  const auto after = owners(m);
  std::uint64_t moved = 0;
  for (std::uint64_t k = 0; k < kKeys; ++k) moved += after[k] != before[k];
  CHECK(static_cast<double>(moved) / kKeys == Approx(8.0 / 9).margin(0.01));
}

TEST_CASE("models::ShardMap: range routing splits the key space into equal ranges", "[models][quick]") {
  ShardMap m(Routing::kRange, 0, 1000);
  m.set_shards({4, 7, 9, 2});
  CHECK(m.shard_of(0) == 4);
  CHECK(m.shard_of(249) == 4);
  CHECK(m.shard_of(250) == 7);
  CHECK(m.shard_of(999) == 2);
  CHECK(m.shard_of(5000) == 2);  // beyond the key space: the last range
  CHECK(parse_routing("range") == Routing::kRange);
  CHECK_INVALID(parse_routing("modulo"), Contains("hash, range, consistent"));
}

#pragma once
// Which shard a key belongs to, for a set of active shards that can change:
// hash mod N, even key ranges, or a consistent-hash ring with virtual nodes
// (Karger et al. 1997). Shards are numbered by the backend instance that
// holds them.
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace archsim {

enum class Routing : std::uint8_t { kHashModN, kRange, kConsistent };
inline constexpr std::string_view kRoutingNames[] = {"hash", "range", "consistent"};
// Throws std::invalid_argument naming the accepted routings.
Routing parse_routing(std::string_view name);

class ShardMap {
 public:
  // key_space: range routing splits keys 0 .. key_space-1 into equal ranges
  // (keys beyond go to the last shard). vnodes: points per shard on the ring.
  ShardMap(Routing routing, std::uint32_t vnodes, std::uint64_t key_space);

  // The active shards, in the order ranges and mod N use them.
  void set_shards(std::vector<std::uint32_t> shards);
  const std::vector<std::uint32_t>& shards() const { return shards_; }
  std::uint32_t shard_of(std::uint64_t key) const;
  // Tenant-aware partitioning: tenant t owns `per_tenant` consecutive active
  // shards starting at position (t * per_tenant) mod N (blocks in tenant order,
  // wrapping when they run out); its key picks one of them by hash.
  std::uint32_t tenant_shard_of(std::uint32_t tenant, std::uint64_t key, std::uint32_t per_tenant) const;

 private:
  Routing routing_;
  std::uint32_t vnodes_;
  std::uint64_t key_space_;
  std::vector<std::uint32_t> shards_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> ring_;  // (point, shard), sorted by point
};

// 64-bit mix of a key (SplitMix64's finaliser): what hash routing and the ring hash.
std::uint64_t key_hash(std::uint64_t key);

}  // namespace archsim

#include "archsim/models/shard_map.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "archsim/core/rng.hpp"

namespace archsim {

Routing parse_routing(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kRoutingNames); ++i)
    if (name == kRoutingNames[i]) return static_cast<Routing>(i);
  throw std::invalid_argument("routing must be one of hash, range, consistent; got '" + std::string(name) + "'");
}

std::uint64_t key_hash(std::uint64_t key) {
  std::uint64_t state = key;
  return splitmix64_next(state);
}

ShardMap::ShardMap(Routing routing, std::uint32_t vnodes, std::uint64_t key_space)
    : routing_(routing), vnodes_(vnodes), key_space_(key_space) {}

void ShardMap::set_shards(std::vector<std::uint32_t> shards) {
  shards_ = std::move(shards);
  if (routing_ != Routing::kConsistent) return;
  // A shard's points depend on its number only, so adding or removing one
  // leaves every other shard's points, and the keys they own, where they were.
  ring_.clear();
  for (const std::uint32_t s : shards_)
    for (std::uint32_t v = 0; v < vnodes_; ++v)
      ring_.emplace_back(key_hash(fnv1a64("shard-" + std::to_string(s) + "#" + std::to_string(v))), s);
  std::sort(ring_.begin(), ring_.end());
}

std::uint32_t ShardMap::shard_of(std::uint64_t key) const {
  const auto n = static_cast<std::uint64_t>(shards_.size());
  switch (routing_) {
    case Routing::kHashModN: return shards_[key_hash(key) % n];
    case Routing::kRange: {
      if (key >= key_space_) return shards_.back();
      const auto r = static_cast<std::uint64_t>((static_cast<unsigned __int128>(key) * n) / key_space_);
      return shards_[r];
    }
    case Routing::kConsistent: {
      // The first point clockwise from the key's hash owns it.
      const std::uint64_t h = key_hash(key);
      auto it = std::lower_bound(ring_.begin(), ring_.end(), std::pair{h, std::uint32_t{0}});
      if (it == ring_.end()) it = ring_.begin();
      return it->second;
    }
  }
  return shards_.front();
}

std::uint32_t ShardMap::tenant_shard_of(std::uint32_t tenant, std::uint64_t key, std::uint32_t per_tenant) const {
  const auto n = static_cast<std::uint64_t>(shards_.size());
  const std::uint64_t k = std::min<std::uint64_t>(per_tenant, n);
  const std::uint64_t first = static_cast<std::uint64_t>(tenant) * k % n;
  return shards_[(first + key_hash(key) % k) % n];
}

}  // namespace archsim

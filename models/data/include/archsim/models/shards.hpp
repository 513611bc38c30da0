#pragma once
// A shard router: sends each request to the backend instance that holds its
// key's shard (ShardMap) and relays the reply. Like a balancer it has no
// queue and no processing time. Shards can be added or removed at given
// times; the router reports how much of the key space each change moved.
#include <cstdint>
#include <vector>

#include "archsim/models/component.hpp"
#include "archsim/models/shard_map.hpp"

namespace archsim {

struct ShardChange {
  SimTime at = 0;
  bool add = true;
  std::int64_t shard = -1;  // backend instance; -1 (add only): the lowest-numbered inactive one
};

struct ShardsConfig {
  std::uint32_t backend = 0;  // component index; its instances are the shards
  Routing routing = Routing::kConsistent;
  std::uint32_t vnodes = 100;
  std::uint64_t key_space = 0;  // range routing
  std::uint32_t shards = 0;     // active at start: backend instances 0 .. shards-1; 0 = all
  std::vector<ShardChange> changes;
  std::uint32_t tenant_shards = 0;  // tenant-aware: each tenant's keys on this many shards; 0 = by key only
};

// Keys whose shard a change's moved fraction is measured over: 0 .. kMovedSampleKeys-1.
inline constexpr std::uint64_t kMovedSampleKeys = 1 << 16;

class Shards final : public Component {
 public:
  // Throws std::invalid_argument for a routing that cannot work (range without a key space).
  Shards(World& world, std::string name, std::vector<std::uint32_t> hosts, ShardsConfig config);
  // Throws std::invalid_argument when the shards do not fit the backend's instances.
  void connect() override;
  void initialise() override;
  void handle(const Event& event) override;

 private:
  enum : std::uint32_t { kChangeEvent = kFirstOwnEvent };
  void change(const ShardChange& c);

  ShardsConfig config_;
  ShardMap map_;
  Component* backend_ = nullptr;
};

}  // namespace archsim

#pragma once
// A cache in front of a backend component. Each instance holds its own
// entries (a CacheTable) and answers reads of a fresh entry at once; a miss
// fetches from the backend and fills the entry with the version the backend
// returned. Writes follow the mode: passed through (read-through, cache-aside,
// write-invalidate), stored on success (write-through) or acknowledged at once
// and flushed later in batches (write-behind).
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "archsim/models/cache_table.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/instance_picker.hpp"
#include "archsim/models/key_index.hpp"

namespace archsim {

enum class CacheMode : std::uint8_t { kReadThrough, kCacheAside, kWriteThrough, kWriteBehind, kWriteInvalidate };
inline constexpr std::string_view kCacheModeNames[] = {"read-through", "cache-aside", "write-through", "write-behind",
                                                       "write-invalidate"};
// Throws std::invalid_argument naming the accepted modes.
CacheMode parse_cache_mode(std::string_view name);

struct CacheConfig {
  std::uint32_t backend = 0;  // component index
  Strategy strategy = Strategy::kRoundRobin;  // which backend instance a fetch or write goes to
  EvictionPolicy policy = EvictionPolicy::kLru;
  std::uint32_t capacity = 0;  // entries per instance; 0 = unbounded (policy ttl only)
  SimTime ttl = kTimeMax;      // an entry is fresh this long after it is filled; kTimeMax = forever
  double ttl_jitter = 0;       // each entry's TTL is uniform on ttl * [1 - j, 1 + j]
  CacheMode mode = CacheMode::kReadThrough;
  bool single_flight = false;           // concurrent misses of one key share one fetch
  SimTime stale_while_revalidate = 0;   // serve an entry this long past expiry while one refresh runs
  SimTime flush_delay = kSecond;        // write-behind: a write waits at most this long before its flush
  std::uint32_t flush_batch = 100;      // write-behind: writes sent per flush (a full batch flushes at once)
  std::uint64_t warm_keys = 0;          // keys 0 .. warm_keys-1 are loaded into every instance at time 0
  std::uint16_t read_op = 0, write_op = 1;
};

class Cache final : public Component, public Crashable {
 public:
  Cache(World& world, std::string name, std::vector<std::uint32_t> hosts, CacheConfig config);
  void connect() override;
  void initialise() override;
  void handle(const Event& event) override;
  // A crash empties the instance (it restarts cold), fails the reads waiting
  // on fetches, and loses the write-behind writes not yet flushed.
  // Crashes nest (a scheduled and a random crash may overlap): the instance is
  // up again when each has restarted.
  std::uint64_t crash(std::uint32_t instance) override;
  void restart(std::uint32_t instance) override;
  std::uint64_t refused(std::uint32_t instance) const override { return instances_[instance].refused; }

 private:
  enum : std::uint32_t { kFlushEvent = kFirstOwnEvent };
  // What a request this cache sent to the backend is for (kept in Request::call).
  enum Role : std::uint16_t { kFetch, kPassThrough, kRefresh, kFlush };
  static constexpr std::uint16_t kWaiting = 1, kDone = UINT16_MAX;  // Request::step of a request held here
  struct Instance {
    CacheTable table;
    KeyIndex fetches;                // single-flight: key -> slot of the read that leads its fetch
    std::vector<std::uint32_t> held;  // reads and writes waiting on the backend (Request::active_pos)
    std::deque<std::pair<std::uint64_t, SimTime>> unflushed;  // write-behind: (key, accepted at), oldest first
    bool flush_scheduled = false;
    std::uint32_t down = 0;     // crashes in effect; up when 0
    std::uint64_t refused = 0;  // arrivals refused while down
    Rng ttl_rng;
  };

  void arrive(std::uint32_t slot);
  void read(std::uint32_t slot);
  void write(std::uint32_t slot);
  // Sends a child of `slot` (or a background request when slot is kNoSlot) to the backend.
  void to_backend(std::uint32_t instance, std::uint32_t slot, std::uint16_t op, std::uint64_t key, Role role);
  void replied(std::uint32_t child);
  void fetched(std::uint32_t child);
  void passed_through(std::uint32_t child);
  void background_replied(std::uint32_t child);
  void flush(std::uint32_t instance);
  void schedule_flush(std::uint32_t instance);
  // Stores `key` with `version`, fresh from now, evicting if the table is full.
  void fill(std::uint32_t instance, std::uint64_t key, std::uint64_t version);
  SimTime expiry(Instance& inst);
  void hold(std::uint32_t slot);
  void release_hold(std::uint32_t slot);
  void answer(std::uint32_t slot, bool during_arrival);
  void emit(std::uint32_t instance, CacheEvent e) { world_.signals.cache(*this, instance, e, world_.sim.now()); }

  CacheConfig config_;
  std::vector<Instance> instances_;
  Component* backend_ = nullptr;
  std::optional<InstancePicker> picker_;
  std::vector<std::uint32_t> next_waiter_;  // single-flight: by request slot, the next read waiting on the same fetch
  std::vector<std::uint32_t> scratch_;      // readers answered by one fetch (reused)
};

}  // namespace archsim

#pragma once
// The entries of one cache instance: a slot array sized once for the
// capacity, an open-addressing index from key to slot, and the order its
// eviction policy needs. LRU, FIFO and TTL-only keep an intrusive doubly
// linked list (O(1) lookup, touch, insert and evict); LFU keeps an indexed
// binary min-heap of (uses, last use) (O(log n)). Nothing allocates per
// request once the table has reached its capacity.
#include <cstdint>
#include <string_view>
#include <vector>

#include "archsim/core/sim_time.hpp"
#include "archsim/models/key_index.hpp"

namespace archsim {

enum class EvictionPolicy : std::uint8_t { kLru, kLfu, kFifo, kTtl };
inline constexpr std::string_view kEvictionPolicyNames[] = {"lru", "lfu", "fifo", "ttl"};
// Throws std::invalid_argument naming the accepted policies.
EvictionPolicy parse_eviction_policy(std::string_view name);

struct CacheEntry {
  std::uint64_t key = 0;
  std::uint64_t version = 0;    // the version the backend returned with the value
  SimTime expires = kTimeMax;   // fresh until then
  std::uint64_t uses = 0;       // LFU: the fill plus every hit
  std::uint64_t last_use = 0;   // LFU tie-break: a table-wide counter, older goes first
  std::uint32_t prev = 0, next = 0;  // list links (kNone at the ends)
  std::uint32_t heap_pos = 0;        // LFU: position in the heap
  bool refreshing = false;           // a background refresh of this entry is in flight
};

class CacheTable {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // capacity 0: unbounded (TTL-only caches, whose entries leave only by expiry).
  CacheTable(EvictionPolicy policy, std::uint32_t capacity);

  std::uint32_t find(std::uint64_t key) const { return index_.find(key); }
  CacheEntry& operator[](std::uint32_t e) { return entries_[e]; }
  const CacheEntry& operator[](std::uint32_t e) const { return entries_[e]; }
  // A hit: LRU moves the entry to the front, LFU counts a use; FIFO and TTL keep their order.
  void touch(std::uint32_t e);
  bool full() const { return capacity_ != 0 && size_ == capacity_; }
  // The entry the policy evicts next: least recently used, least frequently
  // used (oldest use on ties), or oldest inserted. kNone when empty.
  std::uint32_t victim() const;
  // The oldest inserted entry (TTL-only caches drop expired entries from there).
  std::uint32_t oldest() const { return policy_ == EvictionPolicy::kLfu ? kNone : tail_; }
  // Stores a new entry for `key` (absent, and the table not full); returns its slot.
  std::uint32_t insert(std::uint64_t key);
  void erase(std::uint32_t e);
  void clear();
  std::size_t size() const { return size_; }

 private:
  void link_front(std::uint32_t e);
  void unlink(std::uint32_t e);
  bool heap_less(std::uint32_t a, std::uint32_t b) const;
  void heap_swap(std::size_t i, std::size_t j);
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);

  EvictionPolicy policy_;
  std::uint32_t capacity_;
  std::vector<CacheEntry> entries_;   // slots; free ones are chained through `next`
  std::uint32_t free_ = kNone;        // first free slot
  std::uint32_t head_ = kNone, tail_ = kNone;  // list: head most recent / newest
  std::vector<std::uint32_t> heap_;   // LFU: slots, min-heap by (uses, last_use)
  KeyIndex index_;
  std::size_t size_ = 0;
  std::uint64_t clock_ = 0;  // LFU use counter
};

}  // namespace archsim

#include "archsim/models/cache_table.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace archsim {

EvictionPolicy parse_eviction_policy(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kEvictionPolicyNames); ++i)
    if (name == kEvictionPolicyNames[i]) return static_cast<EvictionPolicy>(i);
  throw std::invalid_argument("policy must be one of lru, lfu, fifo, ttl; got '" + std::string(name) + "'");
}

CacheTable::CacheTable(EvictionPolicy policy, std::uint32_t capacity)
    : policy_(policy), capacity_(capacity), index_(capacity) {
  entries_.reserve(capacity);
  if (policy_ == EvictionPolicy::kLfu) heap_.reserve(capacity);
}

void CacheTable::link_front(std::uint32_t e) {
  entries_[e].prev = kNone;
  entries_[e].next = head_;
  if (head_ != kNone) entries_[head_].prev = e;
  head_ = e;
  if (tail_ == kNone) tail_ = e;
}

void CacheTable::unlink(std::uint32_t e) {
  const CacheEntry& x = entries_[e];
  (x.prev != kNone ? entries_[x.prev].next : head_) = x.next;
  (x.next != kNone ? entries_[x.next].prev : tail_) = x.prev;
}

void CacheTable::touch(std::uint32_t e) {
  if (policy_ == EvictionPolicy::kLru) {
    if (head_ == e) return;
    unlink(e);
    link_front(e);
  } else if (policy_ == EvictionPolicy::kLfu) {
    ++entries_[e].uses;
    entries_[e].last_use = ++clock_;
    sift_down(entries_[e].heap_pos);  // its key only grew
  }
}

std::uint32_t CacheTable::victim() const {
  if (policy_ == EvictionPolicy::kLfu) return heap_.empty() ? kNone : heap_.front();
  return tail_;
}

std::uint32_t CacheTable::insert(std::uint64_t key) {
  std::uint32_t e;
  if (free_ != kNone) {
    e = free_;
    free_ = entries_[e].next;
    entries_[e] = CacheEntry{};
  } else {
    e = static_cast<std::uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  CacheEntry& x = entries_[e];
  x.key = key;
  x.uses = 1;
  x.last_use = ++clock_;
  index_.put(key, e);
  ++size_;
  if (policy_ == EvictionPolicy::kLfu) {
    x.heap_pos = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back(e);
    sift_up(x.heap_pos);
  } else {
    link_front(e);
  }
  return e;
}

void CacheTable::erase(std::uint32_t e) {
  index_.erase(entries_[e].key);
  if (policy_ == EvictionPolicy::kLfu) {
    const std::size_t pos = entries_[e].heap_pos;
    heap_swap(pos, heap_.size() - 1);
    heap_.pop_back();
    if (pos < heap_.size()) {  // the entry moved into the hole may belong higher or lower
      const std::uint32_t moved = heap_[pos];
      sift_up(pos);
      sift_down(entries_[moved].heap_pos);
    }
  } else {
    unlink(e);
  }
  entries_[e].next = free_;
  free_ = e;
  --size_;
}

void CacheTable::clear() {
  entries_.clear();
  heap_.clear();
  index_.clear();
  free_ = head_ = tail_ = kNone;
  size_ = 0;
}

bool CacheTable::heap_less(std::uint32_t a, std::uint32_t b) const {
  const CacheEntry &x = entries_[a], &y = entries_[b];
  return x.uses != y.uses ? x.uses < y.uses : x.last_use < y.last_use;
}

void CacheTable::heap_swap(std::size_t i, std::size_t j) {
  std::swap(heap_[i], heap_[j]);
  entries_[heap_[i]].heap_pos = static_cast<std::uint32_t>(i);
  entries_[heap_[j]].heap_pos = static_cast<std::uint32_t>(j);
}

void CacheTable::sift_up(std::size_t i) {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!heap_less(heap_[i], heap_[parent])) return;
    heap_swap(i, parent);
    i = parent;
  }
}

void CacheTable::sift_down(std::size_t i) {
  while (true) {
    const std::size_t l = 2 * i + 1, r = l + 1;
    std::size_t m = i;
    if (l < heap_.size() && heap_less(heap_[l], heap_[m])) m = l;
    if (r < heap_.size() && heap_less(heap_[r], heap_[m])) m = r;
    if (m == i) return;
    heap_swap(i, m);
    i = m;
  }
}

}  // namespace archsim

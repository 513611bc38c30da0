#pragma once
// The waiting requests of one service instance: FIFO (or the newest first,
// for adaptive LIFO), or with fair queueing one FIFO per tenant, served in
// round robin over the tenants that have requests waiting. That is fair
// queueing with equal weights and unit costs (Demers, Keshav & Shenker,
// "Analysis and simulation of a fair queueing algorithm", SIGCOMM 1989;
// deficit round robin with a quantum of one request, Shreedhar & Varghese,
// SIGCOMM 1995): a backlogged tenant gets at least 1/n of the workers and a
// tenant's wait depends on its own backlog, not on another tenant's.
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

namespace archsim {

class WaitQueue {
 public:
  explicit WaitQueue(bool fair = false) : fair_(fair) {}
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void push(std::uint32_t slot, std::uint32_t tenant) {
    ++size_;
    if (!fair_) {
      fifo_.push_back(slot);
      return;
    }
    auto& q = by_tenant_[tenant];
    if (q.empty()) turns_.push_back(tenant);
    q.push_back(slot);
  }
  // The next request to serve: the oldest, the newest (`newest`; FIFO mode
  // only), or the oldest of the tenant whose turn it is.
  std::uint32_t pop(bool newest) {
    --size_;
    if (!fair_) {
      const std::uint32_t slot = newest ? fifo_.back() : fifo_.front();
      newest ? fifo_.pop_back() : fifo_.pop_front();
      return slot;
    }
    const std::uint32_t tenant = turns_.front();
    turns_.pop_front();
    auto& q = by_tenant_[tenant];
    const std::uint32_t slot = q.front();
    q.pop_front();
    if (!q.empty()) turns_.push_back(tenant);
    return slot;
  }
  // Empties the queue; returns every waiting request (tenant by tenant in turn order).
  std::vector<std::uint32_t> drain() {
    std::vector<std::uint32_t> out(fifo_.begin(), fifo_.end());
    fifo_.clear();
    for (const std::uint32_t t : turns_) {
      auto& q = by_tenant_[t];
      out.insert(out.end(), q.begin(), q.end());
      q.clear();
    }
    turns_.clear();
    size_ = 0;
    return out;
  }

 private:
  bool fair_;
  std::size_t size_ = 0;
  std::deque<std::uint32_t> fifo_;
  std::unordered_map<std::uint32_t, std::deque<std::uint32_t>> by_tenant_;  // looked up, never iterated
  std::deque<std::uint32_t> turns_;  // tenants with requests waiting, in round-robin order
};

}  // namespace archsim

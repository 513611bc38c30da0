#pragma once
// Minimal hand-written pending-event heaps, used only as yardsticks for
// archsim::EventQueue in the hold-model benchmark. They hold the same 32-byte
// event and use the same (time, seq) order as the engine, so any difference
// in cost comes from the heap code alone. Deliberately plain: no tricks that
// a careful engineer would not write in an afternoon.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace archsim::bench {

struct RefEvent {
  std::int64_t time;      // ns
  std::uint64_t seq;      // scheduling order; breaks ties
  std::uint32_t target;   // carried, not used by the heap
  std::uint32_t kind;     // carried, not used by the heap
  std::uint64_t payload;  // carried, not used by the heap
};
static_assert(sizeof(RefEvent) == 32);

inline bool earlier(const RefEvent& a, const RefEvent& b) {
  return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

// A d-ary min-heap, root at index 0, children of i at d*i+1 .. d*i+d.
template <std::size_t Arity>
class RefHeap {
 public:
  void reserve(std::size_t n) { v_.reserve(n); }
  std::size_t size() const { return v_.size(); }
  const RefEvent& top() const { return v_[0]; }

  void push(const RefEvent& e) {
    std::size_t hole = v_.size();
    v_.push_back(e);
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / Arity;
      if (!earlier(e, v_[parent])) break;
      v_[hole] = v_[parent];
      hole = parent;
    }
    v_[hole] = e;
  }

  void pop() {
    const RefEvent last = v_.back();
    v_.pop_back();
    if (!v_.empty()) sift_down_from_root(last);
  }

  // Pop followed by push, fused: e enters at the root and sinks.
  void replace_top(const RefEvent& e) { sift_down_from_root(e); }

 private:
  void sift_down_from_root(const RefEvent& e) {
    const std::size_t n = v_.size();
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = Arity * hole + 1;
      if (first >= n) break;
      const std::size_t last = first + Arity < n ? first + Arity : n;  // one past
      std::size_t min_child = first;
      for (std::size_t c = first + 1; c < last; ++c)
        if (earlier(v_[c], v_[min_child])) min_child = c;
      if (!earlier(v_[min_child], e)) break;
      v_[hole] = v_[min_child];
      hole = min_child;
    }
    v_[hole] = e;
  }

  std::vector<RefEvent> v_;
};

using RefQuaternaryHeap = RefHeap<4>;
using RefBinaryHeap = RefHeap<2>;

}  // namespace archsim::bench

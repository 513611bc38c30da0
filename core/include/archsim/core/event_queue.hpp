#pragma once
// The pending-event set: a 4-ary min-heap of 32-byte POD events ordered by
// (time, seq). The sequence number makes ties run in scheduling order. After
// the vector has grown to its peak size, no operation allocates.
//
// Events are written and read in 16-byte halves (put(), and the copies the
// compiler makes). A load fed by several narrower stores still in flight, the
// fields of a new event written one by one, cannot take their data on the way
// (store-to-load forwarding) and waits until they reach the cache: tens of
// cycles, in the event loop's read of the next event and in every move of an
// event just scheduled.
#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "archsim/core/sim_time.hpp"

namespace archsim {

struct Event {
  SimTime time;           // when it fires, ns
  std::uint64_t seq;      // scheduling order; breaks ties
  std::uint32_t target;   // handler index in the Simulation
  std::uint32_t kind;     // meaning chosen by the handler
  std::uint64_t payload;  // e.g. a request slot
};
static_assert(sizeof(Event) == 32);
static_assert(offsetof(Event, seq) == 8 && offsetof(Event, target) == 16 && offsetof(Event, kind) == 20 &&
              offsetof(Event, payload) == 24);  // the halves put() writes

// to = e, in two 16-byte stores (above).
inline void put(Event& to, const Event& e) {
#if defined(__SSE2__)
  const __m128i low = _mm_set_epi64x(static_cast<long long>(e.seq), e.time);
  const __m128i high = _mm_set_epi64x(static_cast<long long>(e.payload),
                                      static_cast<long long>(std::uint64_t{e.kind} << 32 | e.target));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&to), low);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&to) + 1, high);
#else
  to = e;
#endif
}

class EventQueue {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void reserve(std::size_t n) { heap_.reserve(n); }
  const Event& top() const { return heap_.front(); }

  void push(Event e) {  // by value: growing the heap would invalidate a reference into it
    heap_.emplace_back();
    sift_up(heap_.size() - 1, e);
  }
  void pop() {
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, last);
  }
  // pop() followed by push(e) in one pass down the heap.
  void replace_top(const Event& e) { sift_down(0, e); }

 private:
  static constexpr std::size_t kArity = 4;
  static bool before(const Event& a, const Event& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  // Places e at hole i and moves it up to its place (never reading it back).
  void sift_up(std::size_t i, const Event& e) {
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    put(heap_[i], e);
  }
  // Places e at hole i and moves it down to its place.
  void sift_down(std::size_t i, const Event& e) {
    const std::size_t n = heap_.size();
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c)
        if (before(heap_[c], heap_[best])) best = c;
      if (!before(heap_[best], e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    put(heap_[i], e);
  }

  std::vector<Event> heap_;
};

}  // namespace archsim

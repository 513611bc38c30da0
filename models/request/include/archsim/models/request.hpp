#pragma once
// A request is one hop: a client's root request, or a call a component makes
// to a dependency (a child, pointing back at its parent). Requests live in a
// pool of slots; events carry the slot index. A client's root and its call to
// the target take turns in one slot (Client::issue and Client::replied): the
// call has its own id and the root's as parent_id, but no parent slot.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "archsim/core/sim_time.hpp"

namespace archsim {

enum class ErrorKind : std::uint8_t { kNone, kTimeout, kRejected, kUnavailable, kCircuitOpen, kDropped, kError };
inline constexpr std::size_t kErrorKinds = 7;
inline constexpr std::array<std::string_view, kErrorKinds> kErrorNames = {
    "none", "timeout", "rejected", "unavailable", "circuit_open", "dropped", "error"};

inline constexpr std::uint32_t kNoSlot = UINT32_MAX;

struct Request {
  std::uint64_t id = 0;              // unique in the run
  std::uint64_t correlation_id = 0;  // the root request's id, shared by every hop
  std::uint64_t parent_id = 0;       // id of the parent when this child was sent
  std::uint64_t call_id = 0;         // non-idempotent calls: the first attempt's id, shared by its retries and hedges
  std::uint64_t sibling_id = 0;      // a hedged attempt's twin (id of the slot in `sibling`)
  std::uint64_t key = 0;
  std::uint64_t version = 0;         // the data version a reply carries (a store sets it; a cache returns the one it holds)
  SimTime start = 0;                 // when the caller issued it
  SimTime arrived = 0;               // when it reached the component serving it
  SimTime deadline = kTimeMax;       // absolute; kTimeMax = none
  SimTime backoff = 0;               // the backoff that preceded this attempt (decorrelated jitter)
  std::uint32_t client = 0;          // component index of the originating client
  std::uint32_t tenant = 0;
  std::uint32_t user = 0;            // closed workloads: the user that issued it
  std::uint32_t active_pos = 0;      // cache: index in its instance's list of requests waiting on the backend
  std::uint32_t parent = kNoSlot;    // slot of the caller's request (kNoSlot for roots and a client's call)
  std::uint32_t sibling = kNoSlot;   // a hedged attempt's twin while both are out
  std::uint32_t caller = 0;          // component index to reply to
  std::uint32_t caller_instance = 0;
  std::uint32_t component = 0;       // component index serving it
  std::uint32_t instance = 0;        // instance of that component
  std::uint16_t op = 0;              // index into the model's operation names
  std::uint16_t attempt = 1;
  std::uint16_t step = 0;            // progress through the serving component's call steps
  std::uint16_t parent_step = 0;     // the parent's step this child belongs to
  std::uint16_t call = 0;            // which call of that step
  std::uint16_t outstanding = 0;     // children of the current step not yet replied
  std::uint16_t succeeded = 0, failed = 0;  // replies of the current step
  ErrorKind error = ErrorKind::kNone;
  ErrorKind child_error = ErrorKind::kNone;  // first failure among the current step's children
  bool abandoned = false;            // the caller timed out: its reply, when it comes, is ignored
  bool not_sent = false;             // refused by the caller's own breaker or bulkhead
  bool hedge = false;                // sent as the hedge of another attempt
  bool effect = false;               // the serving component completed it: its effect happened
  bool corrupted = false;            // a success whose data a response fault corrupted (here or downstream)
  bool from_cache = false;           // the reply was served by a cache, not by its backend
  bool holds_worker = false;         // a service's worker serves it (or waits on its calls)
  std::uint8_t code_version = 0;     // deployments: the version of the serving service's code that handles it
};

// What a reply tells the caller. Components that only pass a request on (balancers, shard
// routers) hand all of it to their own caller: take it before releasing the child's slot.
struct ReplyOutcome {
  ErrorKind error = ErrorKind::kNone;
  std::uint64_t version = 0;
  bool effect = false, corrupted = false, from_cache = false;

  static ReplyOutcome of(const Request& r) { return {r.error, r.version, r.effect, r.corrupted, r.from_cache}; }
  void copy_to(Request& r) const {
    r.error = error;
    r.version = version;
    r.effect = effect;
    r.corrupted = corrupted;
    r.from_cache = from_cache;
  }
};

class RequestPool {
 public:
  std::uint32_t acquire() {
    if (free_.empty()) {
      slots_.emplace_back();
      return static_cast<std::uint32_t>(slots_.size() - 1);
    }
    const std::uint32_t slot = free_.back();
    free_.pop_back();
    slots_[slot] = kFresh;  // a plain copy: building Request{} in place cost about twice as much
    return slot;
  }
  void release(std::uint32_t slot) {
    slots_[slot].id = 0;  // a stale child's parent_id never matches a freed slot
    free_.push_back(slot);
  }
  Request& operator[](std::uint32_t slot) { return slots_[slot]; }
  const Request& operator[](std::uint32_t slot) const { return slots_[slot]; }
  std::size_t in_use() const { return slots_.size() - free_.size(); }
  std::size_t capacity() const { return slots_.size(); }

 private:
  static constexpr Request kFresh{};
  std::vector<Request> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace archsim

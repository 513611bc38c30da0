#pragma once
// The Simulation owns everything a run needs: the clock, the pending-event
// set, the seed for named random streams and the id counters. No globals:
// two simulations can live in one process.
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "archsim/core/event_log.hpp"
#include "archsim/core/event_queue.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/core/sim_time.hpp"

namespace archsim {

// Anything that receives events. One virtual call per event.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void handle(const Event& event) = 0;
  // What the event log calls this handler (a component's name).
  virtual std::string_view log_name() const { return "handler"; }
};

struct Progress {
  SimTime now;               // simulated time reached
  SimTime until;             // the time limit of this run (kTimeMax if none)
  std::uint64_t events;      // events processed so far
  std::uint64_t max_events;  // the event limit (UINT64_MAX if none)
};
// Returns false to stop the run early (e.g. Ctrl-C in Python); what was
// simulated so far is kept.
using ProgressCallback = std::function<bool(const Progress&)>;

struct RunLimits {
  SimTime until = kTimeMax;                // process events with time <= until
  std::uint64_t max_events = UINT64_MAX;  // stop after this many events
};

// kStalled: simulated time stopped advancing (kStallEvents events at one
// instant), e.g. a closed workload with zero think and zero service time.
enum class StopReason { kTimeLimit, kEventLimit, kQueueEmpty, kStopped, kCancelled, kStalled };
inline constexpr std::uint64_t kStallEvents = 10'000'000;
// How often, in events, run() looks for a stall: it stops within twice this
// many events after the kStallEvents-th at one instant.
inline constexpr std::uint64_t kStallCheckEvery = 1u << 16;

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed) : seed_(seed) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  SimTime now() const { return now_; }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t events_processed() const { return events_; }
  std::size_t pending() const { return queue_.size(); }

  // Registers a handler; the returned index is an Event's target.
  std::uint32_t add_handler(EventHandler* handler);

  // Schedules an event at absolute time `at` (>= now, else std::logic_error).
  void schedule_at(SimTime at, std::uint32_t target, std::uint32_t kind, std::uint64_t payload = 0) {
    if (at < now_) throw_past(at);
    const Event e{at, next_seq_++, target, kind, payload};
    if (top_is_spent_) {
      queue_.replace_top(e);  // fused pop + push: one pass down the heap
      top_is_spent_ = false;
    } else {
      queue_.push(e);
    }
  }
  void schedule_in(SimTime delay, std::uint32_t target, std::uint32_t kind, std::uint64_t payload = 0) {
    schedule_at(time_after(now_, delay), target, kind, payload);
  }

  // The stream named `name`, derived from this simulation's seed only.
  Rng stream(std::string_view name) const { return Rng(seed_, name); }
  // Fresh ids (requests, correlation ids, ...): 1, 2, 3, ...
  std::uint64_t next_id() { return ++last_id_; }

  // Calls `callback` every `every_events` events (and once at the end).
  void set_progress(ProgressCallback callback, std::uint64_t every_events = 1u << 18);

  // Runs until the time limit, the event limit, an empty queue or stop().
  // On reaching the time limit the clock is advanced to it.
  StopReason run(const RunLimits& limits = {});
  // Records every event taken from the queue in `log` (nullptr: off, the default).
  void set_event_log(EventLog* log) { event_log_ = log; }
  // Asks the run to stop after the current event.
  void stop() { stop_requested_ = true; }

 private:
  [[noreturn]] void throw_past(SimTime at) const;
  // How run_batch() ended: a StopReason, or at the checkpoint, where run()
  // looks at the limits, a stall and progress once per batch, not per event.
  enum class Batch {
    kTimeLimit = static_cast<int>(StopReason::kTimeLimit),
    kQueueEmpty = static_cast<int>(StopReason::kQueueEmpty),
    kStopped = static_cast<int>(StopReason::kStopped),
    kCheckpoint = -1,
  };
  // Runs events until `checkpoint` events in all, the queue empties, the next
  // event is after `until` or stop(); compiled with and without the event log.
  template <bool kLogged>
  Batch run_batch(SimTime until, std::uint64_t checkpoint);

  std::uint64_t seed_;
  SimTime now_ = 0;
  EventQueue queue_;
  std::vector<EventHandler*> handlers_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t last_id_ = 0;
  std::uint64_t events_ = 0;
  bool top_is_spent_ = false;  // the top event is being handled; the next schedule replaces it
  bool stop_requested_ = false;
  ProgressCallback progress_;
  EventLog* event_log_ = nullptr;
  std::uint64_t progress_every_ = 1u << 18;
};

}  // namespace archsim

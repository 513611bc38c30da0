#pragma once
// Components emit what happened; observers (metrics, traces) subscribe.
// Components never record their own statistics.
#include <cstdint>
#include <string_view>
#include <vector>

#include "archsim/core/sim_time.hpp"
#include "archsim/models/request.hpp"

namespace archsim {

class Component;
class RequestMetrics;

// What a cache did with a request or an entry (models/data).
enum class CacheEvent : std::uint8_t {
  kHit,          // a read served from a fresh entry
  kMiss,         // a read that found no fresh entry
  kCoalesced,    // a miss that joined a fetch already in flight (single-flight); also a miss
  kStaleServed,  // a hit on an expired entry within stale-while-revalidate; also a hit
  kEviction,     // an entry evicted to make room
  kExpired,      // an expired entry dropped
  kRefresh,      // a background refresh sent to the backend
  kFlushed,      // a write-behind write the backend accepted
  kWriteLost,    // a write-behind write lost: the instance crashed before flushing it
};
inline constexpr std::size_t kCacheEvents = 9;

// What a broker did with a message (models/broker). `group` is the consumer
// group, `published` the message's publish time.
enum class BrokerEvent : std::uint8_t {
  kPublished,    // stored in its partition (group unused)
  kDropped,      // its partition was full and the topic drops (group unused)
  kBlocked,      // its partition was full: the producer waits for room (group unused)
  kDelivered,    // handed to a consumer; value: the delivery number (1 = first)
  kFailed,       // a consumer failed to process it (no ack: redelivered after the visibility timeout)
  kProcessed,    // first successful processing; value: deliveries it took
  kDeadLettered, // moved to the dead-letter queue; value: deliveries it took
  kDuplicate,    // processed again after an earlier success; value 1: detected (idempotent), 0: a duplicate effect
  kReprocessed,  // processed again after a crash lost the state holding it (streaming replay)
  kCheckpoint,   // a consumer checkpointed its state; value: messages committed
  kRestored,     // a consumer restarted from its last checkpoint; value: messages to replay
  kWindowEmitted,    // a consumer closed state windows for the first time; value: how many
  kWindowReemitted,  // a replayed consumer closed windows it had emitted before; value: how many
  kLag,          // the group's lag changed; value: messages, oldest: publish time of the oldest (kTimeMax: none)
};
struct BrokerSignal {
  BrokerEvent event;
  std::uint32_t group = 0;
  SimTime published = 0;
  std::uint64_t value = 0;
  SimTime oldest = kTimeMax;
  std::uint32_t partition = 0;  // the message's (kProcessed)
};

// The state of an instance of an autoscaled service (models/service): active
// instances take new requests; a provisioning one takes none until its delay is
// over; a draining one takes none and finishes what it holds, then stops.
enum class InstanceState : std::uint8_t { kActive, kProvisioning, kDraining, kStopped };

// One decision of an autoscaler: from `from` instances (active and provisioning)
// to `to`, because its metric averaged `observed` over the last interval.
struct ScalingSignal {
  std::uint32_t from = 0, to = 0;
  double observed = 0;
};

class Observer {
 public:
  virtual ~Observer() = default;
  // A request reached an instance (for a client: it was issued).
  virtual void on_arrived(const Component&, std::uint32_t /*instance*/, const Request&, SimTime) {}
  // Whether it hears arrived, finished, queue_length and busy. The metrics
  // recorder does not: Signals sends those to its RequestMetrics directly.
  virtual bool observes_requests() const { return true; }
  // A worker picked it up. No built-in observer reads it, so it is sent only
  // to observers that say they do: one virtual call per request saved.
  virtual bool observes_started() const { return false; }
  virtual void on_started(const Component&, std::uint32_t, const Request&, SimTime) {}
  // It completed; request.error says whether it succeeded.
  virtual void on_finished(const Component&, std::uint32_t, const Request&, SimTime) {}
  // An instance sent an attempt of a call to a dependency (attempt > 1: a retry).
  virtual void on_call_sent(const Component&, std::uint32_t, const Request& /*parent*/, const Request& /*attempt*/,
                            SimTime) {}
  // A non-idempotent call's effect happened once more than it should (a second
  // attempt of one logical call completed at the dependency).
  virtual void on_duplicate_effect(const Component&, SimTime) {}
  // The instance's queue length or busy workers changed.
  virtual void on_queue_length(const Component&, std::uint32_t, std::size_t /*length*/, SimTime) {}
  virtual void on_busy(const Component&, std::uint32_t, std::uint32_t /*busy*/, SimTime) {}
  // A store committed `write` (its key and version) and is about to acknowledge it.
  virtual void on_committed(const Component& /*store*/, const Request& /*write*/, SimTime) {}
  // A store lost a committed write (a failover to a replica that never received it).
  virtual void on_write_lost(const Component& /*store*/, std::uint64_t /*key*/, std::uint64_t /*version*/, SimTime) {}
  // A cache instance did something (see CacheEvent).
  virtual void on_cache(const Component&, std::uint32_t, CacheEvent, SimTime) {}
  // A shard router sent a request to shard `shard`.
  virtual void on_routed(const Component&, std::uint32_t /*shard*/, const Request&, SimTime) {}
  // A shard router's shards changed ("start", "add" or "remove" of `shard`); `moved`
  // is the fraction of sampled keys whose shard changed.
  virtual void on_resharded(const Component&, std::string_view /*kind*/, std::uint32_t /*shard*/,
                            const std::vector<std::uint32_t>& /*active*/, double /*moved*/, SimTime) {}
  // A broker did something with a message or a consumer group (see BrokerEvent).
  virtual void on_broker(const Component&, const BrokerSignal&, SimTime) {}
  // An instance of an autoscaled service changed state.
  virtual void on_instance_state(const Component&, std::uint32_t, InstanceState, SimTime) {}
  // An autoscaler changed the number of instances of its service.
  virtual void on_scaled(const Component&, const ScalingSignal&, SimTime) {}
};

// Sends each signal to the observers that hear it. arrived, finished,
// queue_length and busy also go to the request metrics, if set, by a direct
// call rather than a virtual one; those four are defined in component.hpp,
// where Component is complete.
class Signals {
 public:
  void subscribe(Observer* o) {
    observers_.push_back(o);
    if (o->observes_requests()) request_observers_.push_back(o);
    if (o->observes_started()) started_.push_back(o);
  }
  void record_requests_in(RequestMetrics* metrics) { metrics_ = metrics; }
  inline void arrived(const Component& c, std::uint32_t i, const Request& r, SimTime t);
  void started(const Component& c, std::uint32_t i, const Request& r, SimTime t) {
    for (auto* o : started_) o->on_started(c, i, r, t);
  }
  inline void finished(const Component& c, std::uint32_t i, const Request& r, SimTime t);
  void call_sent(const Component& c, std::uint32_t i, const Request& parent, const Request& attempt, SimTime t) {
    for (auto* o : observers_) o->on_call_sent(c, i, parent, attempt, t);
  }
  void duplicate_effect(const Component& c, SimTime t) {
    for (auto* o : observers_) o->on_duplicate_effect(c, t);
  }
  inline void queue_length(const Component& c, std::uint32_t i, std::size_t n, SimTime t);
  inline void busy(const Component& c, std::uint32_t i, std::uint32_t n, SimTime t);
  void committed(const Component& store, const Request& write, SimTime t) {
    for (auto* o : observers_) o->on_committed(store, write, t);
  }
  void write_lost(const Component& store, std::uint64_t key, std::uint64_t version, SimTime t) {
    for (auto* o : observers_) o->on_write_lost(store, key, version, t);
  }
  void cache(const Component& c, std::uint32_t i, CacheEvent e, SimTime t) {
    for (auto* o : observers_) o->on_cache(c, i, e, t);
  }
  void routed(const Component& c, std::uint32_t shard, const Request& r, SimTime t) {
    for (auto* o : observers_) o->on_routed(c, shard, r, t);
  }
  void resharded(const Component& c, std::string_view kind, std::uint32_t shard, const std::vector<std::uint32_t>& active,
                 double moved, SimTime t) {
    for (auto* o : observers_) o->on_resharded(c, kind, shard, active, moved, t);
  }
  void broker(const Component& c, const BrokerSignal& s, SimTime t) {
    for (auto* o : observers_) o->on_broker(c, s, t);
  }
  void instance_state(const Component& c, std::uint32_t i, InstanceState s, SimTime t) {
    for (auto* o : observers_) o->on_instance_state(c, i, s, t);
  }
  void scaled(const Component& c, const ScalingSignal& s, SimTime t) {
    for (auto* o : observers_) o->on_scaled(c, s, t);
  }

 private:
  RequestMetrics* metrics_ = nullptr;
  std::vector<Observer*> observers_;
  std::vector<Observer*> request_observers_;  // those of observers_ whose observes_requests() is true
  std::vector<Observer*> started_;  // those of observers_ whose observes_started() is true
};

}  // namespace archsim

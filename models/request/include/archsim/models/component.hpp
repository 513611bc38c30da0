#pragma once
// Components and the World they share. A component is a named thing with
// instances placed on hosts ("checkout[2]"); it is an EventHandler driven by
// events whose payload is a request slot.
//
// Lifecycle, run by the runner: build (constructors) -> connect (resolve
// targets) -> initialise (first events) -> run -> finalise -> collect.
#include <cstdint>
#include <string>
#include <vector>

#include "archsim/core/simulation.hpp"
#include "archsim/models/network.hpp"
#include "archsim/models/request.hpp"
#include "archsim/models/request_metrics.hpp"
#include "archsim/models/signals.hpp"

namespace archsim {

class Component;

// Event kinds every component understands; component-specific kinds start at kFirstOwnEvent.
enum EventKind : std::uint32_t {
  kArriveEvent = 0,  // payload: a request slot arriving at this component
  kReplyEvent = 1,   // payload: a child request's slot, its reply back at the caller
  kFirstOwnEvent = 16,
};

// Shared state of one run: everything a component may reach.
struct World {
  Simulation& sim;
  Network& network;
  RequestPool requests;
  Signals signals;
  std::vector<Component*> components;     // by component index
  std::vector<std::string> operations;    // op index -> name ("read", "write", ...)
  std::uint64_t root_limit = UINT64_MAX;  // stop after this many client requests complete
  std::uint64_t roots_completed = 0;

  // Delivers request `slot` from an instance of `from` to instance `to_instance`
  // of `to`, after the network transit; a lost message comes back to `from`
  // as a dropped reply.
  //
  // A message with zero transit is handled at once, inside the sender's event,
  // instead of through the queue: the same instant, one heap operation fewer.
  // So a component must hold no reference into `requests` across send() or
  // reply(), and must finish its own bookkeeping before it replies.
  void send(Component& from, std::uint32_t from_instance, std::uint32_t slot, Component& to,
            std::uint32_t to_instance);
  // Sends request `slot`'s reply back to its caller (success or failure as in
  // request.error). `during_arrival`: the reply is decided while handling the
  // arrival (a rejection), when the caller may still be inside its send(); it
  // then always goes through the queue.
  void reply(Component& from, std::uint32_t slot, bool during_arrival = false);
  // A relay (balancer, shard router) got `child`'s reply: frees it and, unless the parent
  // has moved on, hands the whole outcome to the parent and replies to its caller.
  void relay_reply(Component& from, std::uint32_t child);
  // Starts a child of `parent_slot` for the given op; returns its slot.
  std::uint32_t make_child(std::uint32_t parent_slot, std::uint16_t op);
  // Counts a completed client request; stops the run at root_limit.
  void root_completed() {
    if (++roots_completed >= root_limit) sim.stop();
  }
};

class Component : public EventHandler {
 public:
  Component(World& world, std::string name, std::string kind, std::vector<std::uint32_t> hosts);

  const std::string& name() const { return name_; }
  std::string_view log_name() const override { return name_; }
  const std::string& kind() const { return kind_; }
  std::uint32_t index() const { return index_; }
  std::uint32_t handler() const { return handler_; }
  std::uint32_t instances() const { return static_cast<std::uint32_t>(hosts_.size()); }
  std::uint32_t host(std::uint32_t instance) const { return hosts_[instance]; }
  std::string instance_name(std::uint32_t instance) const;
  // Workers per instance (0 for components that do not queue).
  virtual std::uint32_t workers() const { return 0; }
  // The instances that take new requests, ascending; nullptr: all of them. An
  // autoscaled service changes the set during a run; pickers follow it.
  virtual const std::vector<std::uint32_t>* active_instances() const { return nullptr; }
  // The instance that serves a request its caller addressed to instance
  // `picked`. A component that routes by itself (a replicated store sends
  // writes to its primary) overrides it; World::send asks before the transit.
  virtual std::uint32_t route(const Request&, std::uint32_t /*from_host*/, std::uint32_t picked) { return picked; }
  // Whether this component reads requests' keys (a cache, a store, a shard
  // router, a broker). Clients draw keys only if some component does: with none,
  // a key is never seen, and drawing it cost an M/M/1 customer 2 % of its
  // instructions (docs/performance.md). True unless a kind says otherwise, so a
  // new kind that reads keys gets them.
  virtual bool reads_keys() const { return true; }
  // A request (arrive_now) or a child's reply (reply_now) that World delivers in
  // the current instant, without a queued event. The default handles the
  // equivalent kArriveEvent or kReplyEvent. The service and the client override
  // them to go straight to their code: handle()'s switch over event kinds, taken
  // alternately by queued and direct events, is a jump that the CPU mispredicts.
  virtual void arrive_now(std::uint32_t slot);
  virtual void reply_now(std::uint32_t slot);

  // Lifecycle hooks.
  virtual void connect() {}
  virtual void initialise() {}
  virtual void finalise() {}

  Rng& network_rng() { return network_rng_; }
  // Registered by the runner.
  void attach(std::uint32_t index, std::uint32_t handler) {
    index_ = index;
    handler_ = handler;
  }

 protected:
  World& world_;

 private:
  std::string name_, kind_;
  std::vector<std::uint32_t> hosts_;
  std::uint32_t index_ = 0, handler_ = 0;
  Rng network_rng_;
};

// A component whose instances can crash and restart (the Crash fault).
class Crashable {
 public:
  // Fails the instance's in-flight requests with "unavailable" and refuses
  // arrivals until restart(); returns how many requests it failed.
  virtual std::uint64_t crash(std::uint32_t instance) = 0;
  virtual void restart(std::uint32_t instance) = 0;
  // Arrivals the instance refused while down, over the whole run.
  virtual std::uint64_t refused(std::uint32_t instance) const = 0;

 protected:
  ~Crashable() = default;
};

// send and reply are inlined into their callers: every hop of every request
// passes through both, and as calls they cost 59 of an M/M/1 customer's 1,224
// instructions (docs/performance.md). Defined here, where Component is complete.
[[gnu::always_inline]] inline void World::send(Component& from, std::uint32_t from_instance, std::uint32_t slot,
                                               Component& to, std::uint32_t to_instance) {
  Request& r = requests[slot];
  to_instance = to.route(r, from.host(from_instance), to_instance);
  r.caller = from.index();
  r.caller_instance = from_instance;
  r.component = to.index();
  r.instance = to_instance;
  r.start = sim.now();
  const Transit t = network.transit(from.host(from_instance), to.host(to_instance), from.network_rng());
  if (t.lost) {
    r.error = ErrorKind::kDropped;
    sim.schedule_in(t.delay, from.handler(), kReplyEvent, slot);
  } else if (t.delay == 0) {
    to.arrive_now(slot);
  } else {
    sim.schedule_in(t.delay, to.handler(), kArriveEvent, slot);
  }
}

[[gnu::always_inline]] inline void World::reply(Component& from, std::uint32_t slot, bool during_arrival) {
  Request& r = requests[slot];
  Component& caller = *components[r.caller];
  const Transit t = network.transit(from.host(r.instance), caller.host(r.caller_instance), from.network_rng());
  if (t.lost) r.error = ErrorKind::kDropped;
  if (t.delay == 0 && !during_arrival)
    caller.reply_now(slot);
  else
    sim.schedule_in(t.delay, caller.handler(), kReplyEvent, slot);
}

// The signals the request metrics hear (signals.hpp), defined here where
// Component is complete.
inline void Signals::arrived(const Component& c, std::uint32_t i, const Request& r, SimTime t) {
  if (metrics_) metrics_->arrived(c.index(), i, r, t);
  for (auto* o : request_observers_) o->on_arrived(c, i, r, t);
}
inline void Signals::finished(const Component& c, std::uint32_t i, const Request& r, SimTime t) {
  if (metrics_) metrics_->finished(c.index(), i, r, t);
  for (auto* o : request_observers_) o->on_finished(c, i, r, t);
}
// queue_length and busy update one time average each: always inlined, since a
// call would cost about as much (GCC leaves them out of line otherwise).
[[gnu::always_inline]] inline void Signals::queue_length(const Component& c, std::uint32_t i, std::size_t n,
                                                         SimTime t) {
  if (metrics_) metrics_->queue_length(c.index(), i, n, t);
  for (auto* o : request_observers_) o->on_queue_length(c, i, n, t);
}
[[gnu::always_inline]] inline void Signals::busy(const Component& c, std::uint32_t i, std::uint32_t n, SimTime t) {
  if (metrics_) metrics_->busy(c.index(), i, n, t);
  for (auto* o : request_observers_) o->on_busy(c, i, n, t);
}

}  // namespace archsim

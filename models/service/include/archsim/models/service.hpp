#pragma once
// A service: `instances` x `workers`, a FIFO queue per instance with an
// optional limit, a service time per operation, then downstream calls made as
// a sequence of steps; each step is one call or several in parallel that
// waits for all, the first, or k of n replies. A worker is held from the start
// of service until the last step completes (a thread blocked on its calls).
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/draw_ahead.hpp"
#include "archsim/core/histogram.hpp"
#include "archsim/models/autoscale_policy.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/instance_picker.hpp"
#include "archsim/models/retry_policy.hpp"
#include "archsim/models/tenant_quota.hpp"
#include "archsim/models/wait_queue.hpp"
#include "archsim/models/token_bucket.hpp"
#include "archsim/models/version_split.hpp"

namespace archsim {

enum class WaitMode : std::uint8_t { kAll, kFirst, kQuorum };

struct CallConfig {
  std::uint32_t target = 0;  // component index
  int op = -1;               // op index sent downstream; -1 = the incoming request's op
  Strategy strategy = Strategy::kRoundRobin;
  CallPolicy policy;  // timeout and retries of each attempt
};

struct StepConfig {
  std::vector<CallConfig> calls;  // more than one = in parallel
  WaitMode wait = WaitMode::kAll;
  std::uint32_t k = 0;  // kQuorum: replies needed
  std::uint32_t needed() const {
    return wait == WaitMode::kAll ? static_cast<std::uint32_t>(calls.size()) : wait == WaitMode::kFirst ? 1 : k;
  }
};

struct ServiceConfig {
  std::uint32_t workers = 1;
  std::int64_t queue_limit = -1;                  // waiting requests per instance; -1 = unbounded
  Distribution service_time;                      // seconds
  std::vector<std::optional<Distribution>> per_op;  // by op index; overrides service_time
  std::vector<StepConfig> steps;
  double error_probability = 0;  // a request fails with "error" after its service time
  RateLimitConfig rate_limit;     // refused arrivals fail with "rejected"
  SimTime max_queue_time = kTimeMax;  // load shedding: waited longer -> "rejected" when a worker frees
  // Adaptive LIFO: while more than this many requests wait, a free worker takes
  // the newest (it can still meet its caller's deadline); -1: always FIFO.
  std::int64_t lifo_above = -1;
  // Backpressure: an instance whose queue reaches `high` waiting requests is
  // "pressing" until it is down to `low`; services calling it send to an
  // instance that is not pressing, or hold the attempt (and their worker)
  // until one stops. -1: never.
  std::int64_t backpressure_high = -1, backpressure_low = -1;
  // Autoscaling: the service has autoscale.max instances (placed up front), of
  // which autoscale.initial are active at the start; an Autoscaler changes the set.
  AutoscaleConfig autoscale;
  std::vector<TenantQuota> tenant_quotas;  // by tenant id; refused arrivals fail with "rejected"
  bool fair_queueing = false;  // serve waiting requests in round robin over tenants (not with lifo_above)
};

// What faults did to one instance, for the fault log.
struct InstanceFaultCounts {
  std::uint64_t refused = 0;  // arrivals refused while it was down
  std::uint64_t slowed = 0;   // requests served with a slow factor
  std::uint64_t dropped = 0, errored = 0, corrupted = 0;  // responses a response fault changed
};

enum class ResponseFault : std::uint8_t { kDrop, kError, kCorrupt };

class Service final : public Component, public Crashable {
 public:
  Service(World& world, std::string name, std::vector<std::uint32_t> hosts, ServiceConfig config);
  std::uint32_t workers() const override { return config_.workers; }

  // Faults. A crash fails the instance's queued and in-service requests with
  // "unavailable" (the fault log gets their number) and refuses arrivals until
  // restart(); crashes nest (a scheduled and a random crash may overlap), the
  // instance is up again when each has restarted. A slow factor multiplies
  // service times drawn from now on. A response fault, with its probability,
  // loses a successful response on its way back ("dropped" at the caller),
  // fails the request with "error" after its service time, or marks the
  // response corrupted (a success carrying bad data); probability 0 ends it.
  std::uint64_t crash(std::uint32_t instance) override;
  void restart(std::uint32_t instance) override;
  void set_slow_factor(std::uint32_t instance, double factor);
  void set_response_fault(std::uint32_t instance, ResponseFault kind, double probability);
  const InstanceFaultCounts& fault_counts(std::uint32_t instance) const { return instances_[instance].faults; }
  std::uint64_t refused(std::uint32_t instance) const override { return instances_[instance].faults.refused; }
  void connect() override;
  void initialise() override;
  bool pressing(std::uint32_t instance) const { return instances_[instance].pressing; }
  void handle(const Event& event) override;
  void arrive_now(std::uint32_t slot) override;
  void reply_now(std::uint32_t slot) override;
  bool reads_keys() const override { return false; }  // it passes them on to its calls

  // Autoscaling (config.autoscale.enabled). Instances not active take no new
  // requests but serve whatever reaches them; a draining instance stops when idle.
  const ServiceConfig& config() const { return config_; }
  const std::vector<std::uint32_t>* active_instances() const override {
    return config_.autoscale.enabled ? &active_ : nullptr;
  }
  InstanceState state(std::uint32_t instance) const { return instances_[instance].state; }
  std::uint32_t count(InstanceState s) const;
  // One more instance: a draining one takes requests again at once (returns
  // nullopt), else the lowest-numbered stopped one starts provisioning (returned).
  std::optional<std::uint32_t> scale_up();
  // The provisioning delay of `instance` is over: it becomes active, unless
  // scale_down cancelled it since (its generation changed).
  void provisioned(std::uint32_t instance, std::uint32_t generation);
  std::uint32_t generation(std::uint32_t instance) const { return instances_[instance].generation; }
  // One instance fewer: the highest-numbered provisioning one is cancelled,
  // else the highest-numbered active one drains.
  void scale_down();

  // Deployments (version_split.hpp). Version 0 is the service's own configuration;
  // add_version returns the new version's index. set_split routes the requests that
  // arrive from now on between two versions. add_flag returns the flag's index.
  std::uint8_t add_version(VersionBehaviour version);
  VersionBehaviour own_version() const { return {"", config_.service_time, config_.per_op, config_.error_probability}; }
  void set_split(const TrafficSplit& split) { split_ = split; }
  const TrafficSplit& split() const { return split_; }
  std::size_t add_flag(FlagEffect flag);
  void set_flag(std::size_t flag, bool on);

 private:
  enum : std::uint32_t {
    kWorkDone = kFirstOwnEvent,
    kRetry,    // payload: a prepared attempt's slot, sent when its backoff ends
    kTimeout,  // payload: attempt slot | (low 32 bits of its id) << 32
    kHedge,    // payload as kTimeout: hedge the attempt if it is still out
    kRelieved,  // payload: index of a callee whose instance stopped pressing
  };
  // Payload tag of a timer about request `slot`: a timer outliving its request is
  // recognised by the id (32 bits: a slot would need 2^32 newer requests to alias).
  std::uint64_t tag(std::uint32_t slot) const { return (world_.requests[slot].id & 0xFFFFFFFFull) << 32 | slot; }
  bool tag_current(std::uint64_t tag) const {
    const Request& r = world_.requests[static_cast<std::uint32_t>(tag & 0xFFFFFFFFull)];
    return r.id != 0 && (r.id & 0xFFFFFFFFull) == tag >> 32;
  }
  static constexpr std::uint16_t kFinishedStep = UINT16_MAX;
  struct Instance {
    std::uint32_t busy = 0;
    WaitQueue queue;  // waiting request slots
    Rng service_rng;
    Rng error_rng;
    Rng fault_rng;                      // response faults
    std::uint32_t down = 0;             // crashes in effect; up when 0
    bool pressing = false;              // backpressure: callers hold their attempts
    double slow_factor = 1.0;
    std::array<double, 3> response_fault{};  // probability by ResponseFault
    InstanceFaultCounts faults;
    InstanceState state = InstanceState::kActive;
    std::uint32_t generation = 0;  // bumped when a provisioning is cancelled
    DrawAhead service_time_ahead{};  // used while draw_ahead_
  };
  struct Edge {  // state of one call of one step: budget counts, breaker, bulkhead, hedging
    std::uint64_t first_attempts = 0, retries = 0;
    std::uint32_t in_flight = 0;
    CircuitBreaker breaker;
    Histogram latency{5};             // successful attempts' latency, ns (percentile hedging)
    SimTime hedge_after = kTimeMax;   // the current percentile; kTimeMax until enough replies
    std::uint32_t since_update = 0;   // replies since hedge_after was computed
  };
  struct Outcome {  // how one attempt of a call ended
    std::uint16_t call, attempt;
    SimTime backoff;
    ErrorKind error;
    bool corrupted;
    std::uint64_t call_id;
  };
  struct CallEffects {  // a non-idempotent call: attempts not yet settled, completed ones
    std::uint32_t pending = 0, applied = 0;
  };

  // The steps every request takes (arrive, start, run_step, start_next) are
  // inlined into their few callers in service.cpp: a call each cost more than
  // the work (1,908 -> 1,803 instructions per M/M/1 customer with the client's).
  //
  // Each exists twice. With kPlain false it is the general path: it tests for
  // every feature a request may meet. With kPlain true, the same code without
  // those tests, for a service that uses none of the features (plain_, see
  // refresh_plain): the tests would all fail, so both paths do the same.
  template <bool kPlain>
  [[gnu::always_inline]] inline void arrive(std::uint32_t slot);
  // The rate limit. The checks below run per request with the feature usually
  // off: inline, each costs a test, not a call.
  bool admit(const Request& r, SimTime now) { return config_.rate_limit.rate <= 0 || take_token(r, now); }
  bool take_token(const Request& r, SimTime now);
  // A worker is free: serve the queue, shedding stale requests; true if a queued request took it.
  template <bool kPlain>
  [[gnu::always_inline]] inline bool start_next(std::uint32_t instance);
  // `handed_over`: the worker was freed by a completion in this same instant (no busy signal).
  template <bool kPlain>
  [[gnu::always_inline]] inline void start(std::uint32_t slot, bool handed_over = false);
  // The service time of request `timer` (a tag()) is over: fail it or start its calls.
  template <bool kPlain>
  [[gnu::always_inline]] inline void work_done(std::uint64_t timer);
  template <bool kPlain>
  [[gnu::always_inline]] inline void run_step(std::uint32_t slot);
  // Whether the plain path may run: no feature below is in use. Called at
  // initialise(), whenever a fault changes an instance, and when a deployment
  // adds a version or a flag.
  void refresh_plain();
  void send_attempt(std::uint32_t attempt);
  // Picks the target instance and sends, or holds the attempt while every
  // instance of a callee with backpressure is pressing.
  void route(std::uint32_t attempt);
  void relieved(std::uint32_t callee);   // send held attempts to `callee` while it accepts
  void update_pressure(std::uint32_t instance) {  // after the queue changed
    if (config_.backpressure_high >= 0) recheck_pressure(instance);
  }
  void recheck_pressure(std::uint32_t instance);
  void child_replied(std::uint32_t child);
  void timed_out(std::uint64_t payload);
  // An attempt of call `call` of the parent's current step ended with `error`:
  // retry it, or count it towards the step's outcome.
  void attempt_ended(std::uint32_t parent, const Outcome& outcome);
  void hedge(std::uint64_t timer);
  // A hedged attempt's twin if it is still out (not replied, not timed out), else kNoSlot.
  std::uint32_t live_sibling(const Request& attempt) const;
  void observe_latency(const Request& attempt);
  // An attempt of non-idempotent call `call_id` is done with; `effect`: it completed downstream.
  void settle_effect(std::uint64_t call_id, bool effect);
  // Applies an active drop or corrupt response fault to a successful reply.
  void fault_response(Instance& inst, Request& r) {
    if (inst.response_fault[static_cast<std::size_t>(ResponseFault::kDrop)] > 0 ||
        inst.response_fault[static_cast<std::size_t>(ResponseFault::kCorrupt)] > 0)
      apply_response_fault(inst, r);
  }
  void apply_response_fault(Instance& inst, Request& r);
  bool parent_waits_for(const Request& child) const;
  // An attempt that went out has ended (reply or timeout): free its bulkhead
  // slot and tell the breaker.
  void attempt_settled(const Request& attempt, bool success);
  template <bool kPlain>
  void complete(std::uint32_t slot, ErrorKind error);
  void release_worker(Instance& inst, Request& r);
  void set_state(std::uint32_t instance, InstanceState s);
  void stop_if_drained(std::uint32_t instance);
  // Position k among the instances taking new requests of `callee`, and their number.
  static std::uint32_t candidate(const Service& callee, std::uint32_t k);
  static std::uint32_t candidates(const Service& callee);

  ServiceConfig config_;
  std::vector<Instance> instances_;
  // One picker per (target, strategy): the calls of a parallel group to one
  // target spread over its instances instead of each starting at instance 0.
  std::vector<InstancePicker> pickers_;
  std::vector<std::vector<std::uint32_t>> picker_of_;  // [step][call] -> index in pickers_
  std::vector<std::vector<Edge>> edges_;               // [step][call]
  std::vector<TokenBucket> buckets_;                   // one, or one per tenant (grown on demand)
  TenantQuotas quotas_;
  Rng backoff_rng_;
  std::unordered_map<std::uint64_t, CallEffects> effects_;  // by call_id; looked up, never iterated
  std::vector<std::vector<Service*>> pressure_of_;  // [step][call] -> the callee if it has backpressure
  std::vector<Service*> callers_;
  std::size_t relieve_turn_ = 0;  // which caller resumes first when an instance stops pressing                           // services that call this one (backpressure)
  std::map<std::uint32_t, std::deque<std::uint32_t>> held_;  // callee index -> attempts held, FIFO
  std::vector<std::uint32_t> active_;  // autoscaling: active instances, ascending
  // Every request has the same service-time distribution (no per-op times, no
  // deployment changes them), so each instance can draw its next service time
  // one request early (draw_ahead.hpp); decided in initialise().
  bool draw_ahead_ = false;
  // The features the plain path leaves out are all off: no rate limit, tenant
  // quota, queue limit, adaptive LIFO, shedding, backpressure, autoscaling,
  // error probability, deployment version or flag; service times drawn ahead;
  // no instance down, slowed or with a response fault.
  bool plain_ = false;

  // Deployments: empty (and never consulted) until a deployment adds a version or a flag,
  // so a service without one draws no extra random numbers.
  std::uint8_t pick_version(SimTime now);
  // A deployment has added a version or switched a flag on: the per-request
  // lookups below must consult them.
  bool deployed() const { return flags_on_ != 0 || !versions_.empty(); }
  const Distribution& service_time_for(const Request& r) const {
    return deployed() ? deployed_service_time(r) : time_for_op(config_.per_op, config_.service_time, r.op);
  }
  const Distribution& deployed_service_time(const Request& r) const;
  double error_probability_for(const Request& r) const {
    return deployed() ? deployed_error_probability(r) : config_.error_probability;
  }
  double deployed_error_probability(const Request& r) const;
  std::vector<VersionBehaviour> versions_;  // [0]: the service's own configuration
  TrafficSplit split_;
  std::optional<Rng> version_rng_;  // "<service>/versions": the version of each request
  std::vector<FlagEffect> flags_;
  std::size_t flags_on_ = 0;
};

}  // namespace archsim

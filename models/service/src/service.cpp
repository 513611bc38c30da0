#include "archsim/models/service.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace archsim {

Service::Service(World& world, std::string name, std::vector<std::uint32_t> hosts, ServiceConfig config)
    : Component(world, std::move(name), "service", std::move(hosts)),
      config_(std::move(config)),
      quotas_(config_.tenant_quotas),
      backoff_rng_(world.sim.stream(this->name() + "/backoff")) {
  for (std::uint32_t i = 0; i < instances(); ++i) {
    instances_.push_back(Instance{0, WaitQueue(config_.fair_queueing),
                                  world.sim.stream(instance_name(i) + "/service_time"),
                                  world.sim.stream(instance_name(i) + "/errors"),
                                  world.sim.stream(instance_name(i) + "/response_faults"), 0, false, 1.0, {}, {}});
  }
  if (config_.autoscale.enabled) {
    for (std::uint32_t i = 0; i < instances(); ++i) {
      if (i < config_.autoscale.initial) active_.push_back(i);
      else instances_[i].state = InstanceState::kStopped;
    }
  }
  for (const StepConfig& step : config_.steps) {
    auto& row = edges_.emplace_back();
    for (const CallConfig& call : step.calls) {
      row.emplace_back();
      row.back().breaker = CircuitBreaker(call.policy.breaker);
    }
  }
}

void Service::connect() {
  std::vector<std::pair<std::uint32_t, Strategy>> keys;  // of pickers_, same order
  for (const StepConfig& step : config_.steps) {
    auto& row = picker_of_.emplace_back();
    auto& pressure_row = pressure_of_.emplace_back();
    for (const CallConfig& call : step.calls) {
      const std::pair key{call.target, call.strategy};
      auto it = std::find(keys.begin(), keys.end(), key);
      if (it == keys.end()) {
        const Component& target = *world_.components[call.target];
        pickers_.emplace_back(call.strategy, target.instances(),
                              world_.sim.stream(name() + "/balance/" + target.name() + "/" +
                                                std::string(strategy_name(call.strategy))),
                              target.active_instances());
        keys.push_back(key);
        it = keys.end() - 1;
      }
      row.push_back(static_cast<std::uint32_t>(it - keys.begin()));
      auto* callee = dynamic_cast<Service*>(world_.components[call.target]);  // once, at connect
      if (callee != nullptr && callee->config_.backpressure_high < 0) callee = nullptr;
      pressure_row.push_back(callee);
      if (callee != nullptr && std::find(callee->callers_.begin(), callee->callers_.end(), this) == callee->callers_.end())
        callee->callers_.push_back(this);
    }
  }
}

void Service::handle(const Event& event) {
  const auto slot = static_cast<std::uint32_t>(event.payload & 0xFFFFFFFFull);
  switch (event.kind) {
    case kArriveEvent: arrive_now(slot); break;
    case kWorkDone: plain_ ? work_done<true>(event.payload) : work_done<false>(event.payload); break;
    case kReplyEvent: child_replied(slot); break;
    case kRetry:
      if (parent_waits_for(world_.requests[slot])) {
        send_attempt(slot);
      } else {
        const std::uint64_t call_id = world_.requests[slot].call_id;
        world_.requests.release(slot);  // the step was decided while this retry waited
        if (call_id != 0) settle_effect(call_id, false);
      }
      break;
    case kTimeout: timed_out(event.payload); break;
    case kHedge: hedge(event.payload); break;
    case kRelieved: relieved(static_cast<std::uint32_t>(event.payload)); break;
    default: break;
  }
}

void Service::arrive_now(std::uint32_t slot) { plain_ ? arrive<true>(slot) : arrive<false>(slot); }

void Service::reply_now(std::uint32_t slot) { child_replied(slot); }

template <bool kPlain>
void Service::arrive(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  const SimTime now = world_.sim.now();
  r.arrived = now;
  if (!kPlain && !versions_.empty()) r.code_version = pick_version(now);
  world_.signals.arrived(*this, r.instance, r, now);
  Instance& inst = instances_[r.instance];
  if (!kPlain && inst.state == InstanceState::kStopped)
    set_state(r.instance, InstanceState::kDraining);  // sent before it stopped
  if (!kPlain && (!admit(r, now) || !quotas_.admit(r.tenant, now))) {
    r.error = ErrorKind::kRejected;
    world_.signals.finished(*this, r.instance, r, now);
    world_.reply(*this, slot, /*during_arrival=*/true);
  } else if (!kPlain && inst.down > 0) {
    ++inst.faults.refused;
    r.error = ErrorKind::kUnavailable;
    world_.signals.finished(*this, r.instance, r, now);
    world_.reply(*this, slot, /*during_arrival=*/true);
  } else if (inst.busy < config_.workers) {
    if (!kPlain) quotas_.entered(r.tenant);
    start<kPlain>(slot);
  } else if (kPlain || config_.queue_limit < 0 ||
             static_cast<std::int64_t>(inst.queue.size()) < config_.queue_limit) {
    if (!kPlain) quotas_.entered(r.tenant);
    inst.queue.push(slot, r.tenant);
    world_.signals.queue_length(*this, r.instance, inst.queue.size(), now);
    if (!kPlain) update_pressure(r.instance);
  } else {
    r.error = ErrorKind::kRejected;
    world_.signals.finished(*this, r.instance, r, now);
    world_.reply(*this, slot, /*during_arrival=*/true);
  }
}

template <bool kPlain>
void Service::start(std::uint32_t slot, bool handed_over) {
  Request& r = world_.requests[slot];
  Instance& inst = instances_[r.instance];
  const SimTime now = world_.sim.now();
  r.holds_worker = true;
  ++inst.busy;
  if (!handed_over) world_.signals.busy(*this, r.instance, inst.busy, now);
  world_.signals.started(*this, r.instance, r, now);
  SimTime duration;
  if constexpr (kPlain) {  // drawn ahead, and the slow factor is 1
    duration = inst.service_time_ahead.take_time(config_.service_time, inst.service_rng);
  } else {
    if (inst.slow_factor != 1.0) ++inst.faults.slowed;
    double seconds = draw_ahead_ ? inst.service_time_ahead.take(config_.service_time, inst.service_rng)
                                 : service_time_for(r).sample(inst.service_rng);
    seconds *= inst.slow_factor;
    if (flags_on_ > 0)
      for (FlagEffect& f : flags_)
        if (f.on && f.extra_time) seconds += f.extra_time->sample(f.rng) * inst.slow_factor;
    duration = draw_to_time(seconds);
  }
  world_.sim.schedule_in(duration, handler(), kWorkDone, tag(slot));
}

template <bool kPlain>
void Service::work_done(std::uint64_t timer) {
  const auto slot = static_cast<std::uint32_t>(timer & 0xFFFFFFFFull);
  if (!tag_current(timer) || world_.requests[slot].step == kFinishedStep) return;  // failed by a crash
  Request& r = world_.requests[slot];
  if constexpr (!kPlain) {
    Instance& inst = instances_[r.instance];
    const double error_probability = error_probability_for(r);
    if (error_probability > 0 && inst.error_rng.bernoulli(error_probability)) {
      complete<false>(slot, ErrorKind::kError);
      return;
    }
    const double fault_error = inst.response_fault[static_cast<std::size_t>(ResponseFault::kError)];
    if (fault_error > 0 && inst.fault_rng.bernoulli(fault_error)) {
      ++inst.faults.errored;
      complete<false>(slot, ErrorKind::kError);
      return;
    }
  }
  r.step = 0;
  run_step<kPlain>(slot);
}

template <bool kPlain>
void Service::run_step(std::uint32_t slot) {
  const std::uint16_t step = world_.requests[slot].step;
  if (step >= config_.steps.size()) {
    complete<kPlain>(slot, ErrorKind::kNone);
    return;
  }
  const StepConfig& cfg = config_.steps[step];
  {
    Request& r = world_.requests[slot];
    r.outstanding = static_cast<std::uint16_t>(cfg.calls.size());
    r.succeeded = r.failed = 0;
    r.child_error = ErrorKind::kNone;
  }
  for (std::size_t c = 0; c < cfg.calls.size(); ++c) {
    const CallConfig& call = cfg.calls[c];
    const std::uint16_t op = call.op >= 0 ? static_cast<std::uint16_t>(call.op) : world_.requests[slot].op;
    const std::uint32_t child = world_.make_child(slot, op);  // may grow the pool: no references held
    Request& attempt = world_.requests[child];
    attempt.call = static_cast<std::uint16_t>(c);
    if (!call.policy.idempotent) {
      attempt.call_id = attempt.id;
      ++effects_[attempt.id].pending;
    }
    ++edges_[step][c].first_attempts;
    send_attempt(child);
  }
}

bool Service::parent_waits_for(const Request& child) const {
  const Request& p = world_.requests[child.parent];
  return p.id == child.parent_id && p.step == child.parent_step;
}

void Service::send_attempt(std::uint32_t attempt) {
  Request& a = world_.requests[attempt];
  const CallConfig& call = config_.steps[a.parent_step].calls[a.call];
  Edge& edge = edges_[a.parent_step][a.call];
  const SimTime now = world_.sim.now();
  const bool bulkhead_full = call.policy.max_in_flight > 0 && edge.in_flight >= call.policy.max_in_flight;
  if (bulkhead_full || !edge.breaker.allow(now)) {
    // Refused here: fails at once, but through the queue, since the step may be mid-loop.
    a.error = bulkhead_full ? ErrorKind::kRejected : ErrorKind::kCircuitOpen;
    a.not_sent = true;
    world_.sim.schedule_in(0, handler(), kReplyEvent, attempt);
    return;
  }
  ++edge.in_flight;
  const std::uint32_t from = world_.requests[a.parent].instance;
  world_.signals.call_sent(*this, from, world_.requests[a.parent], a, world_.sim.now());
  if (call.policy.timeout != kTimeMax) world_.sim.schedule_in(call.policy.timeout, handler(), kTimeout, tag(attempt));
  if (call.policy.hedged() && !a.hedge) {
    const SimTime after = call.policy.hedge_delay != kTimeMax ? call.policy.hedge_delay : edge.hedge_after;
    if (after != kTimeMax) world_.sim.schedule_in(after, handler(), kHedge, tag(attempt));
  }
  route(attempt);
}

void Service::route(std::uint32_t attempt) {
  const Request& a = world_.requests[attempt];
  const CallConfig& call = config_.steps[a.parent_step].calls[a.call];
  InstancePicker& picker = pickers_[picker_of_[a.parent_step][a.call]];
  std::uint32_t to = picker.pick();
  Component& target = *world_.components[call.target];
  if (Service* callee = pressure_of_[a.parent_step][a.call]; callee != nullptr && callee->pressing(to)) {
    const std::uint32_t n = candidates(*callee);
    std::uint32_t start = 0;  // the picked instance's position among the candidates
    while (candidate(*callee, start) != to) ++start;
    std::uint32_t k = 1;
    while (k < n && callee->pressing(candidate(*callee, (start + k) % n))) ++k;
    if (k == n) {  // every instance is pressing: hold it here, with the worker waiting on it
      held_[call.target].push_back(attempt);
      return;
    }
    to = candidate(*callee, (start + k) % n);
  }
  picker.sent(to);
  world_.send(*this, world_.requests[a.parent].instance, attempt, target, to);
}

void Service::relieved(std::uint32_t callee) {
  const auto it = held_.find(callee);
  if (it == held_.end()) return;
  std::deque<std::uint32_t> waiting;
  waiting.swap(it->second);
  held_.erase(it);
  for (const std::uint32_t slot : waiting) {  // route() holds them again if the callee fills up
    Request& a = world_.requests[slot];
    if (a.abandoned || !parent_waits_for(a)) {  // timed out, lost to a twin, or its step is decided
      if (!a.abandoned) --edges_[a.parent_step][a.call].in_flight;
      const std::uint64_t call_id = a.call_id;
      world_.requests.release(slot);
      if (call_id != 0) settle_effect(call_id, false);
      continue;
    }
    route(slot);
  }
}

void Service::recheck_pressure(std::uint32_t i) {
  Instance& inst = instances_[i];
  const auto waiting = static_cast<std::int64_t>(inst.queue.size());
  if (!inst.pressing && waiting >= config_.backpressure_high) {
    inst.pressing = true;
  } else if (inst.pressing && waiting <= config_.backpressure_low) {
    inst.pressing = false;  // through the queue: callers may be inside a send to this service
    // The caller told first refills the queue first: rotate, so that no caller starves.
    const std::size_t n = callers_.size();
    for (std::size_t k = 0; k < n; ++k)
      world_.sim.schedule_in(0, callers_[(relieve_turn_ + k) % n]->handler(), kRelieved, index());
    if (n > 0) relieve_turn_ = (relieve_turn_ + 1) % n;
  }
}

void Service::timed_out(std::uint64_t timer) {
  if (!tag_current(timer)) return;  // the attempt already replied
  Request& a = world_.requests[static_cast<std::uint32_t>(timer & 0xFFFFFFFFull)];
  if (a.abandoned) return;
  a.abandoned = true;  // the dependency still holds it; its late reply is dropped here
  attempt_settled(a, false);
  if (!parent_waits_for(a)) return;
  if (const std::uint32_t twin = live_sibling(a); twin != kNoSlot) {
    world_.requests[twin].sibling = kNoSlot;  // the twin carries on alone
    return;
  }
  attempt_ended(a.parent, Outcome{a.call, a.attempt, a.backoff, ErrorKind::kTimeout, false, a.call_id});
}

std::uint32_t Service::live_sibling(const Request& a) const {
  if (a.sibling == kNoSlot) return kNoSlot;
  const Request& s = world_.requests[a.sibling];
  return s.id == a.sibling_id && !s.abandoned ? a.sibling : kNoSlot;
}

void Service::hedge(std::uint64_t timer) {
  if (!tag_current(timer)) return;  // the attempt replied
  const auto slot = static_cast<std::uint32_t>(timer & 0xFFFFFFFFull);
  const Request& a = world_.requests[slot];
  if (a.abandoned || a.sibling != kNoSlot || !parent_waits_for(a)) return;
  const Outcome o{a.call, a.attempt, a.backoff, ErrorKind::kNone, false, a.call_id};
  const std::uint32_t h = world_.make_child(a.parent, a.op);  // may grow the pool: `a` is stale now
  Request& twin = world_.requests[h];
  twin.call = o.call;
  twin.attempt = o.attempt;
  twin.backoff = o.backoff;
  twin.call_id = o.call_id;
  twin.hedge = true;
  twin.sibling = slot;
  twin.sibling_id = world_.requests[slot].id;
  world_.requests[slot].sibling = h;
  world_.requests[slot].sibling_id = twin.id;
  if (o.call_id != 0) ++effects_[o.call_id].pending;
  send_attempt(h);
}

void Service::observe_latency(const Request& c) {
  const CallPolicy& p = config_.steps[c.parent_step].calls[c.call].policy;
  if (p.hedge_percentile <= 0) return;
  Edge& e = edges_[c.parent_step][c.call];
  e.latency.record(world_.sim.now() - c.start);
  if (e.latency.count() < p.hedge_min_samples) return;
  if (e.hedge_after != kTimeMax && ++e.since_update < 64) return;  // a percentile costs a scan
  e.since_update = 0;
  e.hedge_after = e.latency.percentile(p.hedge_percentile);
}

void Service::settle_effect(std::uint64_t call_id, bool effect) {
  const auto it = effects_.find(call_id);
  if (effect && ++it->second.applied > 1) world_.signals.duplicate_effect(*this, world_.sim.now());
  if (--it->second.pending == 0) effects_.erase(it);
}

void Service::attempt_settled(const Request& attempt, bool success) {
  Edge& edge = edges_[attempt.parent_step][attempt.call];
  --edge.in_flight;
  edge.breaker.record(success, world_.sim.now());
}

void Service::child_replied(std::uint32_t child) {
  const Request& c = world_.requests[child];
  if (!c.not_sent) {
    pickers_[picker_of_[c.parent_step][c.call]].replied(c.instance);
    if (!c.abandoned) attempt_settled(c, c.error == ErrorKind::kNone);
    if (c.error == ErrorKind::kNone) observe_latency(c);  // late replies too: the dependency's true latency
  }
  bool current = !c.abandoned && parent_waits_for(c);
  const std::uint32_t parent = c.parent, twin = current ? live_sibling(c) : kNoSlot;
  const Outcome o{c.call, c.attempt, c.backoff, c.error, c.corrupted, c.call_id};
  const bool effect = c.effect;
  world_.requests.release(child);
  if (twin != kNoSlot) {
    Request& t = world_.requests[twin];
    if (o.error == ErrorKind::kNone) {
      t.abandoned = true;  // the slower copy lost: its reply will be ignored
      if (!t.not_sent) --edges_[t.parent_step][t.call].in_flight;
    } else {
      t.sibling = kNoSlot;  // this copy failed: the twin carries on alone
      current = false;
    }
  }
  if (current) attempt_ended(parent, o);  // else timed out, lost to its twin, or its step is decided
  if (o.call_id != 0) settle_effect(o.call_id, effect);  // after any retry attempt_ended created
}

void Service::attempt_ended(std::uint32_t parent, const Outcome& o) {
  const std::uint16_t step = world_.requests[parent].step;
  const std::uint16_t call = o.call, attempt = o.attempt;
  const ErrorKind error = o.error;
  if (error != ErrorKind::kNone) {
    const CallConfig& cc = config_.steps[step].calls[call];
    const RetryPolicy& retry = cc.policy.retry;
    Edge& edge = edges_[step][call];
    const bool within_budget =
        retry.budget < 0 || static_cast<double>(edge.retries) < retry.budget * static_cast<double>(edge.first_attempts);
    if (attempt < retry.attempts && retry.retries(error) && within_budget) {
      ++edge.retries;
      const std::uint16_t op = cc.op >= 0 ? static_cast<std::uint16_t>(cc.op) : world_.requests[parent].op;
      const std::uint32_t next = world_.make_child(parent, op);
      Request& n = world_.requests[next];
      n.call = call;
      n.attempt = static_cast<std::uint16_t>(attempt + 1);
      n.backoff = retry.delay(attempt, o.backoff, backoff_rng_);
      if (o.call_id != 0) {
        n.call_id = o.call_id;
        ++effects_[o.call_id].pending;
      }
      world_.sim.schedule_in(n.backoff, handler(), kRetry, next);
      return;  // the call stays outstanding until its last attempt ends
    }
  }
  Request& p = world_.requests[parent];
  const StepConfig& cfg = config_.steps[p.step];
  --p.outstanding;
  if (error == ErrorKind::kNone) {
    ++p.succeeded;
    p.corrupted = p.corrupted || o.corrupted;  // bad data from a dependency spoils the response
  } else {
    ++p.failed;
    if (p.child_error == ErrorKind::kNone) p.child_error = error;
  }
  const std::uint32_t needed = cfg.needed();
  const auto total = static_cast<std::uint32_t>(cfg.calls.size());
  if (p.succeeded == needed) {
    ++p.step;
    plain_ ? run_step<true>(parent) : run_step<false>(parent);
  } else if (p.failed == total - needed + 1) {
    complete<false>(parent, p.child_error);  // too many failures: the step cannot succeed
  }
}

void Service::release_worker(Instance& inst, Request& r) {
  r.holds_worker = false;
  --inst.busy;
}

std::uint64_t Service::crash(std::uint32_t i) {
  Instance& inst = instances_[i];
  if (inst.down++ > 0) return 0;  // already down
  refresh_plain();  // before failing anything: replies may bring arrivals here at once
  const SimTime now = world_.sim.now();
  std::vector<std::uint32_t> failed = inst.queue.drain();
  // The requests holding its workers, found by a scan of the pool, ascending by
  // slot, that stops at the last of them. A list of them kept per instance cost
  // every request 27 instructions (docs/performance.md); a crash is rare.
  std::uint32_t holders = inst.busy;
  for (std::uint32_t slot = 0; holders > 0 && slot < world_.requests.capacity(); ++slot) {
    Request& r = world_.requests[slot];
    if (r.id != 0 && r.holds_worker && r.component == index() && r.instance == i) {
      r.holds_worker = false;
      failed.push_back(slot);
      --holders;
    }
  }
  update_pressure(i);
  inst.busy = 0;
  world_.signals.queue_length(*this, i, 0, now);
  world_.signals.busy(*this, i, 0, now);
  for (const std::uint32_t slot : failed) {  // state is settled first: replies may run callers at once
    Request& r = world_.requests[slot];
    r.error = ErrorKind::kUnavailable;
    r.step = kFinishedStep;  // pending work and late child replies are ignored
    quotas_.left(r.tenant);
    world_.signals.finished(*this, i, r, now);
  }
  stop_if_drained(i);
  for (const std::uint32_t slot : failed) world_.reply(*this, slot, /*during_arrival=*/true);
  return failed.size();
}

void Service::restart(std::uint32_t i) {
  if (instances_[i].down > 0) --instances_[i].down;
  refresh_plain();
}

void Service::set_response_fault(std::uint32_t i, ResponseFault kind, double probability) {
  instances_[i].response_fault[static_cast<std::size_t>(kind)] = probability;
  refresh_plain();
}

void Service::apply_response_fault(Instance& inst, Request& r) {
  const double drop = inst.response_fault[static_cast<std::size_t>(ResponseFault::kDrop)];
  const double corrupt = inst.response_fault[static_cast<std::size_t>(ResponseFault::kCorrupt)];
  if (drop > 0 && inst.fault_rng.bernoulli(drop)) {
    ++inst.faults.dropped;
    r.error = ErrorKind::kDropped;  // the work was done; the caller never hears of it
  } else if (corrupt > 0 && inst.fault_rng.bernoulli(corrupt)) {
    ++inst.faults.corrupted;
    r.corrupted = true;
  }
}

void Service::set_slow_factor(std::uint32_t i, double factor) {
  instances_[i].slow_factor = factor;
  refresh_plain();
}

template <bool kPlain>
void Service::complete(std::uint32_t slot, ErrorKind error) {
  Request& r = world_.requests[slot];
  const SimTime now = world_.sim.now();
  r.error = error;
  r.step = kFinishedStep;  // later replies to this request are ignored
  if (!kPlain) quotas_.left(r.tenant);
  const std::uint32_t i = r.instance;
  world_.signals.finished(*this, i, r, now);
  Instance& inst = instances_[i];
  if (error == ErrorKind::kNone) {
    r.effect = true;  // done here, whatever happens to the reply
    if (!kPlain) fault_response(inst, r);
  }
  release_worker(inst, r);
  // A queued request taking the freed worker leaves busy as it was: the drop and the
  // rise last no time, so no time average can see them, and neither is signalled.
  if (!start_next<kPlain>(i)) world_.signals.busy(*this, i, inst.busy, now);
  if (!kPlain) stop_if_drained(i);
  world_.reply(*this, slot);  // last: a zero-delay reply runs the caller at once
}

bool Service::take_token(const Request& r, SimTime now) {
  const RateLimitConfig& rl = config_.rate_limit;
  const std::size_t b = rl.per_tenant ? r.tenant : 0;
  while (buckets_.size() <= b) buckets_.emplace_back(rl.burst);
  return buckets_[b].take(now, rl.rate, rl.burst);
}

template <bool kPlain>
bool Service::start_next(std::uint32_t i) {
  Instance& inst = instances_[i];
  const SimTime now = world_.sim.now();
  std::vector<std::uint32_t> shed;  // replied after the worker is settled
  bool started = false;
  while (!inst.queue.empty()) {
    const bool lifo =
        !kPlain && config_.lifo_above >= 0 && static_cast<std::int64_t>(inst.queue.size()) > config_.lifo_above;
    const std::uint32_t next = inst.queue.pop(lifo);
    world_.signals.queue_length(*this, i, inst.queue.size(), now);
    if (!kPlain) update_pressure(i);
    Request& q = world_.requests[next];
    if (!kPlain && config_.max_queue_time != kTimeMax && now - q.arrived > config_.max_queue_time) {
      q.error = ErrorKind::kRejected;  // waited too long: the caller has likely given up
      quotas_.left(q.tenant);
      world_.signals.finished(*this, i, q, now);
      shed.push_back(next);
      continue;
    }
    start<kPlain>(next, /*handed_over=*/true);
    started = true;
    break;
  }
  for (const std::uint32_t s : shed) world_.reply(*this, s, /*during_arrival=*/true);
  return started;
}

std::uint32_t Service::candidates(const Service& callee) {
  const auto* active = callee.active_instances();
  return active ? static_cast<std::uint32_t>(active->size()) : callee.instances();
}

std::uint32_t Service::candidate(const Service& callee, std::uint32_t k) {
  const auto* active = callee.active_instances();
  return active ? (*active)[k] : k;
}

std::uint32_t Service::count(InstanceState s) const {
  return static_cast<std::uint32_t>(
      std::count_if(instances_.begin(), instances_.end(), [s](const Instance& i) { return i.state == s; }));
}

void Service::set_state(std::uint32_t i, InstanceState s) {
  const bool was_active = instances_[i].state == InstanceState::kActive;
  instances_[i].state = s;
  if (s == InstanceState::kActive && !was_active) {
    active_.insert(std::lower_bound(active_.begin(), active_.end(), i), i);
  } else if (s != InstanceState::kActive && was_active) {
    active_.erase(std::lower_bound(active_.begin(), active_.end(), i));
  }
  world_.signals.instance_state(*this, i, s, world_.sim.now());
}

void Service::stop_if_drained(std::uint32_t i) {
  const Instance& inst = instances_[i];
  if (inst.state == InstanceState::kDraining && inst.busy == 0 && inst.queue.empty())
    set_state(i, InstanceState::kStopped);
}

std::optional<std::uint32_t> Service::scale_up() {
  for (std::uint32_t i = 0; i < instances(); ++i) {
    if (instances_[i].state == InstanceState::kDraining) {  // still running: no provisioning needed
      set_state(i, InstanceState::kActive);
      return std::nullopt;
    }
  }
  for (std::uint32_t i = 0; i < instances(); ++i) {
    if (instances_[i].state == InstanceState::kStopped) {
      set_state(i, InstanceState::kProvisioning);
      return i;
    }
  }
  throw std::logic_error(name() + ": scale_up beyond the instance pool");
}

void Service::provisioned(std::uint32_t i, std::uint32_t generation) {
  if (instances_[i].state == InstanceState::kProvisioning && instances_[i].generation == generation)
    set_state(i, InstanceState::kActive);
}

void Service::scale_down() {
  for (std::uint32_t i = instances(); i-- > 0;) {
    if (instances_[i].state == InstanceState::kProvisioning) {
      ++instances_[i].generation;  // its pending provisioned() is now stale
      set_state(i, InstanceState::kStopped);
      return;
    }
  }
  for (std::uint32_t i = instances(); i-- > 0;) {
    if (instances_[i].state == InstanceState::kActive) {
      set_state(i, InstanceState::kDraining);
      stop_if_drained(i);
      return;
    }
  }
  throw std::logic_error(name() + ": scale_down with no instance to remove");
}

void Service::initialise() {
  const auto has_value = [](const std::optional<Distribution>& d) { return d.has_value(); };
  const bool per_op = std::any_of(config_.per_op.begin(), config_.per_op.end(), has_value);
  const bool flag_times = std::any_of(flags_.begin(), flags_.end(), [&](const FlagEffect& f) {
    return f.service_time || std::any_of(f.per_op.begin(), f.per_op.end(), has_value);
  });
  draw_ahead_ = !per_op && versions_.empty() && !flag_times;
  if (draw_ahead_)
    for (Instance& inst : instances_) inst.service_time_ahead.first(config_.service_time, inst.service_rng);
  refresh_plain();
}

void Service::refresh_plain() {
  const ServiceConfig& c = config_;
  const bool features = c.rate_limit.rate > 0 || !c.tenant_quotas.empty() || c.queue_limit >= 0 ||
                        c.lifo_above >= 0 || c.max_queue_time != kTimeMax || c.backpressure_high >= 0 ||
                        c.autoscale.enabled || c.error_probability != 0 || !versions_.empty() || !flags_.empty();
  const auto faulted = [](const Instance& i) {
    return i.down > 0 || i.slow_factor != 1.0 || i.response_fault != std::array<double, 3>{};
  };
  plain_ = draw_ahead_ && !features && std::none_of(instances_.begin(), instances_.end(), faulted);
}

std::uint8_t Service::add_version(VersionBehaviour version) {
  if (draw_ahead_) throw std::logic_error(name() + ": add_version after initialise(): service times are already drawn ahead");
  if (versions_.empty()) {
    versions_.push_back(own_version());
    version_rng_.emplace(world_.sim.stream(name() + "/versions"));
  }
  if (versions_.size() > UINT8_MAX) throw std::invalid_argument("a service has at most 255 versions");
  versions_.push_back(std::move(version));
  refresh_plain();
  return static_cast<std::uint8_t>(versions_.size() - 1);
}

std::uint8_t Service::pick_version(SimTime now) {
  const double p = split_.share(now);
  if (p <= 0) return split_.stable;
  if (p >= 1) return split_.next;
  return version_rng_->bernoulli(p) ? split_.next : split_.stable;
}

std::size_t Service::add_flag(FlagEffect flag) {
  if (draw_ahead_) throw std::logic_error(name() + ": add_flag after initialise(): service times are already drawn ahead");
  flags_.push_back(std::move(flag));
  refresh_plain();
  return flags_.size() - 1;
}

void Service::set_flag(std::size_t flag, bool on) {
  if (flags_[flag].on == on) return;
  flags_[flag].on = on;
  on ? ++flags_on_ : --flags_on_;
}

const Distribution& Service::deployed_service_time(const Request& r) const {
  if (flags_on_ > 0)
    for (const FlagEffect& f : flags_) {  // the first flag that replaces this op's time wins
      if (!f.on) continue;
      if (r.op < f.per_op.size() && f.per_op[r.op]) return *f.per_op[r.op];
      if (f.service_time) return *f.service_time;
    }
  if (versions_.empty())
    return time_for_op(config_.per_op, config_.service_time, r.op);
  return versions_[r.code_version].time_for(r.op);
}

double Service::deployed_error_probability(const Request& r) const {
  double p = versions_.empty() ? config_.error_probability : versions_[r.code_version].error_probability;
  if (flags_on_ > 0)
    for (const FlagEffect& f : flags_)
      if (f.on) p = 1 - (1 - p) * (1 - f.error_probability);  // independent causes of failure
  return p;
}

}  // namespace archsim

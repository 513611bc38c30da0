#include "archsim/models/store.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

StoreMode parse_store_mode(std::string_view name) {
  if (name == "primary") return StoreMode::kPrimary;
  if (name == "quorum") return StoreMode::kQuorum;
  throw std::invalid_argument(fmt::format("unknown mode '{}'; accepted: {}", name, kStoreModeNames));
}

ReadPolicy parse_read_policy(std::string_view name) {
  if (name == "primary") return ReadPolicy::kPrimary;
  if (name == "any") return ReadPolicy::kAny;
  if (name == "nearest") return ReadPolicy::kNearest;
  throw std::invalid_argument(fmt::format("unknown read_policy '{}'; accepted: {}", name, kReadPolicyNames));
}

Store::Store(World& world, std::string name, std::vector<std::uint32_t> hosts, StoreConfig config)
    : Component(world, std::move(name), "store", std::move(hosts)),
      config_(std::move(config)),
      route_rng_(world.sim.stream(this->name() + "/route")) {
  const std::uint32_t n = instances();
  if (config_.workers == 0) throw std::invalid_argument("workers must be >= 1");
  if (config_.replication_delay.size() != n)
    throw std::invalid_argument(fmt::format("replication_delay: give one distribution, or one per replica ({}), got {}",
                                            n, config_.replication_delay.size()));
  if (config_.mode == StoreMode::kQuorum) {
    if (config_.write_quorum < 1 || config_.write_quorum > n)
      throw std::invalid_argument(fmt::format("write_quorum must be in [1, {}] (the replicas), got {}", n,
                                              config_.write_quorum));
    if (config_.read_quorum < 1 || config_.read_quorum > n)
      throw std::invalid_argument(fmt::format("read_quorum must be in [1, {}] (the replicas), got {}", n,
                                              config_.read_quorum));
  }
  if (config_.failover_after < 0) throw std::invalid_argument("failover_after must be >= 0");
  for (std::uint32_t i = 0; i < n; ++i) {
    replicas_.emplace_back(world.sim.stream(instance_name(i) + "/service_time"),
                           world.sim.stream(instance_name(i) + "/replication"));
  }
}

SimTime Store::draw(const Distribution& d, Rng& rng) const {
  return static_cast<SimTime>(d.sample(rng) * 1e9 + 0.5);
}

SimTime Store::transit(std::uint32_t from, std::uint32_t to) {
  // Messages between replicas are not lost: the store's own protocol retransmits.
  return world_.network.transit(host(from), host(to), network_rng()).delay;
}

bool Store::reads_ok(std::uint32_t replica) const { return replicas_[replica].up; }

std::uint32_t Store::nearest_live(std::uint32_t from_host, bool random_ties) {
  double best = 0;
  std::vector<std::uint32_t> ties;
  for (std::uint32_t i = 0; i < instances(); ++i) {
    if (!replicas_[i].up) continue;
    const double d = world_.network.mean_latency(from_host, host(i));
    if (ties.empty() || d < best) {
      best = d;
      ties.assign(1, i);
    } else if (d == best) {
      ties.push_back(i);
    }
  }
  if (ties.empty()) return kNone;
  if (!random_ties || ties.size() == 1) return ties.front();
  return ties[route_rng_.below(ties.size())];
}

std::uint32_t Store::route(const Request& r, std::uint32_t from_host, std::uint32_t picked) {
  std::uint32_t to = kNone;
  if (config_.mode == StoreMode::kQuorum) {
    to = nearest_live(from_host, /*random_ties=*/true);  // the coordinator
  } else if (r.op == config_.write_op || config_.read_policy == ReadPolicy::kPrimary) {
    to = primary_;
  } else if (config_.read_policy == ReadPolicy::kNearest) {
    to = nearest_live(from_host, /*random_ties=*/true);
  } else {  // any live replica, uniformly
    std::vector<std::uint32_t> live;
    for (std::uint32_t i = 0; i < instances(); ++i)
      if (replicas_[i].up) live.push_back(i);
    if (!live.empty()) to = live[route_rng_.below(live.size())];
  }
  // Nothing to serve it: it goes where the caller aimed and is refused there.
  return to == kNone ? (config_.mode == StoreMode::kPrimary && old_primary_ != kNone ? old_primary_ : picked) : to;
}

void Store::handle(const Event& event) {
  const auto id = static_cast<std::uint32_t>(event.payload);
  switch (event.kind) {
    case kArriveEvent: arrive(id); break;
    case kTaskArrive: enqueue(id); break;
    case kTaskDone: task_done(id); break;
    case kResponse: response(id); break;
    case kReplicate: replicate(id); break;
    case kFailover:
      if (event.payload == failover_epoch_) failover();
      break;
    default: break;
  }
}

std::uint32_t Store::new_op(std::uint32_t slot, std::uint32_t coordinator) {
  std::uint32_t o;
  if (free_ops_.empty()) {
    o = static_cast<std::uint32_t>(ops_.size());
    ops_.emplace_back();
  } else {
    o = free_ops_.back();
    free_ops_.pop_back();
    ops_[o] = Op{};
  }
  const Request& r = world_.requests[slot];
  Op& op = ops_[o];
  op.slot = slot;
  op.request_id = r.id;
  op.key = r.key;
  op.write = r.op == config_.write_op;
  op.coordinator = coordinator;
  op.coordinator_epoch = replicas_[coordinator].epoch;
  return o;
}

void Store::free_op(std::uint32_t o) {
  ops_[o].slot = kNone;
  free_ops_.push_back(o);
}

std::uint32_t Store::new_task(std::uint32_t op, std::uint32_t replica) {
  std::uint32_t t;
  if (free_tasks_.empty()) {
    t = static_cast<std::uint32_t>(tasks_.size());
    tasks_.emplace_back();
  } else {
    t = free_tasks_.back();
    free_tasks_.pop_back();
  }
  tasks_[t] = Task{op, replica, replicas_[replica].epoch, 0, false, 0};
  return t;
}

void Store::arrive(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  const SimTime now = world_.sim.now();
  r.arrived = now;
  const std::uint32_t i = r.instance;
  world_.signals.arrived(*this, i, r, now);
  const bool write = r.op == config_.write_op;
  const bool refused = !replicas_[i].up || (config_.mode == StoreMode::kPrimary && write && i != primary_);
  if (refused) {
    if (!replicas_[i].up) ++replicas_[i].refused;
    r.error = ErrorKind::kUnavailable;
    world_.signals.finished(*this, i, r, now);
    world_.reply(*this, slot, /*during_arrival=*/true);
    return;
  }
  const std::uint32_t n = instances();
  const std::uint32_t needed = write ? config_.write_quorum : config_.read_quorum;
  if (config_.mode == StoreMode::kQuorum) {
    std::uint32_t live = 0;
    for (const Replica& rep : replicas_) live += rep.up ? 1 : 0;
    if (live < needed) {  // the quorum cannot be met: refuse at once
      r.error = ErrorKind::kUnavailable;
      world_.signals.finished(*this, i, r, now);
      world_.reply(*this, slot, /*during_arrival=*/true);
      return;
    }
  }
  const std::uint32_t o = new_op(slot, i);
  if (config_.mode == StoreMode::kPrimary) {
    enqueue(new_task(o, i));
    return;
  }
  // Quorum: the coordinator sends to every replica at once.
  Op& op = ops_[o];
  op.needed = needed;
  if (write) op.version = ++next_version_[op.key];  // the coordinator's timestamp
  if (!write && config_.read_repair) op.seen.assign(n, UINT64_MAX);
  for (std::uint32_t k = 0; k < n; ++k) {
    if (!replicas_[k].up) {
      ++op.failed;
      continue;
    }
    SimTime delay = transit(i, k);
    if (write) delay += draw(config_.replication_delay[k], replicas_[k].replication_rng);
    world_.sim.schedule_in(delay, handler(), kTaskArrive, new_task(o, k));
  }
}

void Store::enqueue(std::uint32_t t) {
  Task& task = tasks_[t];
  Replica& rep = replicas_[task.replica];
  if (!rep.up || task.epoch != rep.epoch) {  // reached a replica that is down: no answer
    task.failed = true;
    response(t);
    return;
  }
  rep.queue.push_back(t);
  world_.signals.queue_length(*this, task.replica, rep.queue.size(), world_.sim.now());
  start_next(task.replica);
}

void Store::start_next(std::uint32_t i) {
  Replica& rep = replicas_[i];
  const SimTime now = world_.sim.now();
  while (rep.busy < config_.workers && !rep.queue.empty()) {
    const std::uint32_t t = rep.queue.front();
    rep.queue.pop_front();
    ++rep.busy;
    tasks_[t].active_pos = static_cast<std::uint32_t>(rep.active.size());
    rep.active.push_back(t);
    world_.signals.queue_length(*this, i, rep.queue.size(), now);
    world_.signals.busy(*this, i, rep.busy, now);
    world_.sim.schedule_in(draw(config_.service_time, rep.service_rng), handler(), kTaskDone, t);
  }
}

void Store::apply(Replica& rep, std::uint64_t key, std::uint64_t version) {
  std::uint64_t& held = rep.data[key];
  held = std::max(held, version);  // last writer wins
}

void Store::task_done(std::uint32_t t) {
  Task& task = tasks_[t];
  const std::uint32_t i = task.replica;
  Replica& rep = replicas_[i];
  if (task.epoch != rep.epoch) {  // the replica crashed while serving it
    if (config_.mode == StoreMode::kPrimary) {
      free_tasks_.push_back(t);  // the crash failed its request
    } else {
      task.failed = true;  // the coordinator notices the missing answer now
      response(t);
    }
    return;
  }
  // Release the worker.
  const std::uint32_t last = rep.active.back();
  rep.active[task.active_pos] = last;
  tasks_[last].active_pos = task.active_pos;
  rep.active.pop_back();
  --rep.busy;
  world_.signals.busy(*this, i, rep.busy, world_.sim.now());
  const Op& op = ops_[task.op];
  if (config_.mode == StoreMode::kPrimary) {
    const std::uint32_t o = task.op;
    free_tasks_.push_back(t);
    if (op.write) {
      commit_primary_write(o, i);
    } else {
      const auto it = rep.data.find(op.key);
      ops_[o].version = it == rep.data.end() ? 0 : it->second;
      finish_op(o, ErrorKind::kNone);
    }
    free_op(o);  // the reply may have run the caller, which may have grown ops_: no references held
  } else {
    if (op.write) {
      apply(rep, op.key, op.version);
    } else {
      const auto it = rep.data.find(op.key);
      task.result = it == rep.data.end() ? 0 : it->second;
    }
    world_.sim.schedule_in(transit(i, op.coordinator), handler(), kResponse, t);
  }
  start_next(i);
}

void Store::commit_primary_write(std::uint32_t o, std::uint32_t i) {
  Op& op = ops_[o];
  if (i != primary_) {  // demoted while serving (a failover happened): refuse
    finish_op(o, ErrorKind::kUnavailable);
    return;
  }
  op.version = ++next_version_[op.key];
  Replica& rep = replicas_[i];
  apply(rep, op.key, op.version);
  log_.emplace_back(op.key, op.version);
  rep.applied = log_end();
  trim_log();  // a store without replicas keeps no log
  const SimTime now = world_.sim.now();
  for (std::uint32_t k = 0; k < instances(); ++k) {
    if (k == i || !replicas_[k].up) continue;
    Replica& to = replicas_[k];
    const SimTime arrive_at = std::max(to.replication_tail, now + transit(i, k) +
                                                                draw(config_.replication_delay[k], to.replication_rng));
    to.replication_tail = arrive_at;  // in order, like a log stream
    ship(k, log_end() - 1, arrive_at - now);
  }
  finish_op(o, ErrorKind::kNone);
}

void Store::ship(std::uint32_t to, std::uint64_t log_index, SimTime delay) {
  std::uint32_t s;
  if (free_shipments_.empty()) {
    s = static_cast<std::uint32_t>(shipments_.size());
    shipments_.emplace_back();
  } else {
    s = free_shipments_.back();
    free_shipments_.pop_back();
  }
  shipments_[s] = Shipment{to, log_index, replicas_[to].epoch, stream_epoch_};
  world_.sim.schedule_in(delay, handler(), kReplicate, s);
}

void Store::replicate(std::uint32_t s) {
  const Shipment sh = shipments_[s];
  free_shipments_.push_back(s);
  Replica& rep = replicas_[sh.replica];
  if (sh.replica_epoch != rep.epoch || sh.stream_epoch != stream_epoch_ || sh.log_index >= log_end()) return;
  const auto [key, version] = log_[sh.log_index - log_base_];
  apply(rep, key, version);
  rep.applied = std::max(rep.applied, sh.log_index + 1);
  trim_log();
}

void Store::trim_log() {
  std::uint64_t all_applied = log_end();
  for (const Replica& r : replicas_) all_applied = std::min(all_applied, r.applied);
  while (log_base_ < all_applied) {
    log_.pop_front();
    ++log_base_;
  }
}

void Store::response(std::uint32_t t) {
  const Task task = tasks_[t];
  free_tasks_.push_back(t);
  Op& op = ops_[task.op];
  if (op.coordinator_epoch != replicas_[op.coordinator].epoch) {  // the coordinator crashed: it failed the op
    if (op.ok + op.failed + 1 == instances()) free_op(task.op);
    ++op.failed;
    return;
  }
  if (task.failed) {
    ++op.failed;
  } else {
    ++op.ok;
    if (!op.write) {
      if (op.ok <= op.needed) op.version = std::max(op.version, task.result);  // the first R replies decide
      if (!op.seen.empty()) op.seen[task.replica] = task.result;
    }
  }
  settle_quorum(task.op);
}

void Store::settle_quorum(std::uint32_t o) {
  const std::uint32_t n = instances();
  if (ops_[o].slot != kNone) {
    if (ops_[o].ok >= ops_[o].needed)
      finish_op(o, ErrorKind::kNone);
    else if (ops_[o].failed > n - ops_[o].needed)
      finish_op(o, ErrorKind::kUnavailable);
  }
  Op& op = ops_[o];  // after the reply: the caller may have run and grown ops_
  if (op.ok + op.failed < n) return;
  // Every replica has answered: read repair, then the op is done.
  if (!op.seen.empty()) {
    std::uint64_t newest = 0;
    for (auto v : op.seen)
      if (v != UINT64_MAX) newest = std::max(newest, v);
    for (std::uint32_t k = 0; k < n; ++k)
      if (op.seen[k] != UINT64_MAX && op.seen[k] < newest && replicas_[k].up) apply(replicas_[k], op.key, newest);
  }
  free_op(o);
}

void Store::finish_op(std::uint32_t o, ErrorKind error) {
  Op& op = ops_[o];
  const std::uint32_t slot = op.slot;
  op.slot = kNone;
  Request& r = world_.requests[slot];
  const SimTime now = world_.sim.now();
  r.error = error;
  r.version = error == ErrorKind::kNone ? op.version : 0;
  if (error == ErrorKind::kNone && op.write) world_.signals.committed(*this, r, now);
  world_.signals.finished(*this, r.instance, r, now);
  world_.reply(*this, slot);
}

std::uint64_t Store::crash(std::uint32_t i) {
  Replica& rep = replicas_[i];
  if (!rep.up) return 0;
  rep.up = false;
  ++rep.epoch;
  const SimTime now = world_.sim.now();
  // Requests the crash fails: primary-mode ops queued or in service here, and
  // quorum ops this replica coordinated. Tasks in service end at their
  // pending kTaskDone, which sees the new epoch.
  std::vector<std::uint32_t> failed;
  for (const std::uint32_t t : rep.queue) {
    if (config_.mode == StoreMode::kPrimary) {
      failed.push_back(ops_[tasks_[t].op].slot);
      free_op(tasks_[t].op);
      free_tasks_.push_back(t);
    } else {
      tasks_[t].failed = true;  // no answer from here: the coordinator counts a failure
      world_.sim.schedule_in(0, handler(), kResponse, t);
    }
  }
  if (config_.mode == StoreMode::kPrimary)
    for (const std::uint32_t t : rep.active) {
      failed.push_back(ops_[tasks_[t].op].slot);
      free_op(tasks_[t].op);
    }
  rep.queue.clear();
  rep.active.clear();
  rep.busy = 0;
  world_.signals.queue_length(*this, i, 0, now);
  world_.signals.busy(*this, i, 0, now);
  if (config_.mode == StoreMode::kQuorum)
    for (Op& op : ops_)
      if (op.slot != kNone && op.coordinator == i) {
        failed.push_back(op.slot);
        op.slot = kNone;  // its replicas' answers still come back and free it
      }
  for (const std::uint32_t slot : failed) {
    Request& r = world_.requests[slot];
    r.error = ErrorKind::kUnavailable;
    world_.signals.finished(*this, i, r, now);
  }
  for (const std::uint32_t slot : failed) world_.reply(*this, slot, /*during_arrival=*/true);
  if (config_.mode == StoreMode::kPrimary && i == primary_) {
    ++stream_epoch_;  // the log stream is cut: entries not yet applied elsewhere are stuck here
    primary_ = kNone;
    old_primary_ = i;
    if (config_.failover_after != kTimeMax) world_.sim.schedule_in(config_.failover_after, handler(), kFailover, failover_epoch_);
  }
  return failed.size();
}

void Store::failover() {
  ++failover_epoch_;
  std::uint32_t best = kNone;
  for (std::uint32_t k = 0; k < instances(); ++k)
    if (replicas_[k].up && (best == kNone || replicas_[k].applied > replicas_[best].applied)) best = k;
  if (best == kNone) {  // nobody to promote; the first replica to restart takes over
    failover_due_ = true;
    return;
  }
  failover_due_ = false;
  const SimTime now = world_.sim.now();
  const std::uint64_t kept = replicas_[best].applied;
  for (std::uint64_t idx = kept; idx < log_end(); ++idx)
    world_.signals.write_lost(*this, log_[idx - log_base_].first, log_[idx - log_base_].second, now);
  log_.resize(kept - log_base_);
  primary_ = best;
  old_primary_ = kNone;
  catch_up();
}

void Store::catch_up() {
  ++stream_epoch_;  // shipments still in flight are void: they are sent again
  const SimTime now = world_.sim.now();
  for (std::uint32_t k = 0; k < instances(); ++k) {
    Replica& to = replicas_[k];
    if (k == primary_ || !to.up) continue;
    to.replication_tail = now;
    for (std::uint64_t idx = to.applied; idx < log_end(); ++idx) {
      to.replication_tail = std::max(to.replication_tail, now + transit(primary_, k) +
                                                              draw(config_.replication_delay[k], to.replication_rng));
      ship(k, idx, to.replication_tail - now);
    }
  }
}

void Store::restart(std::uint32_t i) {
  Replica& rep = replicas_[i];
  rep.up = true;
  if (config_.mode == StoreMode::kQuorum) return;  // its data survived; read repair brings it up to date
  if (primary_ == kNone && old_primary_ == i) {  // back before the failover fired: still the primary
    primary_ = i;
    old_primary_ = kNone;
    ++failover_epoch_;
    catch_up();
    return;
  }
  if (primary_ == kNone) {
    if (failover_due_) failover();  // a failover found nobody alive: take over now
    return;  // else it waits, data as it was, for the pending failover
  }
  // A snapshot of the primary: it rejoins up to date (and forgets writes it alone had).
  const Replica& p = replicas_[primary_];
  rep.data = p.data;
  rep.applied = p.applied;
  rep.replication_tail = world_.sim.now();
}

}  // namespace archsim

#include "archsim/models/cache.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace archsim {

CacheMode parse_cache_mode(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kCacheModeNames); ++i)
    if (name == kCacheModeNames[i]) return static_cast<CacheMode>(i);
  throw std::invalid_argument(
      "mode must be one of read-through, cache-aside, write-through, write-behind, write-invalidate; got '" +
      std::string(name) + "'");
}

Cache::Cache(World& world, std::string name, std::vector<std::uint32_t> hosts, CacheConfig config)
    : Component(world, std::move(name), "cache", std::move(hosts)), config_(config) {
  for (std::uint32_t i = 0; i < instances(); ++i)
    instances_.push_back(Instance{CacheTable(config_.policy, config_.capacity), KeyIndex(), {}, {}, false, 0, 0,
                                  world.sim.stream(instance_name(i) + "/ttl_jitter")});
}

void Cache::connect() {
  backend_ = world_.components[config_.backend];
  picker_.emplace(config_.strategy, backend_->instances(), world_.sim.stream(name() + "/backend"),
                  backend_->active_instances());
}

void Cache::initialise() {
  for (std::uint32_t i = 0; i < instances(); ++i)
    for (std::uint64_t k = 0; k < config_.warm_keys; ++k) fill(i, k, 0);
}

void Cache::handle(const Event& event) {
  const auto slot = static_cast<std::uint32_t>(event.payload);
  switch (event.kind) {
    case kArriveEvent: arrive(slot); break;
    case kReplyEvent: replied(slot); break;
    case kFlushEvent:
      instances_[slot].flush_scheduled = false;
      flush(slot);
      break;
    default: break;
  }
}

void Cache::arrive(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  r.arrived = world_.sim.now();
  world_.signals.arrived(*this, r.instance, r, r.arrived);
  if (instances_[r.instance].down > 0) {
    ++instances_[r.instance].refused;
    r.error = ErrorKind::kUnavailable;
    answer(slot, /*during_arrival=*/true);
  } else if (r.op == config_.read_op) {
    read(slot);
  } else if (r.op == config_.write_op) {
    write(slot);
  } else {
    hold(slot);  // other operations are not cached
    to_backend(r.instance, slot, r.op, r.key, kPassThrough);
  }
}

void Cache::read(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  const std::uint32_t i = r.instance;
  Instance& inst = instances_[i];
  const SimTime now = world_.sim.now();
  if (const std::uint32_t e = inst.table.find(r.key); e != CacheTable::kNone) {
    CacheEntry& entry = inst.table[e];
    const bool fresh = now < entry.expires;
    const bool stale_ok = !fresh && config_.stale_while_revalidate > 0 &&
                          now - entry.expires < config_.stale_while_revalidate;
    if (fresh || stale_ok) {
      inst.table.touch(e);
      r.version = entry.version;
      r.from_cache = true;
      emit(i, CacheEvent::kHit);
      if (stale_ok) {
        emit(i, CacheEvent::kStaleServed);
        if (!entry.refreshing) {
          entry.refreshing = true;
          emit(i, CacheEvent::kRefresh);
          to_backend(i, kNoSlot, config_.read_op, r.key, kRefresh);
        }
      }
      answer(slot, /*during_arrival=*/true);
      return;
    }
    emit(i, CacheEvent::kExpired);
    inst.table.erase(e);
  }
  emit(i, CacheEvent::kMiss);
  hold(slot);
  if (config_.single_flight) {
    const std::uint32_t leader = inst.fetches.find(r.key);
    if (leader != KeyIndex::kAbsent) {  // join the fetch in flight
      emit(i, CacheEvent::kCoalesced);
      const std::size_t need = std::max(slot, leader) + 1;
      if (next_waiter_.size() < need) next_waiter_.resize(need, kNoSlot);
      next_waiter_[slot] = next_waiter_[leader];
      next_waiter_[leader] = slot;
      return;
    }
    inst.fetches.put(r.key, slot);
    if (next_waiter_.size() <= slot) next_waiter_.resize(slot + 1, kNoSlot);
    next_waiter_[slot] = kNoSlot;
  }
  to_backend(i, slot, config_.read_op, r.key, kFetch);
}

void Cache::write(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  const std::uint32_t i = r.instance;
  Instance& inst = instances_[i];
  if (config_.mode == CacheMode::kWriteBehind) {
    const std::uint32_t e = inst.table.find(r.key);
    fill(i, r.key, e != CacheTable::kNone ? inst.table[e].version : 0);
    inst.unflushed.emplace_back(r.key, world_.sim.now());
    r.from_cache = true;
    if (inst.unflushed.size() >= config_.flush_batch) {
      flush(i);
    } else {
      schedule_flush(i);
    }
    answer(slot, /*during_arrival=*/true);
    return;
  }
  if (config_.mode == CacheMode::kWriteInvalidate)
    if (const std::uint32_t e = inst.table.find(r.key); e != CacheTable::kNone) inst.table.erase(e);
  hold(slot);
  to_backend(i, slot, r.op, r.key, kPassThrough);
}

void Cache::to_backend(std::uint32_t instance, std::uint32_t slot, std::uint16_t op, std::uint64_t key, Role role) {
  std::uint32_t child;
  if (slot != kNoSlot) {
    child = world_.make_child(slot, op);
  } else {  // a background request of the cache itself: no caller waits on it
    child = world_.requests.acquire();
    Request& b = world_.requests[child];
    b.id = b.correlation_id = world_.sim.next_id();
    b.key = key;
    b.op = op;
    b.client = index();
  }
  world_.requests[child].call = role;
  const std::uint32_t to = picker_->pick();
  picker_->sent(to);
  world_.send(*this, instance, child, *backend_, to);
}

void Cache::replied(std::uint32_t child) {
  const Request& c = world_.requests[child];
  picker_->replied(c.instance);
  if (c.parent == kNoSlot) {
    background_replied(child);
  } else if (c.call == kFetch) {
    fetched(child);
  } else {
    passed_through(child);
  }
}

void Cache::fetched(std::uint32_t child) {
  const Request& c = world_.requests[child];
  const std::uint32_t leader = c.parent;
  const Request& l = world_.requests[leader];
  const bool current = l.id == c.parent_id && l.step == kWaiting;  // not failed by a crash meanwhile
  const std::uint32_t i = c.caller_instance;
  const std::uint64_t key = c.key, version = c.version;
  const ErrorKind error = c.error;
  world_.requests.release(child);
  if (!current) return;
  Instance& inst = instances_[i];
  // Taken out of scratch_: a zero-delay reply may run code that needs it again.
  std::vector<std::uint32_t> readers;
  readers.swap(scratch_);
  readers.clear();
  readers.push_back(leader);
  if (config_.single_flight) {
    inst.fetches.erase(key);
    for (std::uint32_t w = next_waiter_[leader]; w != kNoSlot; w = next_waiter_[w]) readers.push_back(w);
  }
  if (error == ErrorKind::kNone) fill(i, key, version);
  for (const std::uint32_t s : readers) {
    release_hold(s);
    Request& r = world_.requests[s];
    r.error = error;
    r.version = version;
  }
  // Settled first: a zero-delay reply runs the caller at once.
  for (const std::uint32_t s : readers) world_.signals.finished(*this, i, world_.requests[s], world_.sim.now());
  for (const std::uint32_t s : readers) world_.reply(*this, s);
  readers.swap(scratch_);
}

void Cache::passed_through(std::uint32_t child) {
  const Request& c = world_.requests[child];
  const std::uint32_t parent = c.parent;
  const Request& p = world_.requests[parent];
  const bool current = p.id == c.parent_id && p.step == kWaiting;
  const std::uint64_t key = c.key, version = c.version;
  const ErrorKind error = c.error;
  const bool was_write = c.op == config_.write_op;
  world_.requests.release(child);
  if (!current) return;
  const std::uint32_t i = world_.requests[parent].instance;
  Instance& inst = instances_[i];
  if (was_write && error == ErrorKind::kNone) {
    if (config_.mode == CacheMode::kWriteThrough) {
      fill(i, key, version);
    } else if (config_.mode == CacheMode::kCacheAside) {  // update the backend, then delete the cached copy
      if (const std::uint32_t e = inst.table.find(key); e != CacheTable::kNone) inst.table.erase(e);
    }
  }
  release_hold(parent);
  Request& p2 = world_.requests[parent];
  p2.error = error;
  p2.version = version;
  answer(parent, /*during_arrival=*/false);
}

void Cache::background_replied(std::uint32_t child) {
  const Request& c = world_.requests[child];
  const std::uint32_t i = c.caller_instance;
  const Role role = static_cast<Role>(c.call);
  const std::uint64_t key = c.key, version = c.version;
  const bool ok = c.error == ErrorKind::kNone;
  world_.requests.release(child);
  Instance& inst = instances_[i];
  const std::uint32_t e = inst.table.find(key);
  if (role == kRefresh) {
    if (e == CacheTable::kNone || !inst.table[e].refreshing) return;  // evicted, or lost in a crash
    inst.table[e].refreshing = false;
    if (ok) {
      inst.table[e].version = version;
      inst.table[e].expires = expiry(inst);
    }
    return;
  }
  // kFlush
  emit(i, ok ? CacheEvent::kFlushed : CacheEvent::kWriteLost);
  if (ok && e != CacheTable::kNone) inst.table[e].version = version;
}

void Cache::schedule_flush(std::uint32_t i) {
  Instance& inst = instances_[i];
  if (inst.flush_scheduled || inst.unflushed.empty()) return;
  inst.flush_scheduled = true;
  const SimTime due = inst.unflushed.front().second + config_.flush_delay;
  world_.sim.schedule_at(std::max(due, world_.sim.now()), handler(), kFlushEvent, i);
}

void Cache::flush(std::uint32_t i) {
  Instance& inst = instances_[i];
  if (inst.down > 0) return;
  for (std::uint32_t n = 0; n < config_.flush_batch && !inst.unflushed.empty(); ++n) {
    const std::uint64_t key = inst.unflushed.front().first;
    inst.unflushed.pop_front();
    to_backend(i, kNoSlot, config_.write_op, key, kFlush);
  }
  schedule_flush(i);
}

SimTime Cache::expiry(Instance& inst) {
  const SimTime now = world_.sim.now();
  if (config_.ttl == kTimeMax) return kTimeMax;
  double ttl = static_cast<double>(config_.ttl);
  if (config_.ttl_jitter > 0) ttl *= 1 + config_.ttl_jitter * (2 * inst.ttl_rng.uniform() - 1);
  return now + static_cast<SimTime>(ttl + 0.5);
}

void Cache::fill(std::uint32_t i, std::uint64_t key, std::uint64_t version) {
  Instance& inst = instances_[i];
  std::uint32_t e = inst.table.find(key);
  if (e == CacheTable::kNone) {
    if (config_.policy == EvictionPolicy::kTtl) {  // entries leave by expiry only: drop the expired oldest ones
      const SimTime now = world_.sim.now();
      for (std::uint32_t o = inst.table.oldest(); o != CacheTable::kNone && inst.table[o].expires <= now;
           o = inst.table.oldest()) {
        inst.table.erase(o);
        emit(i, CacheEvent::kExpired);
      }
    } else if (inst.table.full()) {
      inst.table.erase(inst.table.victim());
      emit(i, CacheEvent::kEviction);
    }
    e = inst.table.insert(key);
  }
  CacheEntry& entry = inst.table[e];
  entry.version = version;
  entry.expires = expiry(inst);
  entry.refreshing = false;
}

void Cache::hold(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  auto& held = instances_[r.instance].held;
  r.step = kWaiting;
  r.active_pos = static_cast<std::uint32_t>(held.size());
  held.push_back(slot);
}

void Cache::release_hold(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  auto& held = instances_[r.instance].held;
  const std::uint32_t moved = held.back();  // swap-remove
  held[r.active_pos] = moved;
  world_.requests[moved].active_pos = r.active_pos;
  held.pop_back();
  r.step = kDone;
}

void Cache::answer(std::uint32_t slot, bool during_arrival) {
  const Request& r = world_.requests[slot];
  world_.signals.finished(*this, r.instance, r, world_.sim.now());
  world_.reply(*this, slot, during_arrival);
}

std::uint64_t Cache::crash(std::uint32_t i) {
  Instance& inst = instances_[i];
  if (inst.down++ > 0) return 0;  // already down: nothing is held
  for (std::size_t n = 0; n < inst.unflushed.size(); ++n) emit(i, CacheEvent::kWriteLost);
  inst.unflushed.clear();
  inst.table.clear();
  inst.fetches.clear();
  scratch_.assign(inst.held.begin(), inst.held.end());
  inst.held.clear();
  const SimTime now = world_.sim.now();
  for (const std::uint32_t s : scratch_) {  // settled first: replies may run callers at once
    Request& r = world_.requests[s];
    r.error = ErrorKind::kUnavailable;
    r.step = kDone;  // the fetch's late reply is ignored
    world_.signals.finished(*this, i, r, now);
  }
  for (const std::uint32_t s : scratch_) world_.reply(*this, s, /*during_arrival=*/true);
  return scratch_.size();
}

void Cache::restart(std::uint32_t i) {
  Instance& inst = instances_[i];
  if (inst.down > 0) --inst.down;
}

}  // namespace archsim

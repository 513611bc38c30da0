#include "archsim/models/broker.hpp"

#include <algorithm>

#include "archsim/models/shard_map.hpp"

namespace archsim {

std::uint32_t Broker::consumer_count(const BrokerConfig& config) {
  std::uint32_t n = 0;
  for (const auto& g : config.groups) n += g.consumers;
  return std::max<std::uint32_t>(n, 1);
}

Broker::Broker(World& world, std::string name, std::vector<std::uint32_t> hosts, BrokerConfig config)
    : Component(world, std::move(name), "broker", std::move(hosts)),
      config_(std::move(config)),
      stored_(config_.partitions, 0),
      waiting_(config_.partitions) {
  for (std::uint32_t g = 0; g < config_.groups.size(); ++g) {
    Group& group = groups_.emplace_back();
    group.config = config_.groups[g];
    group.first = static_cast<std::uint32_t>(consumers_.size());
    const std::uint32_t queues = group.config.ordered ? config_.partitions : 1;
    group.ready.resize(queues);
    group.blocked.assign(queues, false);
    for (std::uint32_t c = 0; c < group.config.consumers; ++c) {
      const std::string path = this->name() + "/" + group.config.name + "[" + std::to_string(c) + "]";
      consumers_.push_back(Consumer{g, c, 0, false, {}, 0, 0, 0, 0, {}, -1, -1, -1, -1, -1,
                                    world.sim.stream(path + "/processing_time"), world.sim.stream(path + "/failures")});
    }
  }
}

void Broker::connect() {
  for (Group& g : groups_) {
    if (g.config.subscriber < 0) continue;
    const Component& target = *world_.components[static_cast<std::size_t>(g.config.subscriber)];
    g.picker.emplace_back(g.config.strategy, target.instances(),
                          world_.sim.stream(name() + "/" + g.config.name + "/subscriber"),
                          target.active_instances());
  }
}

void Broker::initialise() {
  for (std::uint32_t c = 0; c < consumers_.size(); ++c) {
    const SimTime interval = groups_[consumers_[c].group].config.checkpoint_interval;
    if (interval != kTimeMax) world_.sim.schedule_in(interval, handler(), kCheckpointEvent, c);
  }
}

void Broker::handle(const Event& event) {
  switch (event.kind) {
    case kArriveEvent: publish(static_cast<std::uint32_t>(event.payload)); break;
    case kReplyEvent: {  // a subscriber's answer to a delivery
      const auto slot = static_cast<std::uint32_t>(event.payload);
      const Request& r = world_.requests[slot];
      const std::uint32_t ci = r.caller_instance;
      const bool ok = r.error == ErrorKind::kNone;
      const std::uint64_t id = r.id;
      if (!r.not_sent) groups_[consumers_[ci].group].picker[0].replied(r.instance);
      world_.requests.release(slot);
      const Consumer& c = consumers_[ci];
      if (c.busy && c.request_id == id) finish(ci, ok);  // else the consumer crashed meanwhile
      break;
    }
    case kProcessedEvent: {
      const auto ci = static_cast<std::uint32_t>(event.payload & 0xFFFFFFFFull);
      const Consumer& c = consumers_[ci];
      if (c.busy && c.request_id == 0 && (c.delivery_id & 0xFFFFFFFFull) == event.payload >> 32) processed(ci);
      break;
    }
    case kVisibilityEvent: visibility_expired(event.payload); break;
    case kCheckpointEvent: checkpoint(static_cast<std::uint32_t>(event.payload)); break;
    default: break;
  }
}

void Broker::publish(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  const SimTime now = world_.sim.now();
  r.arrived = now;
  world_.signals.arrived(*this, r.instance, r, now);
  Message m;
  m.key = r.key;
  m.correlation_id = r.correlation_id;
  m.published = now;
  m.partition = static_cast<std::uint32_t>(key_hash(r.key) % config_.partitions);
  m.tenant = r.tenant;
  m.client = r.client;
  const bool fire_and_forget = r.op == config_.fire_and_forget_op;
  const std::uint32_t p = m.partition;
  if (groups_.empty()) {  // nobody reads the topic: nothing to keep
    emit(BrokerEvent::kPublished, 0, now, 0);
    answer(slot, ErrorKind::kNone);
  } else if (waiting_[p].empty() && (config_.capacity < 0 || static_cast<std::int64_t>(stored_[p]) < config_.capacity)) {
    store(m);
    answer(slot, ErrorKind::kNone);
  } else if (config_.drop_when_full) {
    emit(BrokerEvent::kDropped, 0, now, 0);
    answer(slot, fire_and_forget ? ErrorKind::kNone : ErrorKind::kRejected);  // fire-and-forget never hears of it
  } else {
    emit(BrokerEvent::kBlocked, 0, now, 0);
    waiting_[p].push_back(Pending{fire_and_forget ? kNoSlot : slot, m});
    if (fire_and_forget) answer(slot, ErrorKind::kNone);  // buffered by the producer, which goes on
  }
}

void Broker::answer(std::uint32_t request, ErrorKind error) {
  Request& r = world_.requests[request];
  r.error = error;
  if (error == ErrorKind::kNone) r.effect = true;
  world_.signals.finished(*this, r.instance, r, world_.sim.now());
  world_.reply(*this, request, /*during_arrival=*/true);  // callers may be inside their send
}

void Broker::store(const Message& message) {
  std::uint32_t slot;
  if (free_messages_.empty()) {
    slot = static_cast<std::uint32_t>(messages_.size());
    messages_.emplace_back();
    states_.resize(states_.size() + groups_.size());
  } else {
    slot = free_messages_.back();
    free_messages_.pop_back();
  }
  Message& m = messages_[slot];
  m = message;
  m.id = next_id_++;  // ids of messages and deliveries share one counter: both unique
  m.remaining = static_cast<std::uint32_t>(groups_.size());
  m.in_flight = 0;
  const Ref ref{slot, m.id};
  const std::uint32_t p = m.partition;
  const SimTime published = m.published;
  ++stored_[p];
  emit(BrokerEvent::kPublished, 0, published, 0);
  for (std::uint32_t g = 0; g < groups_.size(); ++g) {
    state(slot, g) = GroupState{};
    Group& group = groups_[g];
    group.outstanding.push_back(ref);
    ++group.lag;
    emit_lag(g);
    group.ready[group.config.ordered ? p : 0].push_back(ref);
    wake(g, p);
  }
}

void Broker::wake(std::uint32_t g, std::uint32_t partition) {
  Group& group = groups_[g];
  const std::uint32_t n = group.config.consumers;
  if (group.config.ordered) {
    try_deliver(group.first + partition % n);
    return;
  }
  for (std::uint32_t k = 0; k < n; ++k) {  // idle consumers take turns, so that each gets a share
    const std::uint32_t c = (group.wake_turn + k) % n;
    if (try_deliver(group.first + c)) group.wake_turn = (c + 1) % n;
  }
}

bool Broker::try_deliver(std::uint32_t ci) {
  Consumer& c = consumers_[ci];
  if (c.down > 0 || c.busy) return false;
  Group& group = groups_[c.group];
  const std::uint32_t n = group.config.consumers;
  auto take = [&](std::uint32_t q, Ref& out) {
    std::deque<Ref>& ready = group.ready[q];
    while (!ready.empty() && (!current(ready.front()) || state(ready.front().slot, c.group).done)) ready.pop_front();
    if (ready.empty()) return false;
    out = ready.front();
    ready.pop_front();
    return true;
  };
  Ref ref{};
  bool found = false;
  if (group.config.ordered) {
    const std::uint32_t owned = c.index < config_.partitions ? (config_.partitions - c.index + n - 1) / n : 0;
    for (std::uint32_t k = 0; k < owned && !found; ++k) {
      const std::uint32_t j = (c.next_partition + k) % owned;
      const std::uint32_t p = c.index + j * n;
      if (group.blocked[p] || !take(p, ref)) continue;
      group.blocked[p] = true;
      c.next_partition = (j + 1) % owned;
      found = true;
    }
  } else {
    found = take(0, ref);
  }
  if (!found) return false;

  const SimTime now = world_.sim.now();
  GroupState& st = state(ref.slot, c.group);
  ++st.deliveries;
  Message& m = messages_[ref.slot];
  ++m.in_flight;
  std::uint32_t d;
  if (free_deliveries_.empty()) {
    d = static_cast<std::uint32_t>(deliveries_.size());
    deliveries_.emplace_back();
  } else {
    d = free_deliveries_.back();
    free_deliveries_.pop_back();
  }
  const std::uint64_t id = next_id_++;
  deliveries_[d] = Delivery{id, ref, c.group, true};
  c.busy = true;
  c.message = ref;
  c.delivery = d;
  c.delivery_id = id;
  emit(BrokerEvent::kDelivered, c.group, m.published, st.deliveries);
  world_.signals.busy(*this, ci, 1, now);
  const std::uint64_t tag = (id & 0xFFFFFFFFull) << 32;
  world_.sim.schedule_in(group.config.visibility_timeout, handler(), kVisibilityEvent, tag | d);
  const double seconds = group.config.processing_time.sample(c.processing_rng);
  world_.sim.schedule_in(draw_to_time(seconds), handler(), kProcessedEvent, tag | ci);
  return true;
}

void Broker::processed(std::uint32_t ci) {
  Consumer& c = consumers_[ci];
  Group& group = groups_[c.group];
  if (group.config.failure_probability > 0 && c.failure_rng.bernoulli(group.config.failure_probability)) {
    finish(ci, false);
    return;
  }
  if (group.config.subscriber < 0) {
    finish(ci, true);
    return;
  }
  const Message& m = messages_[c.message.slot];
  const std::uint32_t slot = world_.requests.acquire();
  Request& r = world_.requests[slot];
  r.id = world_.sim.next_id();
  r.correlation_id = m.correlation_id;
  r.key = m.key;
  r.tenant = m.tenant;
  r.client = m.client;
  r.op = group.config.event_op;
  c.request_id = r.id;
  InstancePicker& picker = group.picker[0];
  const std::uint32_t to = picker.pick();
  picker.sent(to);
  world_.send(*this, ci, slot, *world_.components[static_cast<std::size_t>(group.config.subscriber)], to);
}

bool Broker::let_go(std::uint32_t ci) {
  Consumer& c = consumers_[ci];
  const Delivery& delivery = deliveries_[c.delivery];
  const bool open = delivery.id == c.delivery_id && delivery.open;
  c.busy = false;
  c.delivery_id = 0;
  c.request_id = 0;
  world_.signals.busy(*this, ci, 0, world_.sim.now());
  --messages_[c.message.slot].in_flight;  // still current until now: in_flight kept it
  return open;
}

void Broker::close(std::uint32_t d) {
  deliveries_[d].open = false;
  deliveries_[d].id = 0;
  free_deliveries_.push_back(d);
}

void Broker::finish(std::uint32_t ci, bool ok) {
  Consumer& c = consumers_[ci];
  const Ref ref = c.message;
  const std::uint32_t g = c.group;
  Group& group = groups_[g];
  const bool open = let_go(ci);
  const std::uint32_t p = messages_[ref.slot].partition;
  const SimTime published = messages_[ref.slot].published;
  if (!ok) {
    emit(BrokerEvent::kFailed, g, published, 0);  // no ack: the visibility timeout returns it
  } else {
    if (open) {
      close(c.delivery);
      if (group.config.ordered) group.blocked[p] = false;
    }
    GroupState& st = state(ref.slot, g);
    if (st.processed) {
      emit(BrokerEvent::kDuplicate, g, published, group.config.idempotent ? 1 : 0);
    } else if (!st.done) {  // (a message dead-lettered while this delivery ran is left there)
      st.processed = true;
      if (st.replay) {
        st.replay = false;
        emit(BrokerEvent::kReprocessed, g, published, 0);
      } else {
        world_.signals.broker(*this, BrokerSignal{BrokerEvent::kProcessed, g, published, st.deliveries, kTimeMax, p},
                              world_.sim.now());
      }
      if (group.config.checkpoint_interval != kTimeMax) {
        c.uncommitted.push_back(ref);
        advance_windows(c, published);
      } else {
        done(ref, g);
      }
    }
  }
  release_if_unused(ref.slot);
  try_deliver(ci);
}

void Broker::visibility_expired(std::uint64_t payload) {
  const auto d = static_cast<std::uint32_t>(payload & 0xFFFFFFFFull);
  Delivery& delivery = deliveries_[d];
  if (!delivery.open || (delivery.id & 0xFFFFFFFFull) != payload >> 32) return;  // acked, or a crash returned it
  const Ref ref = delivery.message;
  const std::uint32_t g = delivery.group;
  close(d);
  expire(ref, g);
}

void Broker::expire(const Ref& ref, std::uint32_t g) {
  if (!current(ref) || state(ref.slot, g).done) return;
  const GroupState& st = state(ref.slot, g);
  const std::uint32_t p = messages_[ref.slot].partition;
  Group& group = groups_[g];
  if (group.config.max_deliveries > 0 && st.deliveries >= group.config.max_deliveries) {
    emit(BrokerEvent::kDeadLettered, g, messages_[ref.slot].published, st.deliveries);
    if (group.config.ordered) group.blocked[p] = false;
    done(ref, g);
  } else {
    make_visible(ref, g, /*front=*/group.config.ordered);
  }
  wake(g, p);
}

void Broker::make_visible(const Ref& ref, std::uint32_t g, bool front) {
  Group& group = groups_[g];
  const std::uint32_t p = messages_[ref.slot].partition;
  const std::uint32_t q = group.config.ordered ? p : 0;
  if (group.config.ordered) group.blocked[p] = false;
  front ? group.ready[q].push_front(ref) : group.ready[q].push_back(ref);
}

void Broker::done(const Ref& ref, std::uint32_t g) {
  state(ref.slot, g).done = true;
  --groups_[g].lag;
  emit_lag(g);
  Message& m = messages_[ref.slot];
  const std::uint32_t p = m.partition;
  const bool gone = --m.remaining == 0;
  release_if_unused(ref.slot);
  if (!gone) return;
  --stored_[p];
  while (!waiting_[p].empty() && (config_.capacity < 0 || static_cast<std::int64_t>(stored_[p]) < config_.capacity)) {
    const Pending next = waiting_[p].front();
    waiting_[p].pop_front();
    Message admitted = next.message;
    admitted.published = world_.sim.now();  // enters the log now; the producer's wait is the publish latency
    store(admitted);
    if (next.request != kNoSlot) answer(next.request, ErrorKind::kNone);
  }
}

void Broker::release_if_unused(std::uint32_t slot) {
  Message& m = messages_[slot];
  if (m.id == 0 || m.remaining > 0 || m.in_flight > 0) return;
  m.id = 0;  // stale references (ready queues, the lag) see it is gone
  free_messages_.push_back(slot);
}

void Broker::checkpoint(std::uint32_t ci) {
  Consumer& c = consumers_[ci];
  const std::uint32_t g = c.group;
  world_.sim.schedule_in(groups_[g].config.checkpoint_interval, handler(), kCheckpointEvent, ci);
  if (c.down > 0) return;
  std::vector<Ref> commit;
  commit.swap(c.uncommitted);
  for (const Ref& ref : commit)
    if (current(ref) && !state(ref.slot, g).done) done(ref, g);
  c.checkpoint_watermark = c.watermark;
  c.checkpoint_window = c.closed_window;
  emit(BrokerEvent::kCheckpoint, g, 0, commit.size());
}

void Broker::advance_windows(Consumer& c, SimTime published) {
  const SimTime width = groups_[c.group].config.state_window;
  if (width == 0) return;
  c.watermark = std::max<std::int64_t>(c.watermark, published);
  const std::int64_t closed = c.watermark / width - 1;  // window k closes once the watermark reaches (k+1) x width
  if (closed <= c.closed_window) return;
  const std::int64_t again = std::max<std::int64_t>(0, std::min(closed, c.max_closed_window) - c.closed_window);
  const std::int64_t fresh = closed - c.closed_window - again;
  if (fresh > 0) emit(BrokerEvent::kWindowEmitted, c.group, 0, static_cast<std::uint64_t>(fresh));
  if (again > 0) emit(BrokerEvent::kWindowReemitted, c.group, 0, static_cast<std::uint64_t>(again));
  c.closed_window = closed;
  c.max_closed_window = std::max(c.max_closed_window, closed);
}

std::uint64_t Broker::crash(std::uint32_t ci) {
  Consumer& c = consumers_[ci];
  if (c.down++ > 0) return 0;
  const std::uint32_t g = c.group;
  Group& group = groups_[g];
  std::uint64_t lost = 0;
  std::vector<std::uint32_t> wake_partitions;
  // The broker sees the connection drop: the message in hand is returned at
  // once (or dead-lettered, if that was its last delivery).
  if (c.busy) {
    const Ref ref = c.message;
    lost = 1;
    if (let_go(ci)) {
      close(c.delivery);
      expire(ref, g);
    }
    release_if_unused(ref.slot);
  }
  // Streaming: the state since the last checkpoint is lost; its messages are
  // processed again, in their order, ahead of the rest.
  std::uint64_t replay = 0;
  for (auto it = c.uncommitted.rbegin(); it != c.uncommitted.rend(); ++it) {
    if (!current(*it) || state(it->slot, g).done) continue;
    GroupState& st = state(it->slot, g);
    st.processed = false;
    st.replay = true;
    make_visible(*it, g, /*front=*/true);
    wake_partitions.push_back(messages_[it->slot].partition);
    ++replay;
  }
  c.uncommitted.clear();
  c.watermark = c.checkpoint_watermark;
  c.closed_window = c.checkpoint_window;
  if (group.config.checkpoint_interval != kTimeMax) emit(BrokerEvent::kRestored, g, 0, replay);
  for (const std::uint32_t p : wake_partitions) wake(g, p);
  return lost;
}

void Broker::restart(std::uint32_t ci) {
  Consumer& c = consumers_[ci];
  if (c.down == 0 || --c.down > 0) return;
  try_deliver(ci);
}

void Broker::emit(BrokerEvent e, std::uint32_t group, SimTime published, std::uint64_t value) {
  world_.signals.broker(*this, BrokerSignal{e, group, published, value, kTimeMax}, world_.sim.now());
}

void Broker::emit_lag(std::uint32_t g) {
  Group& group = groups_[g];
  auto& out = group.outstanding;
  while (!out.empty() && (!current(out.front()) || state(out.front().slot, g).done)) out.pop_front();
  const SimTime oldest = out.empty() ? kTimeMax : messages_[out.front().slot].published;
  world_.signals.broker(*this, BrokerSignal{BrokerEvent::kLag, g, 0, group.lag, oldest}, world_.sim.now());
}

}  // namespace archsim

#include "archsim/models/client.hpp"

#include <algorithm>
#include <stdexcept>

namespace archsim {

Client::Client(World& world, std::string name, std::vector<std::uint32_t> hosts, ClientConfig config)
    : Component(world, std::move(name), "client", std::move(hosts)),
      config_(std::move(config)),
      key_rng_(world.sim.stream(this->name() + "/keys")),
      op_rng_(world.sim.stream(this->name() + "/ops")),
      think_rng_(world.sim.stream(this->name() + "/think")),
      tenant_rng_(world.sim.stream(this->name() + "/tenants")) {
  if (config_.mix.empty()) throw std::invalid_argument("client '" + this->name() + "': the operation mix is empty");
  double total = 0;
  for (const auto& [op, w] : config_.mix) total += w;
  double run = 0;
  for (const auto& [op, w] : config_.mix) mix_cumulative_.push_back((run += w) / total);
  mix_cumulative_.back() = 1.0;
  if (!config_.closed) arrivals_.emplace(config_.rate_schedule, world.sim.stream(this->name() + "/arrivals"));
}

void Client::connect() {
  target_ = world_.components[config_.target];
  draw_keys_ = std::any_of(world_.components.begin(), world_.components.end(),
                           [](const Component* c) { return c->reads_keys(); });
  picker_.emplace(config_.strategy, target_->instances(), world_.sim.stream(name() + "/strategy"),
                  target_->active_instances());
}

void Client::initialise() {
  if (config_.closed) {
    think_ahead_.first(config_.think, think_rng_);
    for (std::uint32_t u = 0; u < config_.users; ++u) world_.sim.schedule_at(0, handler(), kThinkDone, u);
  } else {
    const SimTime first = arrivals_->next();
    if (first != kTimeMax) world_.sim.schedule_at(first, handler(), kNextArrival, 0);
  }
}

std::uint16_t Client::draw_from_mix() {
  const double u = op_rng_.uniform();
  std::size_t i = 0;
  while (i + 1 < mix_cumulative_.size() && u >= mix_cumulative_[i]) ++i;
  return config_.mix[i].first;
}

void Client::handle(const Event& event) {
  switch (event.kind) {
    case kNextArrival: {
      issue(0);
      const SimTime next = arrivals_->next();
      if (next != kTimeMax) world_.sim.schedule_at(next, handler(), kNextArrival, 0);
      break;
    }
    case kThinkDone: issue(static_cast<std::uint32_t>(event.payload)); break;
    case kReplyEvent: replied(static_cast<std::uint32_t>(event.payload)); break;
    default: break;
  }
}

void Client::reply_now(std::uint32_t slot) { replied(slot); }

void Client::issue(std::uint32_t user) {
  const SimTime now = world_.sim.now();
  const std::uint32_t slot = world_.requests.acquire();
  {
    Request& r = world_.requests[slot];
    r.id = world_.sim.next_id();
    r.correlation_id = r.id;
    r.client = index();
    r.component = index();
    r.op = draw_op();
    r.key = draw_keys_ ? config_.keys.sample(key_rng_) : 0;
    if (config_.tenant != 0) {
      r.tenant = config_.tenant;
      r.key = tenant_key(r.tenant, r.key);
    } else {
      r.tenant = config_.tenants > 1 ? static_cast<std::uint32_t>(tenant_rng_.below(config_.tenants)) : 0;
    }
    r.user = user;
    r.start = r.arrived = now;
    r.deadline = config_.deadline == kTimeMax ? kTimeMax : now + config_.deadline;
    world_.signals.arrived(*this, 0, r, now);
    // The root request's slot now becomes its call to the target: a child of the
    // root in every field but the slot (its own id, the root's as parent_id), so a
    // customer costs one slot, not two. replied() turns it back into the root.
    r.parent_id = r.id;
    r.id = world_.sim.next_id();
  }
  const std::uint32_t to = picker_->pick();
  picker_->sent(to);
  world_.send(*this, 0, slot, *target_, to);
}

void Client::replied(std::uint32_t slot) {
  Request& r = world_.requests[slot];
  picker_->replied(r.instance);
  // Back to the root's view (see issue()); the call's outcome is the root's.
  r.id = r.parent_id;
  r.parent_id = 0;
  r.component = index();
  r.instance = 0;
  r.arrived = r.start;  // the call was sent in the instant the root arrived
  const SimTime now = world_.sim.now();
  if (r.error == ErrorKind::kNone && now > r.deadline) r.error = ErrorKind::kTimeout;
  world_.signals.finished(*this, 0, r, now);
  const std::uint32_t user = r.user;
  world_.requests.release(slot);
  if (config_.closed) {
    world_.sim.schedule_in(think_ahead_.take_time(config_.think, think_rng_), handler(), kThinkDone, user);
  }
  world_.root_completed();
}

}  // namespace archsim

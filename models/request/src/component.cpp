#include "archsim/models/component.hpp"

#include <fmt/format.h>

namespace archsim {

Component::Component(World& world, std::string name, std::string kind, std::vector<std::uint32_t> hosts)
    : world_(world),
      name_(std::move(name)),
      kind_(std::move(kind)),
      hosts_(std::move(hosts)),
      network_rng_(world.sim.stream(name_ + "/network")) {}

std::string Component::instance_name(std::uint32_t instance) const { return fmt::format("{}[{}]", name_, instance); }

void Component::arrive_now(std::uint32_t slot) { handle(Event{world_.sim.now(), 0, handler_, kArriveEvent, slot}); }

void Component::reply_now(std::uint32_t slot) { handle(Event{world_.sim.now(), 0, handler_, kReplyEvent, slot}); }

std::uint32_t World::make_child(std::uint32_t parent_slot, std::uint16_t op) {
  const std::uint32_t slot = requests.acquire();
  const Request& p = requests[parent_slot];
  Request& c = requests[slot];
  c.id = sim.next_id();
  c.correlation_id = p.correlation_id;
  c.parent_id = p.id;
  c.parent = parent_slot;
  c.parent_step = p.step;
  c.key = p.key;
  c.deadline = p.deadline;
  c.client = p.client;
  c.tenant = p.tenant;
  c.user = p.user;  // the client session, for session guarantees
  c.op = op;
  return slot;
}

void World::relay_reply(Component& from, std::uint32_t child) {
  const Request& c = requests[child];
  const std::uint32_t parent = c.parent;
  const bool current = requests[parent].id == c.parent_id;
  const ReplyOutcome outcome = ReplyOutcome::of(c);
  requests.release(child);
  if (!current) return;
  Request& p = requests[parent];
  outcome.copy_to(p);
  signals.finished(from, p.instance, p, sim.now());
  reply(from, parent);
}

}  // namespace archsim

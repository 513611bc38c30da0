#include "archsim/models/balancer.hpp"

namespace archsim {

Balancer::Balancer(World& world, std::string name, std::vector<std::uint32_t> hosts, Strategy strategy,
                   std::uint32_t target)
    : Component(world, std::move(name), "balancer", std::move(hosts)), target_index_(target), strategy_(strategy) {}

void Balancer::connect() {
  target_ = world_.components[target_index_];
  picker_.emplace(strategy_, target_->instances(), world_.sim.stream(name() + "/strategy"),
                  target_->active_instances());
}

void Balancer::handle(const Event& event) {
  const auto slot = static_cast<std::uint32_t>(event.payload);
  if (event.kind == kArriveEvent) {
    Request& r = world_.requests[slot];
    r.arrived = world_.sim.now();
    const std::uint32_t self = r.instance;
    world_.signals.arrived(*this, self, r, r.arrived);
    const std::uint32_t child = world_.make_child(slot, r.op);
    const std::uint32_t to = picker_->pick();
    picker_->sent(to);
    world_.send(*this, self, child, *target_, to);
    return;
  }
  // kReplyEvent: relay the child's outcome to our caller.
  picker_->replied(world_.requests[slot].instance);
  world_.relay_reply(*this, slot);
}

}  // namespace archsim

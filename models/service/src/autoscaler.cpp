#include "archsim/models/autoscaler.hpp"

namespace archsim {

Autoscaler::Autoscaler(World& world, Service& service)
    : world_(world),
      service_(service),
      config_(service.config().autoscale),
      busy_(service.instances(), 0),
      waiting_(service.instances(), 0),
      active_(service.count(InstanceState::kActive)) {
  active_level_.set(0, active_);
}

void Autoscaler::initialise(Simulation& sim, SimTime until) {
  handler_ = sim.add_handler(this);
  until_ = until;
  if (config_.interval <= until_) sim.schedule_at(config_.interval, handler_, kEvaluate);
}

void Autoscaler::update_levels(SimTime now) {
  busy_level_.set(now, static_cast<std::int64_t>(active_busy_));
  waiting_level_.set(now, static_cast<std::int64_t>(active_waiting_));
  active_level_.set(now, active_);
}

void Autoscaler::on_busy(const Component& c, std::uint32_t i, std::uint32_t busy, SimTime now) {
  if (&c != &service_) return;
  if (service_.state(i) == InstanceState::kActive) active_busy_ = active_busy_ + busy - busy_[i];
  busy_[i] = busy;
  update_levels(now);
}

void Autoscaler::on_queue_length(const Component& c, std::uint32_t i, std::size_t n, SimTime now) {
  if (&c != &service_) return;
  const auto waiting = static_cast<std::uint32_t>(n);
  if (service_.state(i) == InstanceState::kActive) active_waiting_ = active_waiting_ + waiting - waiting_[i];
  waiting_[i] = waiting;
  update_levels(now);
}

void Autoscaler::on_instance_state(const Component& c, std::uint32_t, InstanceState, SimTime now) {
  if (&c != &service_) return;
  // Recount: the signal does not say what the instance was before.
  active_busy_ = active_waiting_ = 0;
  active_ = 0;
  for (const std::uint32_t a : *service_.active_instances()) {
    active_busy_ += busy_[a];
    active_waiting_ += waiting_[a];
    ++active_;
  }
  update_levels(now);
}

void Autoscaler::handle(const Event& event) {
  const SimTime now = world_.sim.now();
  if (event.kind == kProvisioned) {
    service_.provisioned(static_cast<std::uint32_t>(event.payload & 0xFFFFFFFFull),
                         static_cast<std::uint32_t>(event.payload >> 32));
    return;
  }
  evaluate(now);
  if (now + config_.interval <= until_) world_.sim.schedule_in(config_.interval, handler_, kEvaluate);
}

void Autoscaler::evaluate(SimTime now) {
  // Ratios of time averages over the same span: ratios of the integrals.
  const double active = active_level_.average(now);
  const double observed = config_.metric == ScalingMetric::kUtilisation
                              ? busy_level_.average(now) / (active * service_.workers())
                              : waiting_level_.average(now) / active;
  busy_level_.reset(now);
  waiting_level_.reset(now);
  active_level_.reset(now);
  const std::uint32_t current = active_ + service_.count(InstanceState::kProvisioning);
  const std::uint32_t desired = desired_instances(config_, active, observed, current);
  if (desired == current) return;
  const SimTime cooldown = desired > current ? config_.scale_up_cooldown : config_.scale_down_cooldown;
  if (last_scaled_ && now - *last_scaled_ < cooldown) return;
  last_scaled_ = now;
  world_.signals.scaled(service_, ScalingSignal{current, desired, observed}, now);
  for (std::uint32_t n = current; n < desired; ++n) {
    if (const auto i = service_.scale_up()) {
      const std::uint64_t payload = *i | static_cast<std::uint64_t>(service_.generation(*i)) << 32;
      world_.sim.schedule_in(config_.provisioning_delay, handler_, kProvisioned, payload);
    }
  }
  for (std::uint32_t n = current; n > desired; --n) service_.scale_down();
}

}  // namespace archsim

#include "archsim/models/fault_injector.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "archsim/core/nearest_name.hpp"

namespace archsim {

FaultInjector::FaultInjector(const std::vector<FaultSpec>& faults, const std::vector<Component*>& components,
                             SimTime run_end) {
  std::vector<std::string> names;
  for (const Component* c : components) names.push_back(c->name());
  for (std::size_t f = 0; f < faults.size(); ++f) {
    const FaultSpec& spec = faults[f];
    const std::string where = fmt::format("fault {} ({} of '{}')", f, spec.kind, spec.target);
    if (spec.kind != "crash" && spec.kind != "slow")
      throw std::invalid_argument(fmt::format("{}: kind must be crash or slow", where));
    if (spec.kind == "slow" && !(std::isfinite(spec.factor) && spec.factor > 0))
      throw std::invalid_argument(fmt::format("{}: factor must be > 0, got {}", where, spec.factor));
    if (spec.at < 0 || spec.duration <= 0)
      throw std::invalid_argument(fmt::format("{}: at must be >= 0 and duration > 0", where));
    if (spec.at >= run_end)
      throw std::invalid_argument(fmt::format("{}: it starts at {}, after the run ends at {}: it can never fire",
                                              where, format_duration(spec.at), format_duration(run_end)));
    // "name" or "name[i]"
    std::string name = spec.target;
    long instance = -1;
    if (const auto open = name.find('['); open != std::string::npos && name.back() == ']') {
      const std::string digits = name.substr(open + 1, name.size() - open - 2);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
        throw std::invalid_argument(fmt::format("{}: instance index '{}' is not a number", where, digits));
      instance = std::stol(digits);
      name = name.substr(0, open);
    }
    Component* target = nullptr;
    for (Component* c : components)
      if (c->name() == name) target = c;
    if (target == nullptr)
      throw std::invalid_argument(fmt::format("{}: no component '{}'{}", where, name, did_you_mean(name, names)));
    auto* service = dynamic_cast<Service*>(target);  // once, before the run
    if (service == nullptr)
      throw std::invalid_argument(fmt::format("{}: '{}' is a {}; faults apply to services", where, name, target->kind()));
    if (instance >= static_cast<long>(service->instances()))
      throw std::invalid_argument(fmt::format("{}: '{}' has instances 0 to {}", where, name, service->instances() - 1));
    for (std::uint32_t i = 0; i < service->instances(); ++i)
      if (instance < 0 || static_cast<long>(i) == instance) planned_.push_back({spec, service, i});
  }
}

void FaultInjector::initialise(Simulation& sim) {
  sim_ = &sim;
  const std::uint32_t id = sim.add_handler(this);
  for (std::size_t p = 0; p < planned_.size(); ++p) {
    sim.schedule_at(planned_[p].spec.at, id, kBegin, p);
    const FaultSpec& s = planned_[p].spec;
    if (s.duration != kTimeMax && s.at <= kTimeMax - s.duration) sim.schedule_at(s.at + s.duration, id, kEnd, p);
  }
}

void FaultInjector::handle(const Event& event) {
  Planned& p = planned_[event.payload];
  const SimTime now = sim_->now();
  if (event.kind == kBegin) {
    p.log_index = log_.size();
    FaultRecord rec{p.spec.kind, p.service->instance_name(p.instance), now, -1, 0};
    if (p.spec.kind == "crash") {
      log_.push_back(rec);
      log_.back().failed_requests = p.service->crash(p.instance);  // replies may run callers: log first
    } else {
      p.service->set_slow_factor(p.instance, p.spec.factor);
      log_.push_back(rec);
    }
    return;
  }
  log_[p.log_index].end = now;
  if (p.spec.kind == "crash") {
    p.service->restart(p.instance);
  } else {
    p.service->set_slow_factor(p.instance, 1.0);
  }
}

}  // namespace archsim

#include "archsim/models/fault_injector.hpp"
#include "invalid_model.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "archsim/core/nearest_name.hpp"

namespace archsim {
namespace {


// "restart" is a crash by another name: a rolling restart's (deployment_controller.hpp).
const std::vector<std::string> kServiceKinds{"crash", "slow", "drop_responses", "error_responses",
                                             "corrupt_responses", "random_crashes", "restart"};
const std::vector<std::string> kNetworkKinds{"partition", "link_latency"};

bool is_one_of(const std::string& kind, const std::vector<std::string>& kinds) {
  for (const auto& k : kinds)
    if (k == kind) return true;
  return false;
}

ResponseFault response_fault(const std::string& kind) {
  return kind == "drop_responses" ? ResponseFault::kDrop
         : kind == "error_responses" ? ResponseFault::kError
                                     : ResponseFault::kCorrupt;
}

// "name[i]" -> (name, i); "name" -> (name, -1).
std::pair<std::string, long> split_instance(const std::string& target, const std::string& where) {
  const auto open = target.find('[');
  if (open == std::string::npos || target.back() != ']') return {target, -1};
  const std::string digits = target.substr(open + 1, target.size() - open - 2);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
    fail(fmt::format("{}: instance index '{}' is not a number", where, digits));
  return {target.substr(0, open), std::stol(digits)};
}

Component* find(const std::vector<Component*>& components, const std::string& name) {
  for (Component* c : components)
    if (c->name() == name) return c;
  return nullptr;
}

bool positive_mean(const Distribution& d) { return d.mean().value_or(1) > 0; }

}  // namespace

FaultInjector::FaultInjector(const std::vector<FaultSpec>& faults, const std::vector<Component*>& components,
                             Network& network, Simulation& sim, SimTime run_end)
    : network_(network), sim_(sim) {
  for (std::size_t f = 0; f < faults.size(); ++f) {
    const FaultSpec& spec = faults[f];
    const bool network_fault = is_one_of(spec.kind, kNetworkKinds);
    const std::string where =
        network_fault ? fmt::format("fault {} ({} between [{}] and [{}])", f, spec.kind, fmt::join(spec.sites_a, ", "),
                                    fmt::join(spec.sites_b, ", "))
                      : fmt::format("fault {} ({} of '{}')", f, spec.kind, spec.target);
    if (!network_fault && !is_one_of(spec.kind, kServiceKinds))
      fail(fmt::format("{}: kind must be one of {}, {}", where, fmt::join(kServiceKinds, ", "),
                       fmt::join(kNetworkKinds, ", ")));
    if (spec.kind == "slow" && !(std::isfinite(spec.factor) && spec.factor > 0))
      fail(fmt::format("{}: factor must be > 0, got {}", where, spec.factor));
    if (spec.kind.ends_with("_responses") && !(spec.probability > 0 && spec.probability <= 1))
      fail(fmt::format("{}: probability must be in (0, 1], got {}", where, spec.probability));
    if (spec.kind == "random_crashes" && !(positive_mean(spec.mttf) && positive_mean(spec.mttr)))
      fail(fmt::format("{}: mttf and mttr must have a mean > 0", where));
    if (spec.at < 0 || spec.duration <= 0) fail(fmt::format("{}: at must be >= 0 and duration > 0", where));
    if (spec.at >= run_end)
      fail(fmt::format("{}: it starts at {}, after the run ends at {}: it can never fire", where,
                       format_duration(spec.at), format_duration(run_end)));
    if (network_fault) {
      plan_network_fault(spec, where, components);
    } else {
      plan_service_fault(spec, where, components);
    }
  }
}

void FaultInjector::plan_service_fault(const FaultSpec& spec, const std::string& where,
                                       const std::vector<Component*>& components) {
  const auto [name, instance] = split_instance(spec.target, where);
  Component* target = find(components, name);
  if (target == nullptr) {
    std::vector<std::string> names;
    for (const Component* c : components) names.push_back(c->name());
    fail(fmt::format("{}: no component '{}'{}", where, name, did_you_mean(name, names)));
  }
  auto* service = dynamic_cast<Service*>(target);  // once, before the run
  auto* crashable = dynamic_cast<Crashable*>(target);
  const bool crash_kind = spec.kind == "crash" || spec.kind == "random_crashes" || spec.kind == "restart";
  if (service == nullptr && !(crash_kind && crashable != nullptr))
    fail(fmt::format("{}: '{}' is a {}; faults apply to services (crashes also to caches, stores and brokers)", where, name,
                     target->kind()));
  if (instance >= static_cast<long>(target->instances()))
    fail(fmt::format("{}: '{}' has instances 0 to {}", where, name, target->instances() - 1));
  for (std::uint32_t i = 0; i < target->instances(); ++i) {
    if (instance >= 0 && static_cast<long>(i) != instance) continue;
    for (const Planned& p : planned_)
      if (spec.kind == "random_crashes" && p.crashable == crashable && p.instance == i && p.rng)
        fail(fmt::format("{}: {} already has random crashes", where, target->instance_name(i)));
    Planned p{spec, service, i, 0, target->instance_name(i), std::nullopt, 0, 0, false, crashable};
    if (spec.kind == "random_crashes") p.rng.emplace(sim_.stream(p.target + "/random_crashes"));
    planned_.push_back(std::move(p));
  }
}

void FaultInjector::plan_network_fault(const FaultSpec& spec, const std::string& where,
                                       const std::vector<Component*>& components) {
  std::vector<std::uint8_t> used(network_.host_count(), 0);  // hosts where an instance runs
  for (const Component* c : components)
    for (std::uint32_t i = 0; i < c->instances(); ++i) used[c->host(i)] = 1;
  // The hosts a site names: an instance, a component, a host, a zone or a region.
  auto hosts_of = [&](const std::string& site) {
    std::vector<std::uint32_t> out;
    const auto [name, instance] = split_instance(site, where);
    if (const Component* c = find(components, name)) {
      if (instance >= static_cast<long>(c->instances()))
        fail(fmt::format("{}: '{}' has instances 0 to {}", where, name, c->instances() - 1));
      for (std::uint32_t i = 0; i < c->instances(); ++i)
        if (instance < 0 || static_cast<long>(i) == instance) out.push_back(c->host(i));
      return out;
    }
    std::vector<std::string> names;
    bool known = false;
    for (const Component* c : components) names.push_back(c->name());
    for (std::uint32_t z = 0; z < network_.zone_count(); ++z) {
      known = known || network_.zone_name(z) == site || network_.zone_region(z) == site;
      names.push_back(network_.zone_name(z));
      names.push_back(network_.zone_region(z));
    }
    for (std::uint32_t h = 0; h < network_.host_count(); ++h) {
      const std::uint32_t z = network_.host_zone(h);
      if (network_.host_name(h) == site || network_.zone_name(z) == site || network_.zone_region(z) == site)
        out.push_back(h);
      names.push_back(network_.host_name(h));
    }
    if (out.empty() && !known)
      fail(fmt::format("{}: no zone, region, host, component or instance is named '{}'{}", where, site,
                       did_you_mean(site, names)));
    return out;
  };
  if (spec.sites_a.empty() || spec.sites_b.empty()) fail(fmt::format("{}: both groups need at least one site", where));
  LinkFault link;
  link.side.assign(network_.host_count(), 0);
  for (std::uint8_t group = 1; group <= 2; ++group) {
    const auto& sites = group == 1 ? spec.sites_a : spec.sites_b;
    bool runs_something = false;
    for (const std::string& site : sites)
      for (const std::uint32_t h : hosts_of(site)) {
        if (link.side[h] != 0 && link.side[h] != group)
          fail(fmt::format("{}: host '{}' is in both groups", where, network_.host_name(h)));
        link.side[h] = group;
        runs_something = runs_something || used[h];
      }
    if (!runs_something)
      fail(fmt::format("{}: no instance runs in [{}]: it can never fire", where, fmt::join(sites, ", ")));
  }
  link.partition = spec.kind == "partition";
  link.one_way = spec.one_way;
  link.extra = spec.latency;
  const std::string target =
      fmt::format("{} {} {}", fmt::join(spec.sites_a, ","), spec.one_way ? "->" : "|", fmt::join(spec.sites_b, ","));
  link.rng = sim_.stream("fault/" + spec.kind + "/" + target);
  const std::uint32_t id = network_.faults().add(std::move(link));
  planned_.push_back(Planned{spec, nullptr, 0, id, target, std::nullopt, 0, 0, false});
}

void FaultInjector::initialise() {
  handler_ = sim_.add_handler(this);
  for (std::size_t p = 0; p < planned_.size(); ++p) {
    const FaultSpec& s = planned_[p].spec;
    sim_.schedule_at(s.at, handler_, kBegin, p);
    if (s.duration != kTimeMax && s.at <= kTimeMax - s.duration && s.kind != "random_crashes")
      sim_.schedule_at(s.at + s.duration, handler_, kEnd, p);
  }
}

std::uint64_t FaultInjector::counter(const Planned& p) const {
  if (p.service == nullptr)
    return p.crashable != nullptr ? p.crashable->refused(p.instance) : network_.faults().affected(p.link);
  const InstanceFaultCounts& c = p.service->fault_counts(p.instance);
  const std::string& k = p.spec.kind;
  return k == "slow" ? c.slowed
         : k == "drop_responses" ? c.dropped
         : k == "error_responses" ? c.errored
         : k == "corrupt_responses" ? c.corrupted
                                    : c.refused;  // crash, random_crashes, restart
}

void FaultInjector::begin_record(Planned& p, const char* kind) {
  p.log_index = log_.size();
  p.recording = true;
  p.count_at_begin = counter(p);
  log_.push_back(FaultRecord{kind, p.target, sim_.now(), -1, 0, 0});
}

void FaultInjector::end_record(Planned& p) {
  FaultRecord& rec = log_[p.log_index];
  rec.end = sim_.now();
  rec.affected = rec.failed_requests + counter(p) - p.count_at_begin;
  p.recording = false;
}

void FaultInjector::handle(const Event& event) {
  Planned& p = planned_[event.payload];
  const SimTime now = sim_.now();
  const FaultSpec& s = p.spec;
  auto draw = [&](const Distribution& d) { return static_cast<SimTime>(std::llround(d.sample(*p.rng) * 1e9)); };
  switch (event.kind) {
    case kBegin:
      if (s.kind == "random_crashes") {
        sim_.schedule_in(draw(s.mttf), handler_, kRandomCrash, event.payload);
        return;
      }
      begin_record(p, s.kind.c_str());
      if (s.kind == "crash" || s.kind == "restart") {
        log_[p.log_index].failed_requests = p.crashable->crash(p.instance);  // replies may run callers: log first
      } else if (s.kind == "slow") {
        p.service->set_slow_factor(p.instance, s.factor);
      } else if (p.service != nullptr) {
        p.service->set_response_fault(p.instance, response_fault(s.kind), s.probability);
      } else {
        network_.faults().set_active(p.link, true);
      }
      return;
    case kEnd:
      end_record(p);
      if (s.kind == "crash" || s.kind == "restart") {
        p.crashable->restart(p.instance);
      } else if (s.kind == "slow") {
        p.service->set_slow_factor(p.instance, 1.0);
      } else if (p.service != nullptr) {
        p.service->set_response_fault(p.instance, response_fault(s.kind), 0.0);
      } else {
        network_.faults().set_active(p.link, false);
      }
      return;
    case kRandomCrash:
      if (s.duration != kTimeMax && now - s.at >= s.duration) return;  // the window is over
      begin_record(p, "random_crash");
      log_[p.log_index].failed_requests = p.crashable->crash(p.instance);
      sim_.schedule_in(draw(s.mttr), handler_, kRandomRepair, event.payload);
      return;
    case kRandomRepair:
      end_record(p);
      p.crashable->restart(p.instance);
      sim_.schedule_in(draw(s.mttf), handler_, kRandomCrash, event.payload);
      return;
    default: return;
  }
}

std::vector<FaultRecord> FaultInjector::log() const {
  std::vector<FaultRecord> out = log_;
  for (const Planned& p : planned_)
    if (p.recording) out[p.log_index].affected = out[p.log_index].failed_requests + counter(p) - p.count_at_begin;
  return out;
}

}  // namespace archsim

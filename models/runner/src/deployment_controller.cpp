#include "archsim/models/deployment_controller.hpp"
#include "invalid_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "archsim/core/nearest_name.hpp"

namespace archsim {
namespace {


constexpr double kNoShare = std::numeric_limits<double>::quiet_NaN();  // events that move no traffic
const std::vector<std::string> kKinds{"canary", "blue_green", "feature_flag", "rolling_restart"};
constexpr const char* kInitialVersion = "v1";  // the service's own configuration

std::uint16_t op_index(std::vector<std::string>& operations, const std::string& op, const std::string& where) {
  if (op.empty()) fail(where + ": an operation name is empty");
  const auto it = std::find(operations.begin(), operations.end(), op);
  if (it != operations.end()) return static_cast<std::uint16_t>(it - operations.begin());
  operations.push_back(op);  // no client sends it (yet): harmless
  return static_cast<std::uint16_t>(operations.size() - 1);
}

void check_probability(double p, const std::string& where, const char* field) {
  if (!(p >= 0 && p <= 1)) fail(fmt::format("{}: {} must be in [0, 1], got {}", where, field, p));
}

std::string seconds(SimTime t) { return fmt::format("{:.3g} s", static_cast<double>(t) / 1e9); }

}  // namespace

DeploymentController::DeploymentController(const std::vector<DeploymentSpec>& specs, World& world, SimTime run_end,
                                           SimTime warmup, SimTime window)
    : world_(world), run_end_(run_end), warmup_(warmup), window_(window) {
  watched_of_.assign(world.components.size(), SIZE_MAX);
  std::vector<std::string> names;
  for (const Component* c : world.components) names.push_back(c->name());
  for (std::size_t d = 0; d < specs.size(); ++d) {
    Planned p;
    p.spec = specs[d];
    const DeploymentSpec& s = p.spec;
    p.where = fmt::format("deployment {} ({} of '{}')", d, s.kind, s.service);
    if (std::find(kKinds.begin(), kKinds.end(), s.kind) == kKinds.end())
      fail(fmt::format("{}: kind must be one of canary, blue_green, feature_flag, rolling_restart", p.where));
    const auto it = std::find(names.begin(), names.end(), s.service);
    if (it == names.end())
      fail(fmt::format("{}: no component '{}'{}", p.where, s.service, did_you_mean(s.service, names)));
    p.target = world.components[static_cast<std::size_t>(it - names.begin())];
    if (s.at < 0) fail(p.where + ": at must be >= 0");
    if (s.at >= run_end)
      fail(fmt::format("{}: it starts at {}, after the run ends at {}", p.where, format_duration(s.at),
                       format_duration(run_end)));
    if (s.kind == "rolling_restart") {
      if (dynamic_cast<Crashable*>(p.target) == nullptr)
        fail(fmt::format("{}: '{}' is a {}, whose instances cannot restart", p.where, s.service, p.target->kind()));
      if (s.batch < 1) fail(p.where + ": batch must be >= 1 instance");
      if (s.restart_time <= 0) fail(p.where + ": restart_time must be > 0");
      if (s.pause < 0) fail(p.where + ": pause must be >= 0");
    } else {
      p.service = dynamic_cast<Service*>(p.target);
      if (p.service == nullptr)
        fail(fmt::format("{}: '{}' is a {}; versions and flags apply to services", p.where, s.service,
                         p.target->kind()));
      if (s.kind == "feature_flag") {
        plan_flag(p, world.operations);
      } else {
        plan_version(p, world.operations);
      }
    }
    planned_.push_back(std::move(p));
  }
}

void DeploymentController::plan_version(Planned& p, std::vector<std::string>& operations) {
  const DeploymentSpec& s = p.spec;
  const VersionSpec& v = s.version;
  if (v.name.empty()) fail(p.where + ": the version needs a name");
  if (v.name == kInitialVersion)
    fail(fmt::format("{}: '{}' names the service's own configuration; give the new version another name",
                     p.where, kInitialVersion));
  if (v.error_probability >= 0) check_probability(v.error_probability, p.where, "version error_probability");
  p.is_canary = s.kind == "canary";
  if (p.is_canary) {
    if (!(s.share > 0 && s.share < 1)) fail(fmt::format("{}: share must be in (0, 1), got {}", p.where, s.share));
    if (s.window <= 0) fail(p.where + ": window must be > 0");
    if (s.min_requests < 1) fail(p.where + ": min_requests must be >= 1");
    check_probability(s.max_error_rate, p.where, "max_error_rate");
    if (s.max_p99 <= 0) fail(p.where + ": max_p99 must be > 0");
    if (s.promote_after <= 0) fail(p.where + ": promote_after must be > 0");
  } else if (s.ramp < 0) {
    fail(p.where + ": ramp must be >= 0");
  }
  const std::uint32_t c = p.target->index();
  if (watched_of_[c] == SIZE_MAX) {
    watched_of_[c] = watched_.size();
    Watched& w = watched_.emplace_back();
    w.component = c;
    w.versions.emplace_back().name = kInitialVersion;
  }
  p.watched = watched_of_[c];
  Watched& w = watched_[p.watched];
  for (const VersionResult& other : w.versions)
    if (other.name == v.name) fail(fmt::format("{}: '{}' already has a version '{}'", p.where, s.service, v.name));
  // What the version leaves unset is the service's own.
  VersionBehaviour b = p.service->own_version();
  b.name = v.name;
  if (v.service_time) {
    b.service_time = *v.service_time;
    b.per_op.clear();
  }
  for (const auto& [op, d] : v.service_time_by_op) {
    const std::uint16_t o = op_index(operations, op, p.where);
    if (b.per_op.size() <= o) b.per_op.resize(o + 1);
    b.per_op[o] = d;
  }
  if (v.error_probability >= 0) b.error_probability = v.error_probability;
  p.version = p.service->add_version(std::move(b));
  w.versions.emplace_back().name = v.name;
  for (VersionResult& r : w.versions) r.service = s.service;
}

void DeploymentController::plan_flag(Planned& p, std::vector<std::string>& operations) {
  const DeploymentSpec& s = p.spec;
  if (s.flag.empty()) fail(p.where + ": the flag needs a name");
  for (const Planned& other : planned_)
    if (other.spec.kind == "feature_flag" && other.service == p.service && other.spec.flag == s.flag)
      fail(fmt::format("{}: '{}' already has a flag '{}' ({}); give one flag one name", p.where, s.service, s.flag,
                       other.where));
  if (s.duration <= 0) fail(p.where + ": duration must be > 0");
  check_probability(s.flag_error_probability, p.where, "error_probability");
  FlagEffect f{s.extra_time, {}, s.flag_service_time, s.flag_error_probability,
               world_.sim.stream(s.service + "/flag/" + s.flag), false};
  for (const auto& [op, d] : s.flag_service_time_by_op) {
    const std::uint16_t o = op_index(operations, op, p.where);
    if (f.per_op.size() <= o) f.per_op.resize(o + 1);
    f.per_op[o] = d;
  }
  if (!f.extra_time && !f.service_time && f.per_op.empty() && f.error_probability == 0)
    fail(p.where + ": the flag changes nothing; give extra_time, service_time or error_probability");
  p.flag = p.service->add_flag(std::move(f));
}

std::vector<FaultSpec> DeploymentController::restart_faults() const {
  std::vector<FaultSpec> out;
  for (const Planned& p : planned_) {
    if (p.spec.kind != "rolling_restart") continue;
    const DeploymentSpec& s = p.spec;
    for (std::uint32_t first = 0, k = 0; first < p.target->instances(); first += s.batch, ++k) {
      const SimTime start = s.at + static_cast<SimTime>(k) * (s.restart_time + s.pause);
      if (start >= run_end_) break;
      for (std::uint32_t i = first; i < std::min(first + s.batch, p.target->instances()); ++i) {
        FaultSpec f;
        f.kind = "restart";
        f.target = p.target->instance_name(i);
        f.at = start;
        f.duration = s.restart_time;
        out.push_back(std::move(f));
      }
    }
  }
  return out;
}

void DeploymentController::initialise() {
  if (planned_.empty()) return;
  handler_ = world_.sim.add_handler(this);
  for (std::size_t p = 0; p < planned_.size(); ++p)
    if (planned_[p].spec.kind != "rolling_restart") world_.sim.schedule_at(planned_[p].spec.at, handler_, kStart, p);
}

void DeploymentController::log(const Planned& p, const char* kind, std::string detail, double share) {
  const std::string version = p.spec.kind == "feature_flag" ? "" : p.spec.version.name;
  events_.push_back(DeploymentEvent{world_.sim.now(), p.spec.service, kind, std::move(detail), version, share});
}

void DeploymentController::handle(const Event& event) {
  Planned& p = planned_[event.payload];
  const DeploymentSpec& s = p.spec;
  const SimTime now = world_.sim.now();
  switch (event.kind) {
    case kStart:
      if (s.kind != "feature_flag") supersede(event.payload);
      if (s.kind == "feature_flag") {
        p.service->set_flag(p.flag, true);
        log(p, "flag_on", fmt::format("flag {} on", s.flag), kNoShare);
        if (s.duration != kTimeMax && s.at <= kTimeMax - s.duration)
          world_.sim.schedule_at(s.at + s.duration, handler_, kFlagOff, event.payload);
      } else if (s.kind == "canary") {
        const std::uint8_t stable = p.service->split().stable;
        p.service->set_split(TrafficSplit{stable, p.version, s.share, s.share, now, now});
        p.judging = true;
        watched_[p.watched].active = event.payload;
        
        log(p, "canary_started",
            fmt::format("canary started: {} gets {:g}% of requests", s.version.name, 100 * s.share), s.share);
        world_.sim.schedule_in(s.window, handler_, kJudge, event.payload);
      } else if (s.ramp == 0) {  // blue-green, at once
        p.service->set_split(TrafficSplit{p.version, p.version, 0, 0, now, now});
        log(p, "switched", fmt::format("switched to {}", s.version.name), 1);
      } else {
        const std::uint8_t stable = p.service->split().stable;
        p.service->set_split(TrafficSplit{stable, p.version, 0, 1, now, now + s.ramp});
        p.judging = true;
        watched_[p.watched].active = event.payload;
        log(p, "switch_started",
            fmt::format("switch to {} started: traffic moves over {}", s.version.name, seconds(s.ramp)), 0);
        world_.sim.schedule_at(now + s.ramp, handler_, kSwitched, event.payload);
      }
      return;
    case kJudge: judge(event.payload); return;
    case kSwitched:
      if (!p.judging) return;  // superseded during its ramp
      p.judging = false;
      watched_[p.watched].active = SIZE_MAX;
      p.service->set_split(TrafficSplit{p.version, p.version, 0, 0, now, now});
      log(p, "switched", fmt::format("switched to {}", s.version.name), 1);
      return;
    case kFlagOff:
      p.service->set_flag(p.flag, false);
      log(p, "flag_off", fmt::format("flag {} off", s.flag), kNoShare);
      return;
    default: return;
  }
}

void DeploymentController::supersede(std::size_t index) {
  Watched& w = watched_[planned_[index].watched];
  if (w.active == SIZE_MAX) return;
  Planned& old = planned_[w.active];
  const SimTime now = world_.sim.now();
  const std::uint8_t stable = old.service->split().stable;
  old.service->set_split(TrafficSplit{stable, stable, 0, 0, now, now});
  old.judging = false;
  w.active = SIZE_MAX;
  log(old, "superseded", fmt::format("{} superseded by {}: its requests go to {} again", old.spec.version.name,
                                     planned_[index].spec.version.name, w.versions[stable].name),
      0);
}

void DeploymentController::judge(std::size_t index) {
  Planned& p = planned_[index];
  if (!p.judging) return;  // superseded
  const DeploymentSpec& s = p.spec;
  const SimTime now = world_.sim.now();
  if (p.seen >= s.min_requests) {
    const double error_rate = static_cast<double>(p.failed) / static_cast<double>(p.seen);
    const SimTime p99 = p.latency.count() > 0 ? p.latency.percentile(99) : 0;
    std::string breach;
    if (error_rate > s.max_error_rate) {
      breach = fmt::format("error rate {:.3g}% > {:.3g}%", 100 * error_rate, 100 * s.max_error_rate);
    } else if (p99 > s.max_p99) {
      breach = fmt::format("p99 {} > {}", seconds(p99), seconds(s.max_p99));
    }
    p.seen = p.failed = 0;
    p.latency = Histogram();
    if (!breach.empty()) {
      const std::uint8_t stable = p.service->split().stable;
      p.service->set_split(TrafficSplit{stable, stable, 0, 0, now, now});
      p.judging = false;
      watched_[p.watched].active = SIZE_MAX;
      log(p, "rolled_back", "rolled back: " + breach, 0);
      return;
    }
    if (s.promote_after != kTimeMax && now - s.at >= s.promote_after) {
      p.service->set_split(TrafficSplit{p.version, p.version, 0, 0, now, now});
      p.judging = false;
      watched_[p.watched].active = SIZE_MAX;
      log(p, "promoted", fmt::format("promoted: {} gets every request", s.version.name), 1);
      return;
    }
  }
  world_.sim.schedule_in(s.window, handler_, kJudge, index);
}

void DeploymentController::on_arrived(const Component& c, std::uint32_t, const Request& r, SimTime now) {
  const std::size_t w = watched_of_[c.index()];
  if (w == SIZE_MAX) return;
  VersionResult& v = watched_[w].versions[r.code_version];
  const auto index = static_cast<std::uint64_t>(now / window_);
  if (v.windows.empty() || v.windows.back().first != index) v.windows.emplace_back(index, 0);
  ++v.windows.back().second;
  if (r.arrived >= warmup_) ++v.arrivals;
}

void DeploymentController::on_finished(const Component& c, std::uint32_t, const Request& r, SimTime now) {
  const std::size_t w = watched_of_[c.index()];
  if (w == SIZE_MAX) return;
  const bool success = r.error == ErrorKind::kNone;
  Watched& watched = watched_[w];
  if (watched.active != SIZE_MAX) {
    Planned& canary = planned_[watched.active];
    if (canary.is_canary && r.code_version == canary.version) {
      ++canary.seen;
      if (!success) ++canary.failed;
      if (success) canary.latency.record(now - r.arrived);
    }
  }
  if (r.arrived < warmup_) return;
  VersionResult& v = watched.versions[r.code_version];
  if (success) {
    ++v.completed;
    v.latency.record(now - r.arrived);
  } else {
    ++v.failed;
  }
}

void DeploymentController::collect(RunResult& result, SimTime now) {
  std::vector<DeploymentEvent> events = std::move(events_);
  for (const Planned& p : planned_)
    if (p.spec.kind == "rolling_restart" && p.spec.at <= now)
      events.push_back(DeploymentEvent{p.spec.at, p.spec.service, "rolling_restart",
                                       fmt::format("rolling restart: {} instance(s) at a time, each down {}",
                                                   p.spec.batch, seconds(p.spec.restart_time)),
                                       "", kNoShare});
  for (const FaultRecord& f : result.faults) {
    if (f.kind != "restart") continue;
    const auto open = f.target.rfind('[');
    const std::string service = f.target.substr(0, open), instance = f.target.substr(open + 1, f.target.size() - open - 2);
    events.push_back(DeploymentEvent{f.start, service, "restart_started",
                                     fmt::format("instance {} down for restart", instance), "", kNoShare});
    if (f.end >= 0)
      events.push_back(DeploymentEvent{f.end, service, "restarted", fmt::format("instance {} restarted", instance),
                                       "", kNoShare});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const DeploymentEvent& a, const DeploymentEvent& b) { return a.at < b.at; });
  result.deployments = std::move(events);
  for (Watched& w : watched_)
    for (VersionResult& v : w.versions) result.versions.push_back(std::move(v));
}

}  // namespace archsim

#include "archsim/models/shards.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

Shards::Shards(World& world, std::string name, std::vector<std::uint32_t> hosts, ShardsConfig config)
    : Component(world, std::move(name), "shards", std::move(hosts)),
      config_(std::move(config)),
      map_(config_.routing, config_.vnodes, config_.key_space) {
  const std::string where = "shards '" + this->name() + "'";
  if (config_.routing == Routing::kRange && config_.key_space == 0)
    throw std::invalid_argument(where + ": range routing needs key_space >= 1 (keys 0 .. key_space-1 are split)");
  if (config_.routing == Routing::kConsistent && (config_.vnodes < 1 || config_.vnodes > 10'000))
    throw std::invalid_argument(fmt::format("{}: vnodes must be in [1, 10000], got {}", where, config_.vnodes));
}

void Shards::connect() {
  backend_ = world_.components[config_.backend];
  const std::uint32_t slots = backend_->instances();
  const std::string where = "shards '" + name() + "'";
  const std::uint32_t n = config_.shards == 0 ? slots : config_.shards;
  if (n > slots)
    throw std::invalid_argument(fmt::format("{}: shards ({}) must be <= the instances of backend '{}' ({})", where, n,
                                            backend_->name(), slots));
  std::vector<std::uint32_t> active;
  for (std::uint32_t s = 0; s < n; ++s) active.push_back(s);
  // Replay the changes once to check them, so a bad schedule fails before the run.
  std::vector<ShardChange> sorted = config_.changes;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  for (ShardChange& c : sorted) {
    const std::string what = fmt::format("{}: {} at {}", where, c.add ? "adding a shard" : "removing a shard",
                                         format_duration(c.at));
    const bool is_active = c.shard >= 0 && std::find(active.begin(), active.end(), c.shard) != active.end();
    if (c.add) {
      if (c.shard < 0)
        for (std::uint32_t s = 0; s < slots && c.shard < 0; ++s)
          if (std::find(active.begin(), active.end(), s) == active.end()) c.shard = s;
      if (c.shard < 0 || c.shard >= static_cast<std::int64_t>(slots))
        throw std::invalid_argument(fmt::format("{}: backend '{}' has no free instance (it has {}; shard numbers are "
                                                "its instances 0 to {})", what, backend_->name(), slots, slots - 1));
      if (is_active) throw std::invalid_argument(fmt::format("{}: shard {} is already active", what, c.shard));
      active.push_back(static_cast<std::uint32_t>(c.shard));
    } else {
      if (!is_active) throw std::invalid_argument(fmt::format("{}: shard {} is not active", what, c.shard));
      if (active.size() == 1) throw std::invalid_argument(what + ": the last shard cannot be removed");
      active.erase(std::find(active.begin(), active.end(), c.shard));
    }
  }
  if (config_.tenant_shards > n)
    throw std::invalid_argument(fmt::format("{}: tenant_shards ({}) must be <= the shards ({})", where,
                                            config_.tenant_shards, n));
  if (config_.tenant_shards > 0 && !sorted.empty())
    throw std::invalid_argument(where + ": tenant_shards places tenants on fixed blocks of shards; it cannot be "
                                        "combined with shard changes");
  config_.changes = std::move(sorted);
  active.clear();
  for (std::uint32_t s = 0; s < n; ++s) active.push_back(s);
  map_.set_shards(std::move(active));
}

void Shards::initialise() {
  world_.signals.resharded(*this, "start", map_.shards().front(), map_.shards(), 0.0, 0);
  for (std::size_t c = 0; c < config_.changes.size(); ++c)
    world_.sim.schedule_at(config_.changes[c].at, handler(), kChangeEvent, c);
}

void Shards::change(const ShardChange& c) {
  std::vector<std::uint32_t> before(kMovedSampleKeys);
  for (std::uint64_t k = 0; k < kMovedSampleKeys; ++k) before[k] = map_.shard_of(k);
  std::vector<std::uint32_t> active = map_.shards();
  const auto s = static_cast<std::uint32_t>(c.shard);
  if (c.add) {
    active.push_back(s);
  } else {
    active.erase(std::find(active.begin(), active.end(), s));
  }
  map_.set_shards(std::move(active));
  std::uint64_t moved = 0;
  for (std::uint64_t k = 0; k < kMovedSampleKeys; ++k) moved += map_.shard_of(k) != before[k];
  world_.signals.resharded(*this, c.add ? "add" : "remove", s, map_.shards(),
                           static_cast<double>(moved) / static_cast<double>(kMovedSampleKeys), world_.sim.now());
}

void Shards::handle(const Event& event) {
  if (event.kind == kChangeEvent) {
    change(config_.changes[event.payload]);
    return;
  }
  const auto slot = static_cast<std::uint32_t>(event.payload);
  if (event.kind == kArriveEvent) {
    Request& r = world_.requests[slot];
    r.arrived = world_.sim.now();
    const std::uint32_t self = r.instance;
    world_.signals.arrived(*this, self, r, r.arrived);
    const std::uint32_t shard =
        config_.tenant_shards > 0 ? map_.tenant_shard_of(r.tenant, r.key, config_.tenant_shards) : map_.shard_of(r.key);
    world_.signals.routed(*this, shard, r, r.arrived);
    const std::uint32_t child = world_.make_child(slot, r.op);
    world_.send(*this, self, child, *backend_, shard);
    return;
  }
  // kReplyEvent: relay the child's outcome to our caller.
  world_.relay_reply(*this, slot);
}

}  // namespace archsim

#include "archsim/models/runner.hpp"
#include "invalid_model.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "archsim/core/nearest_name.hpp"
#include "archsim/models/autoscaler.hpp"
#include "archsim/models/balancer.hpp"
#include "archsim/models/broker.hpp"
#include "archsim/models/cache.hpp"
#include "archsim/models/client.hpp"
#include "archsim/models/consistency_checker.hpp"
#include "archsim/models/deployment_controller.hpp"
#include "archsim/models/fault_injector.hpp"
#include "archsim/models/metrics_recorder.hpp"
#include "archsim/models/placement.hpp"
#include "archsim/models/service.hpp"
#include "archsim/models/store.hpp"

namespace archsim {
namespace {


// Component names and kinds in declaration order, and lookups by name.
class Directory {
 public:
  explicit Directory(const ModelSpec& m) {
    for (const auto& [kind, i] : m.order) {
      const std::string& name = kind == "service"    ? m.services.at(i).name
                                : kind == "balancer" ? m.balancers.at(i).name
                                : kind == "store"    ? m.stores.at(i).name
                                : kind == "cache"    ? m.caches.at(i).name
                                : kind == "shards"   ? m.shards.at(i).name
                                : kind == "broker"   ? m.brokers.at(i).name
                                                     : m.clients.at(i).name;
      if (name.empty()) fail(fmt::format("a {} has an empty name", kind));
      if (index_.count(name)) fail(fmt::format("component name '{}' is used twice", name));
      index_[name] = static_cast<std::uint32_t>(names_.size());
      names_.push_back(name);
      kinds_.push_back(kind);
    }
  }
  std::uint32_t resolve(const std::string& name, const std::string& where) const {
    const auto it = index_.find(name);
    if (it == index_.end())
      fail(fmt::format("{}: target '{}' is not a component of this model{}; components: {}", where, name,
                       did_you_mean(name, names_), fmt::join(names_, ", ")));
    if (kinds_[it->second] == "client") fail(fmt::format("{}: target '{}' is a client, which serves no requests", where, name));
    return it->second;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::map<std::string, std::uint32_t> index_;
  std::vector<std::string> names_, kinds_;
};

// Tenants by id: named tenants (a client's `tenant`) get ids 1, 2, ... in
// declaration order and id 0 is every request of no named tenant. Anonymous
// tenants (a client's `tenants = n`, ids 0 .. n-1 drawn per request) have no
// names and no per-tenant results: their fingerprints predate tenancy.
class Tenants {
 public:
  static constexpr const char* kNone = "(none)";
  explicit Tenants(const ModelSpec& m) {
    for (const auto& [kind, i] : m.order) {
      if (kind != "client") continue;
      const ClientSpec& c = m.clients.at(i);
      if (c.tenant.empty()) {
        untenanted_ = true;
        continue;
      }
      if (c.tenant == kNone) fail(fmt::format("client '{}': tenant name '{}' is reserved", c.name, kNone));
      if (std::find(names_.begin(), names_.end(), c.tenant) == names_.end()) names_.push_back(c.tenant);
    }
    if (names_.empty()) return;
    for (const auto& c : m.clients)
      if (c.tenants > 1)
        fail(fmt::format("client '{}': tenants={} (anonymous tenants) cannot be mixed with named tenants ({}); give "
                         "each client its own tenant instead", c.name, c.tenants, fmt::join(names_, ", ")));
    names_.insert(names_.begin(), kNone);
  }
  // Tenant names by id for the per-tenant results; empty without named tenants.
  const std::vector<std::string>& names() const { return names_; }
  // Whether id 0 stands for requests of no named tenant that no client sends.
  bool unused_none() const { return !names_.empty() && !untenanted_; }
  std::uint32_t id(const std::string& name) const {
    const auto it = std::find(names_.begin(), names_.end(), name);
    return it == names_.end() ? 0 : static_cast<std::uint32_t>(it - names_.begin());
  }
  std::uint32_t resolve(const std::string& name, const std::string& where) const {
    const std::vector<std::string> known(names_.begin() + (names_.empty() ? 0 : 1), names_.end());
    const auto it = std::find(known.begin(), known.end(), name);
    if (it == known.end())
      fail(fmt::format("{}: '{}' is not a tenant of this model{}; tenants: {}", where, name, did_you_mean(name, known),
                       known.empty() ? std::string("none (a client's tenant names one)")
                                     : fmt::format("{}", fmt::join(known, ", "))));
    return static_cast<std::uint32_t>(it - known.begin()) + 1;
  }

 private:
  std::vector<std::string> names_;
  bool untenanted_ = false;
};

// A service's quota table, by tenant id.
std::vector<TenantQuota> tenant_quotas(const ServiceSpec& s, const Tenants& tenants, const std::string& where) {
  std::vector<TenantQuota> out;
  std::vector<std::string> seen;
  for (const TenantQuotaSpec& q : s.quotas) {
    const std::string qw = where + " quotas";
    const std::uint32_t t = tenants.resolve(q.tenant, qw);
    if (std::find(seen.begin(), seen.end(), q.tenant) != seen.end())
      fail(fmt::format("{}: tenant '{}' has two quotas", qw, q.tenant));
    seen.push_back(q.tenant);
    if (!(q.rate >= 0 && q.rate <= 1e10))
      fail(fmt::format("{} of '{}': rate must be in [0, 1e10] per second, got {}", qw, q.tenant, q.rate));
    if (!(q.burst >= 1 && q.burst <= 1e12))
      fail(fmt::format("{} of '{}': burst must be in [1, 1e12], got {}", qw, q.tenant, q.burst));
    if (q.rate == 0 && q.max_in_flight == 0)
      fail(fmt::format("{} of '{}': a quota needs a rate or a max_in_flight", qw, q.tenant));
    if (out.size() <= t) out.resize(t + 1);
    out[t] = {q.rate, q.burst, q.max_in_flight};
  }
  return out;
}

class Operations {
 public:
  std::uint16_t id(const std::string& name) {
    if (name.empty()) fail("an operation name is empty");
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<std::uint16_t>(i);
    names.push_back(name);
    return static_cast<std::uint16_t>(names.size() - 1);
  }
  std::vector<std::string> names{"read", "write"};
};

// A cycle of synchronous calls would recurse forever: refuse it, naming the cycle.
void check_acyclic(const std::vector<std::vector<std::uint32_t>>& calls, const std::vector<std::string>& names) {
  std::vector<int> state(calls.size(), 0);  // 0 new, 1 on stack, 2 done
  std::vector<std::uint32_t> stack;
  auto visit = [&](auto&& self, std::uint32_t v) -> void {
    state[v] = 1;
    stack.push_back(v);
    for (auto w : calls[v]) {
      if (state[w] == 1) {
        std::vector<std::string> cycle;
        auto it = std::find(stack.begin(), stack.end(), w);
        for (; it != stack.end(); ++it) cycle.push_back(names[*it]);
        cycle.push_back(names[w]);
        fail(fmt::format("cycle of synchronous calls: {}", fmt::join(cycle, " -> ")));
      }
      if (state[w] == 0) self(self, w);
    }
    stack.pop_back();
    state[v] = 2;
  };
  for (std::uint32_t v = 0; v < calls.size(); ++v)
    if (state[v] == 0) visit(visit, v);
}

Strategy strategy_for(const std::string& name, const std::string& where) {
  try {
    return parse_strategy(name);
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{}: {}", where, e.what()));
  }
}

CallPolicy call_policy(const CallSpec& c, const std::string& where) {
  CallPolicy p;
  if (c.timeout <= 0) fail(fmt::format("{}: timeout must be > 0", where));
  p.timeout = c.timeout;
  RetryPolicy& r = p.retry;
  if (c.attempts < 1 || c.attempts > 100) fail(fmt::format("{}: retry attempts must be in [1, 100], got {}", where, c.attempts));
  r.attempts = c.attempts;
  if (c.backoff < 0 || c.backoff_cap < 0) fail(fmt::format("{}: backoff and cap must be >= 0", where));
  r.backoff = c.backoff;
  r.cap = c.backoff_cap;
  try {
    r.jitter = parse_jitter(c.jitter);
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{}: {}", where, e.what()));
  }
  r.budget = c.retry_budget;
  p.max_in_flight = c.bulkhead;
  if (c.hedge_delay < 0) fail(fmt::format("{}: hedge delay must be >= 0", where));
  if (!(c.hedge_percentile >= 0 && c.hedge_percentile < 100))
    fail(fmt::format("{}: hedge percentile must be in (0, 100), got {}", where, c.hedge_percentile));
  if (c.hedge_delay != kTimeMax && c.hedge_percentile > 0)
    fail(fmt::format("{}: give a hedge delay or a hedge percentile, not both", where));
  if (c.hedge_min_samples < 1) fail(fmt::format("{}: hedge min_samples must be >= 1", where));
  p.hedge_delay = c.hedge_delay;
  p.hedge_percentile = c.hedge_percentile;
  p.hedge_min_samples = c.hedge_min_samples;
  p.idempotent = c.idempotent;
  if (c.breaker) {
    BreakerConfig& b = p.breaker;
    b.enabled = true;
    if (c.breaker_consecutive == 0 && !(c.breaker_failure_rate > 0))
      fail(fmt::format("{}: a circuit breaker needs consecutive_failures >= 1 or a failure_rate in (0, 1]", where));
    if (!(c.breaker_failure_rate >= 0 && c.breaker_failure_rate <= 1))
      fail(fmt::format("{}: breaker failure_rate must be in [0, 1], got {}", where, c.breaker_failure_rate));
    if (c.breaker_window < 1) fail(fmt::format("{}: breaker window must be >= 1 calls", where));
    if (c.breaker_probes < 1) fail(fmt::format("{}: breaker probes must be >= 1", where));
    if (c.breaker_open_for <= 0) fail(fmt::format("{}: breaker open_for must be > 0", where));
    b.consecutive_failures = c.breaker_consecutive;
    b.failure_rate = c.breaker_failure_rate;
    b.window = c.breaker_window;
    b.open_for = c.breaker_open_for;
    b.probes = c.breaker_probes;
  }
  std::vector<std::string> names;
  for (std::size_t k = 1; k < kErrorKinds; ++k) names.emplace_back(kErrorNames[k]);
  for (const auto& e : c.retry_on) {
    const auto it = std::find(names.begin(), names.end(), e);
    if (it == names.end())
      fail(fmt::format("{}: retry_on has unknown error '{}'{}; accepted: {}", where, e, did_you_mean(e, names),
                       fmt::join(names, ", ")));
    r.retryable |= 1u << (it - names.begin() + 1);
  }
  return p;
}

AutoscaleConfig autoscale_config(const ServiceSpec& s, const std::string& service) {
  const AutoscaleSpec& a = s.autoscale;
  AutoscaleConfig cfg;
  if (a.metric.empty()) return cfg;
  const std::string where = service + " autoscale";
  try {
    cfg.metric = parse_scaling_metric(a.metric);
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{}: {}", where, e.what()));
  }
  if (cfg.metric == ScalingMetric::kUtilisation && !(a.target > 0 && a.target <= 1))
    fail(fmt::format("{}: target utilisation must be in (0, 1], got {}", where, a.target));
  if (cfg.metric == ScalingMetric::kQueue && !(a.target > 0 && a.target <= 1e9))
    fail(fmt::format("{}: target queue must be in (0, 1e9] waiting requests per instance, got {}", where, a.target));
  if (a.min < 1 || a.min > a.max || a.max > 1'000'000)
    fail(fmt::format("{}: need 1 <= min <= max <= 1000000, got min {} and max {}", where, a.min, a.max));
  if (s.instances > a.max)
    fail(fmt::format("{}: instances ({}) must be <= max ({}); instances is the count at the start", where,
                     s.instances, a.max));
  if (a.interval <= 0) fail(where + ": interval must be > 0");
  if (a.scale_up_cooldown < 0 || a.scale_down_cooldown < 0) fail(where + ": cooldowns must be >= 0");
  if (a.provisioning_delay < 0) fail(where + ": provisioning_delay must be >= 0");
  if (!(a.tolerance >= 0 && a.tolerance < 1)) fail(fmt::format("{}: tolerance must be in [0, 1), got {}", where, a.tolerance));
  cfg.enabled = true;
  cfg.target = a.target;
  cfg.min = a.min;
  cfg.max = a.max;
  cfg.initial = std::max(s.instances, a.min);
  cfg.interval = a.interval;
  cfg.scale_up_cooldown = a.scale_up_cooldown;
  cfg.scale_down_cooldown = a.scale_down_cooldown;
  cfg.provisioning_delay = a.provisioning_delay;
  cfg.tolerance = a.tolerance;
  return cfg;
}

// A service's config from its spec; the targets of its calls are appended to `calls`.
ServiceConfig service_config(const ServiceSpec& s, const Directory& dir, const Tenants& tenants, Operations& ops,
                             std::vector<std::uint32_t>& calls) {
  const std::string where = "service '" + s.name + "'";
  if (s.workers == 0) fail(where + ": workers must be >= 1");
  ServiceConfig cfg;
  cfg.workers = s.workers;
  cfg.queue_limit = s.queue_limit;
  if (!(s.error_probability >= 0 && s.error_probability <= 1))
    fail(fmt::format("{}: error_probability must be in [0, 1], got {}", where, s.error_probability));
  cfg.error_probability = s.error_probability;
  if (!(s.rate_limit >= 0 && s.rate_limit <= 1e10))
    fail(fmt::format("{}: rate_limit must be in [0, 1e10] per second, got {}", where, s.rate_limit));
  if (!(s.rate_limit_burst >= 1 && s.rate_limit_burst <= 1e12))
    fail(fmt::format("{}: rate limit burst must be in [1, 1e12], got {}", where, s.rate_limit_burst));
  cfg.rate_limit = {s.rate_limit, s.rate_limit_burst, s.rate_limit_per_tenant};
  if (s.max_queue_time < 0) fail(fmt::format("{}: max_queue_time must be >= 0", where));
  cfg.max_queue_time = s.max_queue_time;
  if (s.lifo_above < -1) fail(fmt::format("{}: lifo_above must be >= 0 (or -1 for FIFO)", where));
  cfg.lifo_above = s.lifo_above;
  if (s.backpressure_high >= 0 && !(s.backpressure_low >= 0 && s.backpressure_low < s.backpressure_high))
    fail(fmt::format("{}: backpressure low must be in [0, high), got low {} for high {}", where,
                     s.backpressure_low, s.backpressure_high));
  cfg.tenant_quotas = tenant_quotas(s, tenants, where);
  if (s.fair_queueing && s.lifo_above >= 0)
    fail(where + ": fair_queueing and lifo_above both choose which waiting request is served next; give one");
  cfg.fair_queueing = s.fair_queueing;
  cfg.backpressure_high = s.backpressure_high;
  cfg.backpressure_low = s.backpressure_low;
  cfg.autoscale = autoscale_config(s, where);
  cfg.service_time = s.service_time;
  for (const auto& [op, d] : s.service_time_by_op) {
    const std::uint16_t o = ops.id(op);
    if (cfg.per_op.size() <= o) cfg.per_op.resize(o + 1);
    cfg.per_op[o] = d;
  }
  for (std::size_t st = 0; st < s.steps.size(); ++st) {
    const StepSpec& step = s.steps[st];
    const std::string step_where = fmt::format("{} call step {}", where, st);
    if (step.calls.empty()) fail(step_where + ": a step needs at least one call");
    StepConfig sc;
    if (step.wait == "all") sc.wait = WaitMode::kAll;
    else if (step.wait == "first") sc.wait = WaitMode::kFirst;
    else if (step.wait == "quorum") sc.wait = WaitMode::kQuorum;
    else fail(fmt::format("{}: wait must be one of all, first, quorum; got '{}'", step_where, step.wait));
    sc.k = step.k;
    if (sc.wait == WaitMode::kQuorum && (step.k < 1 || step.k > step.calls.size()))
      fail(fmt::format("{}: k must be in [1, {}], got {}", step_where, step.calls.size(), step.k));
    for (const CallSpec& c : step.calls) {
      CallConfig cc;
      cc.target = dir.resolve(c.target, step_where);
      cc.op = c.op.empty() ? -1 : ops.id(c.op);
      cc.strategy = strategy_for(c.strategy, step_where + " strategy");
      cc.policy = call_policy(c, fmt::format("{} call to '{}'", step_where, c.target));
      calls.push_back(cc.target);
      sc.calls.push_back(cc);
    }
    cfg.steps.push_back(std::move(sc));
  }
  return cfg;
}

CacheConfig cache_config(const CacheSpec& c, const Directory& dir, Operations& ops) {
  const std::string where = "cache '" + c.name + "'";
  CacheConfig cfg;
  cfg.backend = dir.resolve(c.backend, where + " backend");
  cfg.strategy = strategy_for(c.strategy, where + " strategy");
  try {
    cfg.policy = parse_eviction_policy(c.policy);
    cfg.mode = parse_cache_mode(c.mode);
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{}: {}", where, e.what()));
  }
  if (cfg.policy == EvictionPolicy::kTtl && c.capacity != 0)
    fail(where + ": policy 'ttl' evicts by expiry only; leave capacity unset");
  if (cfg.policy != EvictionPolicy::kTtl && c.capacity == 0)
    fail(fmt::format("{}: policy '{}' needs a capacity >= 1 (entries per instance)", where, c.policy));
  if (cfg.policy == EvictionPolicy::kTtl && c.ttl == kTimeMax) fail(where + ": policy 'ttl' needs a ttl");
  if (c.ttl <= 0) fail(where + ": ttl must be > 0");
  if (!(c.ttl_jitter >= 0 && c.ttl_jitter < 1))
    fail(fmt::format("{}: ttl_jitter must be in [0, 1), got {}", where, c.ttl_jitter));
  if (c.ttl_jitter > 0 && c.ttl == kTimeMax) fail(where + ": ttl_jitter needs a ttl");
  if (c.single_flight && cfg.mode == CacheMode::kCacheAside)
    fail(where + ": single_flight needs the cache to fetch misses itself; mode 'cache-aside' leaves that to "
                 "each caller (use 'read-through')");
  if (c.stale_while_revalidate < 0) fail(where + ": stale_while_revalidate must be >= 0");
  if (c.stale_while_revalidate > 0 && c.ttl == kTimeMax) fail(where + ": stale_while_revalidate needs a ttl");
  if (c.flush_delay < 0) fail(where + ": flush_delay must be >= 0");
  if (c.flush_batch < 1) fail(where + ": flush_batch must be >= 1");
  if (c.capacity != 0 && c.warm_keys > c.capacity)
    fail(fmt::format("{}: warm ({}) must be <= capacity ({})", where, c.warm_keys, c.capacity));
  cfg.capacity = c.capacity;
  cfg.ttl = c.ttl;
  cfg.ttl_jitter = c.ttl_jitter;
  cfg.single_flight = c.single_flight;
  cfg.stale_while_revalidate = c.stale_while_revalidate;
  cfg.flush_delay = c.flush_delay;
  cfg.flush_batch = c.flush_batch;
  cfg.warm_keys = c.warm_keys;
  cfg.read_op = ops.id("read");
  cfg.write_op = ops.id("write");
  return cfg;
}

ShardsConfig shards_config(const ShardsSpec& sh, const Directory& dir) {
  const std::string where = "shards '" + sh.name + "'";
  ShardsConfig cfg;
  cfg.backend = dir.resolve(sh.backend, where + " backend");
  try {
    cfg.routing = parse_routing(sh.routing);
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{}: {}", where, e.what()));
  }
  cfg.vnodes = sh.vnodes;
  cfg.key_space = sh.key_space;
  cfg.shards = sh.shards;
  cfg.changes = sh.changes;
  cfg.tenant_shards = sh.tenant_shards;
  return cfg;
}

std::unique_ptr<Store> build_store(World& world, Network& network, const StoreSpec& s, Operations& ops) {
  const std::string where = "store '" + s.name + "'";
  if (s.replicas < 1 || s.replicas > 1000) fail(fmt::format("{}: replicas must be in [1, 1000], got {}", where, s.replicas));
  StoreConfig cfg;
  try {
    cfg.mode = parse_store_mode(s.mode);
    cfg.read_policy = parse_read_policy(s.read_policy);
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{}: {}", where, e.what()));
  }
  cfg.workers = s.workers;
  cfg.service_time = s.service_time;
  cfg.replication_delay = s.replication_delay;
  if (cfg.replication_delay.empty()) cfg.replication_delay.push_back(Distribution::constant(0));
  if (cfg.replication_delay.size() == 1) cfg.replication_delay.resize(s.replicas, cfg.replication_delay.front());
  cfg.failover_after = s.failover_after;
  cfg.write_quorum = s.write_quorum;
  cfg.read_quorum = s.read_quorum;
  cfg.read_repair = s.read_repair;
  cfg.write_op = ops.id("write");
  if (cfg.mode == StoreMode::kQuorum && (s.read_policy != "primary" || s.failover_after != kTimeMax))
    fail(where + ": read_policy and failover_after belong to mode 'primary'; a quorum store has no primary");
  if (cfg.mode == StoreMode::kPrimary && (s.write_quorum != 1 || s.read_quorum != 1 || s.read_repair))
    fail(where + ": write_quorum, read_quorum and read_repair belong to mode 'quorum'");
  std::vector<std::uint32_t> hosts = place_instances(network, s.name, where, s.replicas, s.placement);
  try {
    return std::make_unique<Store>(world, s.name, std::move(hosts), std::move(cfg));
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{}: {}", where, e.what()));
  }
}

BrokerConfig broker_config(const BrokerSpec& b, const Directory& dir, Operations& ops) {
  const std::string where = "broker '" + b.name + "'";
  BrokerConfig cfg;
  if (b.partitions < 1 || b.partitions > 1'000'000)
    fail(fmt::format("{}: partitions must be in [1, 1000000], got {}", where, b.partitions));
  cfg.partitions = b.partitions;
  if (b.capacity < -1 || b.capacity == 0)
    fail(fmt::format("{}: capacity must be >= 1 message per partition (or -1: unbounded), got {}", where, b.capacity));
  cfg.capacity = b.capacity;
  if (b.overflow != "block" && b.overflow != "drop")
    fail(fmt::format("{}: overflow must be one of block, drop; got '{}'", where, b.overflow));
  cfg.drop_when_full = b.overflow == "drop";
  cfg.fire_and_forget_op = ops.id("fire_and_forget");
  std::vector<std::string> names;
  for (const ConsumerGroupSpec& g : b.groups) {
    const std::string gw = fmt::format("{} group '{}'", where, g.name);
    if (g.name.empty()) fail(where + ": a consumer group has an empty name");
    if (std::find(names.begin(), names.end(), g.name) != names.end())
      fail(fmt::format("{}: group name '{}' is used twice", where, g.name));
    names.push_back(g.name);
    ConsumerGroupConfig c;
    c.name = g.name;
    if (g.consumers < 1 || g.consumers > 1'000'000)
      fail(fmt::format("{}: consumers must be in [1, 1000000], got {}", gw, g.consumers));
    c.consumers = g.consumers;
    if (g.ordering != "partition" && g.ordering != "none")
      fail(fmt::format("{}: ordering must be one of partition, none; got '{}'", gw, g.ordering));
    c.ordered = g.ordering == "partition";
    c.processing_time = g.processing_time;
    if (!(g.failure_probability >= 0 && g.failure_probability <= 1))
      fail(fmt::format("{}: failure_probability must be in [0, 1], got {}", gw, g.failure_probability));
    c.failure_probability = g.failure_probability;
    if (g.visibility_timeout <= 0) fail(gw + ": visibility_timeout must be > 0");
    c.visibility_timeout = g.visibility_timeout;
    if (g.failure_probability >= 1 && g.max_deliveries == 0)
      fail(gw + ": failure_probability 1 with no max_deliveries would redeliver every message forever");
    c.max_deliveries = g.max_deliveries;
    c.idempotent = g.idempotent;
    if (!g.subscriber.empty()) {
      c.subscriber = dir.resolve(g.subscriber, gw + " subscriber");
      c.strategy = strategy_for(g.strategy, gw + " strategy");
      c.event_op = ops.id(b.name);
    }
    if (g.checkpoint_interval <= 0) fail(gw + ": checkpoint_interval must be > 0");
    c.checkpoint_interval = g.checkpoint_interval;
    if (g.state_window < 0) fail(gw + ": state_window must be >= 0");
    if (g.state_window > 0 && g.checkpoint_interval == kTimeMax)
      fail(gw + ": state_window is streaming state; it needs a checkpoint_interval");
    c.state_window = g.state_window;
    cfg.groups.push_back(std::move(c));
  }
  return cfg;
}

}  // namespace

RunResult run_model(const ModelSpec& model, const RunOptions& options, ProgressCallback progress) {
  if (options.duration == kTimeMax && options.until_requests == UINT64_MAX)
    fail("run: give a duration or until_requests");
  if (options.duration != kTimeMax && options.warmup >= options.duration && options.duration > 0)
    fail(fmt::format("run: warmup ({}) must be shorter than duration ({})", format_duration(options.warmup),
                     format_duration(options.duration)));
  if (options.window <= 0) fail("run: window must be > 0");
  if (model.order.empty()) fail(fmt::format("model '{}' has no components", model.name));

  // build
  NetworkSpec net_spec = model.network;
  if (net_spec.zones.empty()) net_spec.zones.push_back({"zone-a", "region-1"});
  Network network(net_spec);
  Simulation sim(options.seed);
  World world{sim, network, {}, {}, {}, {}, UINT64_MAX, 0};
  world.root_limit = options.until_requests;
  Operations ops;
  const Directory dir(model);
  const Tenants tenants(model);

  std::vector<std::unique_ptr<Component>> components;
  std::vector<std::vector<std::uint32_t>> calls(dir.names().size());
  bool has_client = false;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cache_backends;  // (cache, its backend)
  for (const auto& [kind, i] : model.order) {
    const auto self = static_cast<std::uint32_t>(components.size());
    if (kind == "service") {
      const ServiceSpec& s = model.services[i];
      ServiceConfig cfg = service_config(s, dir, tenants, ops, calls[self]);
      const std::uint32_t pool = cfg.autoscale.enabled ? cfg.autoscale.max : s.instances;  // placed up front
      components.push_back(std::make_unique<Service>(
          world, s.name, place_instances(network, s.name, "service '" + s.name + "'", pool, s.placement),
          std::move(cfg)));
    } else if (kind == "balancer") {
      const BalancerSpec& b = model.balancers[i];
      const std::string where = "balancer '" + b.name + "'";
      const std::uint32_t target = dir.resolve(b.target, where);
      calls[self].push_back(target);
      components.push_back(std::make_unique<Balancer>(world, b.name, place_instances(network, b.name, where, b.instances, b.placement),
                                                      strategy_for(b.strategy, where + " strategy"), target));
    } else if (kind == "store") {
      components.push_back(build_store(world, network, model.stores[i], ops));
    } else if (kind == "cache") {
      const CacheSpec& c = model.caches[i];
      CacheConfig cfg = cache_config(c, dir, ops);
      calls[self].push_back(cfg.backend);
      cache_backends.emplace_back(self, cfg.backend);
      components.push_back(std::make_unique<Cache>(
          world, c.name, place_instances(network, c.name, "cache '" + c.name + "'", c.instances, c.placement), cfg));
    } else if (kind == "shards") {
      const ShardsSpec& sh = model.shards[i];
      ShardsConfig cfg = shards_config(sh, dir);
      for (const ServiceSpec& s : model.services)
        if (s.name == sh.backend && !s.autoscale.metric.empty())
          fail(fmt::format("shards '{}': backend '{}' autoscales; a shard router needs a fixed set of instances",
                           sh.name, sh.backend));
      calls[self].push_back(cfg.backend);
      components.push_back(std::make_unique<Shards>(
          world, sh.name, place_instances(network, sh.name, "shards '" + sh.name + "'", sh.instances, sh.placement), cfg));
    } else if (kind == "broker") {
      const BrokerSpec& b = model.brokers[i];
      BrokerConfig cfg = broker_config(b, dir, ops);
      const std::uint32_t consumers = Broker::consumer_count(cfg);
      components.push_back(std::make_unique<Broker>(
          world, b.name, place_instances(network, b.name, "broker '" + b.name + "'", consumers, b.placement),
          std::move(cfg)));  // its calls to subscribers are asynchronous: no cycle to check
    } else {
      const ClientSpec& c = model.clients[i];
      const std::string where = "client '" + c.name + "'";
      ClientConfig cfg;
      cfg.closed = c.closed;
      cfg.rate_schedule = c.rate_schedule;
      cfg.users = c.users;
      cfg.think = c.think;
      cfg.keys = c.keys;
      for (const auto& [op, w] : c.mix) {
        if (!(w >= 0)) fail(fmt::format("{}: mix weight of '{}' must be >= 0, got {}", where, op, w));
        cfg.mix.emplace_back(ops.id(op), w);
      }
      cfg.deadline = c.deadline;
      cfg.tenants = c.tenants;
      if (!c.tenant.empty()) {
        cfg.tenant = tenants.id(c.tenant);
        if (c.keys.size() > (std::uint64_t{1} << kTenantKeyBits))
          fail(fmt::format("{}: a tenant's keys must number at most 2^{} (its id is folded in above them), got {}",
                           where, kTenantKeyBits, c.keys.size()));
      }
      cfg.target = dir.resolve(c.target, where);
      cfg.strategy = strategy_for(c.strategy, where + " strategy");
      if (c.closed && c.users == 0) fail(where + ": a closed workload needs users >= 1");
      try {
        components.push_back(std::make_unique<Client>(world, c.name, place_instances(network, c.name, where, 1, c.placement), std::move(cfg)));
      } catch (const std::invalid_argument& e) {
        fail(fmt::format("{}: {}", where, e.what()));
      }
      has_client = true;
    }
  }
  if (!has_client) fail(fmt::format("model '{}' has no client: nothing sends requests", model.name));
  check_acyclic(calls, dir.names());
  world.operations = ops.names;

  // connect
  for (auto& c : components) {
    c->attach(static_cast<std::uint32_t>(world.components.size()), sim.add_handler(c.get()));
    world.components.push_back(c.get());
  }
  for (auto& c : components) c->connect();
  MetricsRecorder recorder(world, options.warmup, options.window);
  recorder.track_tenants(tenants.names());
  recorder.subscribe(world.signals);
  std::unique_ptr<TraceRecorder> tracer;
  if (options.trace_sample != 0) {
    tracer = std::make_unique<TraceRecorder>(options.trace_sample, options.seed);
    world.signals.subscribe(tracer.get());
  }
  ConsistencyChecker checker(world, options.warmup);
  for (const auto& [cache, backend] : cache_backends)  // a cache in front of a store: its reads are checked too
    if (world.components[backend]->kind() == "store") checker.watch_cache(cache, backend);
  if (checker.active()) world.signals.subscribe(&checker);  // no stores: no cost per event

  const SimTime run_end = options.duration;
  DeploymentController deployments(options.deployments, world, run_end, options.warmup, options.window);
  if (deployments.watches()) world.signals.subscribe(&deployments);
  std::vector<FaultSpec> fault_specs = options.faults;  // rolling restarts are restart faults
  for (FaultSpec& f : deployments.restart_faults()) fault_specs.push_back(std::move(f));
  FaultInjector faults(fault_specs, world.components, network, sim, run_end);
  std::vector<std::unique_ptr<Autoscaler>> autoscalers;
  for (Component* c : world.components)
    if (auto* s = dynamic_cast<Service*>(c); s && s->config().autoscale.enabled) {
      autoscalers.push_back(std::make_unique<Autoscaler>(world, *s));
      world.signals.subscribe(autoscalers.back().get());
    }

  // initialise
  recorder.initialise(sim);
  faults.initialise();
  for (auto& a : autoscalers) a->initialise(sim, run_end);
  deployments.initialise();
  for (auto& c : components) c->initialise();

  // run
  if (progress) sim.set_progress(std::move(progress));
  std::unique_ptr<EventLog> event_log;
  if (!options.event_log.empty()) {
    event_log = std::make_unique<EventLog>(options.event_log);
    sim.set_event_log(event_log.get());
  }
  RunLimits limits;
  limits.until = options.duration;
  limits.max_events = options.max_events;
  const StopReason reason = sim.run(limits);
  if (event_log) event_log->close();

  // finalise, collect
  for (auto& c : components) c->finalise();
  RunResult result;
  result.model = model.name;
  result.seed = options.seed;
  result.measured_from = std::min(options.warmup, sim.now());
  result.measured_to = sim.now();
  result.window = options.window;
  result.events = sim.events_processed();
  result.requests_completed = world.roots_completed;
  result.peak_requests_in_use = world.requests.capacity();
  static constexpr const char* kReasons[] = {"time_limit", "event_limit", "queue_empty", "until_requests", "cancelled",
                                             "stalled"};
  result.stop_reason = kReasons[static_cast<int>(reason)];
  result.components = recorder.collect(sim.now());
  result.faults = faults.log();
  if (tracer) result.trace = tracer->collect(sim.now());
  result.operations = world.operations;
  result.consistency = checker.collect();
  result.tenants = recorder.collect_tenants();
  if (tenants.unused_none()) result.tenants.erase(result.tenants.begin());
  deployments.collect(result, sim.now());
  return result;
}

}  // namespace archsim

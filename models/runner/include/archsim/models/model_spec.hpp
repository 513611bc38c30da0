#pragma once
// The description of an architecture, by name: what the Python builder and
// (later) the scenario loader fill in. The runner resolves names to indices.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/key_chooser.hpp"
#include "archsim/models/arrival_process.hpp"
#include "archsim/models/deployment_spec.hpp"
#include "archsim/models/network.hpp"
#include "archsim/models/shards.hpp"

namespace archsim {

struct PlacementSpec {
  std::vector<std::string> hosts;  // instance i on hosts[i % n]; shared hosts cross no network
  std::vector<std::string> zones;  // else: one new host per instance, spread over these zones
};

struct CallSpec {
  std::string target;
  std::string op;  // empty = the incoming request's op
  std::string strategy = "round_robin";
  SimTime timeout = kTimeMax;  // per attempt
  std::uint32_t attempts = 1;  // retry policy: total tries
  SimTime backoff = 0, backoff_cap = kTimeMax;
  std::string jitter = "none";
  double retry_budget = -1;                       // retries per first attempt; < 0 unlimited
  std::vector<std::string> retry_on{"timeout", "rejected", "unavailable", "dropped", "error"};
  bool breaker = false;  // circuit breaker on this edge
  std::uint32_t breaker_consecutive = 0;
  double breaker_failure_rate = 0;
  std::uint32_t breaker_window = 20;
  SimTime breaker_open_for = kSecond;
  std::uint32_t breaker_probes = 1;
  std::uint32_t bulkhead = 0;  // max attempts in flight on this edge; 0 = none
  SimTime hedge_delay = kTimeMax;         // hedge an attempt unanswered after this long; kTimeMax: no
  double hedge_percentile = 0;            // or after this percentile of the edge's attempt latency; 0: no
  std::uint32_t hedge_min_samples = 100;  // replies seen before a percentile hedge goes out
  bool idempotent = true;  // false: a second completed attempt of one call is a duplicate effect
};

struct StepSpec {
  std::vector<CallSpec> calls;  // more than one: in parallel
  std::string wait = "all";     // all | first | quorum
  std::uint32_t k = 0;          // quorum size
};

// A service's autoscaler; metric empty: none (models/service/autoscale_policy.hpp).
struct AutoscaleSpec {
  std::string metric;  // utilisation | queue
  double target = 0;   // utilisation in (0, 1], or waiting requests per instance
  std::uint32_t min = 1, max = 1;
  SimTime interval = 15 * kSecond;
  SimTime scale_up_cooldown = 0, scale_down_cooldown = 0;
  SimTime provisioning_delay = 0;
  double tolerance = 0;
};

// One row of a service's quota table (models/service/tenant_quota.hpp), by tenant name.
struct TenantQuotaSpec {
  std::string tenant;
  double rate = 0;                  // requests per second; 0 = none
  double burst = 1;
  std::uint32_t max_in_flight = 0;  // 0 = none
};

struct ServiceSpec {
  std::string name;
  std::uint32_t instances = 1, workers = 1;
  std::int64_t queue_limit = -1;
  Distribution service_time;
  std::vector<std::pair<std::string, Distribution>> service_time_by_op;
  std::vector<StepSpec> steps;
  double error_probability = 0;  // a request fails with "error" after its service time
  double rate_limit = 0;          // token bucket, requests per second; 0 = none
  double rate_limit_burst = 1;
  bool rate_limit_per_tenant = false;
  SimTime max_queue_time = kTimeMax;  // load shedding by time spent queued
  std::int64_t lifo_above = -1;       // serve the newest first while more than this many wait; -1: FIFO
  std::int64_t backpressure_high = -1;  // an instance with this many waiting tells callers to hold; -1: never
  std::int64_t backpressure_low = -1;   // ... until its queue is down to this
  std::vector<TenantQuotaSpec> quotas;  // per-tenant quotas
  bool fair_queueing = false;           // round robin over tenants' waiting requests
  PlacementSpec placement;
  AutoscaleSpec autoscale;  // instances: the count at the start (raised to min)
};

struct BalancerSpec {
  std::string name, target, strategy = "round_robin";
  std::uint32_t instances = 1;
  PlacementSpec placement;
};

struct ClientSpec {
  std::string name, target, strategy = "round_robin";
  bool closed = false;
  std::vector<RateSegment> rate_schedule{{0, 1.0}};
  std::uint32_t users = 0;
  Distribution think;
  KeyChooser keys;
  std::vector<std::pair<std::string, double>> mix{{"read", 1.0}};
  SimTime deadline = kTimeMax;
  std::uint32_t tenants = 1;
  std::string tenant;  // a named tenant: every request is its, in its own key space; empty = none
  PlacementSpec placement;
};

struct StoreSpec {
  std::string name;
  std::uint32_t replicas = 3;
  std::string mode = "primary";  // primary | quorum
  std::uint32_t workers = 1;     // per replica
  Distribution service_time;
  std::vector<Distribution> replication_delay;  // one for every replica, or one per replica; empty: none
  std::string read_policy = "primary";          // primary mode: primary | any | nearest
  SimTime failover_after = kTimeMax;            // primary mode; kTimeMax: no automatic failover
  std::uint32_t write_quorum = 1, read_quorum = 1;  // quorum mode
  bool read_repair = false;
  PlacementSpec placement;
};

struct CacheSpec {
  std::string name, backend, strategy = "round_robin";
  std::uint32_t instances = 1;
  std::string policy = "lru", mode = "read-through";
  std::uint32_t capacity = 0;  // entries per instance; 0 = unbounded (policy ttl only)
  SimTime ttl = kTimeMax;
  double ttl_jitter = 0;
  bool single_flight = false;
  SimTime stale_while_revalidate = 0;
  SimTime flush_delay = kSecond;
  std::uint32_t flush_batch = 100;
  std::uint64_t warm_keys = 0;
  PlacementSpec placement;
};

struct ShardsSpec {
  std::string name, backend, routing = "consistent";
  std::uint32_t instances = 1;
  std::uint32_t shards = 0;  // active at start; 0 = every backend instance
  std::uint32_t vnodes = 100;
  std::uint64_t key_space = 0;
  std::vector<ShardChange> changes;
  std::uint32_t tenant_shards = 0;  // tenant-aware partitioning: shards per tenant; 0 = by key only
  PlacementSpec placement;
};

// A consumer group of a broker (models/broker), by name.
struct ConsumerGroupSpec {
  std::string name;
  std::uint32_t consumers = 1;
  std::string ordering = "partition";  // partition (one consumer per partition, in order) | none (competing)
  Distribution processing_time;
  double failure_probability = 0;
  SimTime visibility_timeout = 30 * kSecond;
  std::uint32_t max_deliveries = 0;  // then the dead-letter queue; 0: no limit
  bool idempotent = true;
  std::string subscriber;  // a component each delivery is sent to; empty: none
  std::string strategy = "round_robin";
  SimTime checkpoint_interval = kTimeMax;  // streaming state: commit at checkpoints
  SimTime state_window = 0;                // streaming state: tumbling window width; 0: none
};

// A broker: one topic with partitions and its consumer groups.
struct BrokerSpec {
  std::string name;
  std::uint32_t partitions = 1;
  std::int64_t capacity = -1;       // messages per partition; -1: unbounded
  std::string overflow = "block";   // block (producers wait) | drop
  std::vector<ConsumerGroupSpec> groups;
  PlacementSpec placement;          // of its consumers
};

struct ModelSpec {
  std::string name = "model";
  NetworkSpec network;
  // Kind and position in its list, in declaration order: component indices follow it.
  std::vector<std::pair<std::string, std::uint32_t>> order;
  std::vector<ServiceSpec> services;
  std::vector<BalancerSpec> balancers;
  std::vector<ClientSpec> clients;
  std::vector<StoreSpec> stores;
  std::vector<CacheSpec> caches;
  std::vector<ShardsSpec> shards;
  std::vector<BrokerSpec> brokers;
};

// A fault in a run. Service faults target an instance ("db[0]") or every
// instance of a service ("db"); network faults name two groups of sites, each
// a zone, region, host, component or instance.
struct FaultSpec {
  // crash | slow | drop_responses | error_responses | corrupt_responses |
  // random_crashes | partition | link_latency
  std::string kind;
  std::string target;           // service faults
  SimTime at = 0;
  SimTime duration = kTimeMax;  // kTimeMax: until the end of the run
  double factor = 1;            // slow: service-time multiplier
  double probability = 0;       // *_responses: chance per response
  Distribution mttf, mttr;      // random_crashes: time to failure, time to repair (seconds)
  std::vector<std::string> sites_a, sites_b;  // partition, link_latency
  bool one_way = false;         // partition: only messages from a to b are lost
  Distribution latency;         // link_latency: extra one-way delay (seconds)
};

struct RunOptions {
  SimTime duration = kTimeMax;           // stop time (kTimeMax: until_requests must be set)
  SimTime warmup = 0;                    // figures exclude requests that arrive earlier
  std::uint64_t seed = 0;
  std::uint64_t until_requests = UINT64_MAX;  // stop after this many client requests complete
  SimTime window = kSecond;              // time-series window
  std::uint64_t max_events = UINT64_MAX;
  std::vector<FaultSpec> faults;
  double trace_sample = 0;               // fraction of client requests traced (0: no trace)
  std::string event_log;                 // debug: a file to log every event in (empty: off)
  std::vector<DeploymentSpec> deployments;  // canaries, blue-green switches, feature flags, rolling restarts
};

}  // namespace archsim

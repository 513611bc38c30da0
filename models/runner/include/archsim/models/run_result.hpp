#pragma once
// Every figure a run reports. Plain data: the Python layer turns it into
// DataFrames and JSON, and fingerprint() hashes all of it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "archsim/core/histogram.hpp"
#include "archsim/core/sim_time.hpp"
#include "archsim/core/windowed_series.hpp"
#include "archsim/models/consistency_checker.hpp"
#include "archsim/models/request.hpp"
#include "archsim/models/request_figures.hpp"
#include "archsim/models/trace_recorder.hpp"
#include "archsim/models/signals.hpp"

namespace archsim {

struct InstanceResult {
  std::string name, host;
  std::uint64_t completed = 0;  // finished (any outcome) after warm-up
  double utilisation = 0;       // mean busy workers / workers
  double mean_queue = 0;        // time-averaged waiting requests
  double mean_in_flight = 0;    // time-averaged requests in the instance
  double in_service = 1;        // fraction of the measured time it was active or draining (autoscaling)
};

// A cache's counts (CacheEvent order) after warm-up, and its reads per window.
struct CacheResult {
  std::array<std::uint64_t, kCacheEvents> counts{};
  std::vector<std::array<std::uint64_t, 2>> windows;  // (hits, misses) per time-series window
};

// One change of a shard router's shards (the first, "start", is the initial set).
struct ShardChangeRecord {
  SimTime at = 0;
  std::string kind;  // start | add | remove
  std::uint32_t shard = 0;
  std::vector<std::uint32_t> active;  // the shards after the change
  double moved = 0;                   // fraction of keys 0 .. 2^16-1 whose shard changed
};

struct ShardsResult {
  std::vector<std::uint64_t> load;  // requests routed to each shard (backend instance) after warm-up
  std::vector<ShardChangeRecord> changes;
};

// A broker's lag over one time-series window: time averages of the messages
// not yet done and of the age of the oldest of them.
struct LagWindow {
  std::int64_t index = 0;
  double mean_lag = 0;       // messages
  double mean_lag_time = 0;  // ns
};

// One consumer group of a broker, after warm-up. Per-message figures count
// messages published after warm-up.
struct ConsumerGroupResult {
  std::string name;
  std::uint32_t consumers = 0;
  std::uint64_t delivered = 0, redelivered = 0;  // deliveries; of which not the first of their message
  std::uint64_t failed = 0;                      // deliveries whose processing failed
  std::uint64_t processed = 0, dead_lettered = 0;
  std::uint64_t finished_deliveries = 0;  // deliveries of the processed and dead-lettered messages
  std::uint64_t duplicates_detected = 0, duplicate_effects = 0;
  std::uint64_t reprocessed = 0, checkpoints = 0, committed = 0, restores = 0, replayed = 0;
  std::uint64_t windows_emitted = 0, windows_reemitted = 0;
  std::uint64_t out_of_order = 0;  // processed before a message published earlier in its partition
  Histogram wait;     // publish to first delivery, ns
  Histogram latency;  // publish to first successful processing (end-to-end), ns
  double mean_lag = 0, mean_lag_time = 0;  // time averages: messages, ns
  double max_lag = 0;
  SimTime max_lag_time = 0;
  std::vector<LagWindow> windows;
};

struct BrokerResult {
  std::uint64_t published = 0, dropped = 0, blocked = 0;  // after warm-up
  std::vector<ConsumerGroupResult> groups;
};

// One decision of a service's autoscaler: instances (active and provisioning)
// from -> to, and the metric's average over the interval that led to it.
struct ScalingRecord {
  SimTime at = 0;
  std::uint32_t from = 0, to = 0;
  double observed = 0;
};

// The instances of an autoscaled service after a change, by state.
struct InstanceCountRecord {
  SimTime at = 0;
  std::uint32_t active = 0, provisioning = 0, draining = 0;
};

// An autoscaled service's timeline over the whole run (warm-up included).
struct AutoscaleResult {
  std::string metric;  // utilisation | queue
  double target = 0;
  std::vector<ScalingRecord> decisions;
  std::vector<InstanceCountRecord> counts;  // the first is the start (at 0)
};

struct ComponentResult {
  std::string name, kind;
  std::uint32_t workers = 0;
  std::vector<OpResult> ops;  // one per operation seen, in op-index order
  std::vector<InstanceResult> instances;
  double utilisation = 0, mean_queue = 0, mean_in_flight = 0;
  double littles_in_flight = 0;  // time-averaged in flight, counting only measured requests (Little's L)
  std::uint64_t duplicates = 0;  // completed attempts of non-idempotent calls beyond the first
  std::optional<CacheResult> cache;    // caches only
  std::optional<ShardsResult> shards;  // shard routers only
  std::optional<BrokerResult> broker;  // brokers only
  // Autoscaled services only. Their utilisation is busy-worker time over worker
  // time of the instances in service (active or draining), not a mean over the pool.
  std::optional<AutoscaleResult> autoscale;
};

// One entry of the fault log: what fired, when, and what it affected.
struct FaultRecord {
  std::string kind, target;      // target: one instance ("db[0]"), or "a | b" for a network fault
  SimTime start = 0, end = -1;   // end -1: still active when the run ended
  std::uint64_t failed_requests = 0;  // crash: queued and in-service requests lost
  // Requests or messages it changed while active: a crash, requests failed and
  // arrivals refused; slow, requests served slowly; a response fault, responses
  // dropped, failed or corrupted; a partition, messages lost; link latency,
  // messages delayed.
  std::uint64_t affected = 0;
};

// One entry of the deployment timeline.
struct DeploymentEvent {
  SimTime at = 0;
  std::string service;
  std::string kind;     // canary_started, rolled_back, promoted, switch_started, switched, flag_on, flag_off,
                        // rolling_restart, restart_started, restarted
  std::string detail;   // readable: "rolled back: p99 0.31 s > 0.2 s"
  std::string version;  // the version concerned (deployments of versions)
  double share = 0;     // the share of requests the newest version gets after the event
};

// One version of a service with deployments: its requests after warm-up, and its
// arrivals per time-series window over the whole run.
struct VersionResult {
  std::string service, name;
  std::uint64_t arrivals = 0, completed = 0, failed = 0;
  Histogram latency;  // successful requests, ns (arrival to reply at the service)
  std::vector<std::pair<std::uint64_t, std::uint64_t>> windows;  // (window index, arrivals), non-empty windows
};

struct RunResult {
  std::string model;
  std::uint64_t seed = 0;
  SimTime measured_from = 0, measured_to = 0;  // the window the figures cover
  SimTime window = kSecond;                    // width of the time-series windows
  std::uint64_t events = 0;
  std::string stop_reason;
  std::uint64_t requests_completed = 0;  // client requests, whole run
  std::uint64_t peak_requests_in_use = 0;
  std::vector<ComponentResult> components;
  std::vector<FaultRecord> faults;  // in firing order
  std::vector<TraceSpan> trace;     // sampled request spans (RunOptions::trace_sample); not fingerprinted
  std::vector<std::string> operations;  // op index -> name, for the spans
  std::vector<ConsistencyResult> consistency;  // per store and per cache in front of one, in component order
  std::vector<TenantResult> tenants;  // by tenant id; empty for a single-tenant model
  std::vector<DeploymentEvent> deployments;    // the deployment timeline, in time order
  std::vector<VersionResult> versions;         // per service with deployments of versions, per version
};

// A stable 64-bit hash (hex) of every reported figure, in a fixed order.
std::string fingerprint(const RunResult& result);

}  // namespace archsim

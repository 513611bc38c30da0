#pragma once
// Subscribes to component signals and keeps every figure of a run. Requests
// that arrived before the warm-up ends are not measured; time averages start
// at the end of warm-up. The figures of requests themselves are kept by its
// RequestMetrics, which Signals calls directly; this class keeps the rest.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "archsim/core/simulation.hpp"
#include "archsim/core/time_average.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/lag_tracker.hpp"
#include "archsim/models/request_metrics.hpp"
#include "archsim/models/run_result.hpp"

namespace archsim {

class MetricsRecorder final : public Observer, public EventHandler {
 public:
  MetricsRecorder(const World& world, SimTime warmup, SimTime window);
  // Subscribes to the world's signals and has them record requests in its RequestMetrics.
  void subscribe(Signals& signals);
  // Schedules the end of warm-up; call once before the run.
  void initialise(Simulation& sim);

  bool observes_requests() const override { return false; }  // Signals sends those to requests_
  void on_call_sent(const Component& c, std::uint32_t i, const Request& parent, const Request& attempt,
                    SimTime now) override;
  void on_duplicate_effect(const Component& c, SimTime now) override;
  void on_cache(const Component& c, std::uint32_t i, CacheEvent e, SimTime now) override;
  void on_routed(const Component& c, std::uint32_t shard, const Request& r, SimTime now) override;
  void on_resharded(const Component& c, std::string_view kind, std::uint32_t shard,
                    const std::vector<std::uint32_t>& active, double moved, SimTime now) override;
  void on_broker(const Component& c, const BrokerSignal& s, SimTime now) override;
  void on_instance_state(const Component& c, std::uint32_t i, InstanceState s, SimTime now) override;
  void on_scaled(const Component& c, const ScalingSignal& s, SimTime now) override;
  void handle(const Event& event) override;  // the end of warm-up
  std::string_view log_name() const override { return "metrics"; }

  // Moves the figures out; `now` closes the time averages.
  std::vector<ComponentResult> collect(SimTime now);

  // Per-tenant figures, by tenant id (names[id]); none are kept without names.
  void track_tenants(std::vector<std::string> names) { requests_.track_tenants(std::move(names)); }
  std::vector<TenantResult> collect_tenants() { return requests_.take_tenants(); }

 private:
  struct PerComponent {
    std::uint64_t duplicates = 0;
    std::optional<CacheResult> cache;
    std::optional<ShardsResult> shards;
    std::optional<BrokerResult> broker;
    std::optional<AutoscaleResult> autoscale;
    std::vector<InstanceState> states;    // autoscaled services: per instance
    std::vector<TimeAverage> in_service;  // autoscaled services: 1 while active or draining
    std::vector<LagTracker> lags;  // brokers: per consumer group
    std::vector<std::vector<SimTime>> last_processed;  // brokers: [group][partition] latest publish time processed
  };

  const World& world_;
  SimTime warmup_, window_;
  RequestMetrics requests_;
  std::vector<PerComponent> data_;
};

}  // namespace archsim

#pragma once
// Subscribes to component signals and keeps every figure of a run. Requests
// that arrived before the warm-up ends are not measured; time averages start
// at the end of warm-up.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "archsim/core/simulation.hpp"
#include "archsim/core/time_average.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/lag_tracker.hpp"
#include "archsim/models/run_result.hpp"

namespace archsim {

class MetricsRecorder final : public Observer, public EventHandler {
 public:
  MetricsRecorder(const World& world, SimTime warmup, SimTime window);
  // Schedules the end of warm-up; call once before the run.
  void initialise(Simulation& sim);

  void on_arrived(const Component& c, std::uint32_t i, const Request& r, SimTime now) override;
  void on_finished(const Component& c, std::uint32_t i, const Request& r, SimTime now) override;
  void on_call_sent(const Component& c, std::uint32_t i, const Request& parent, const Request& attempt,
                    SimTime now) override;
  void on_duplicate_effect(const Component& c, SimTime now) override;
  void on_queue_length(const Component& c, std::uint32_t i, std::size_t n, SimTime now) override;
  void on_busy(const Component& c, std::uint32_t i, std::uint32_t busy, SimTime now) override;
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
  void track_tenants(std::vector<std::string> names);
  std::vector<TenantResult> collect_tenants() {
    tenant_count_ = 0;
    return std::move(tenants_);
  }

 private:
  struct InstanceLevels {
    TimeAverage busy, queue, in_flight;
    // Requests that arrived before warm-up ended. Little's L counts only the others:
    // in_flight minus these, so a measured request updates one level, not two.
    TimeAverage early_in_flight;
    TimeAverage in_service;          // 1 while active or draining (autoscaled services)
    InstanceState state = InstanceState::kActive;
    std::uint64_t finished = 0;
  };
  struct PerComponent {
    bool client = false, service = false;  // its kind, read per request for the tenant figures
    std::vector<OpResult> ops;  // by op index
    std::uint32_t op_count = 0;  // ops.size(), read per request: size() divides by sizeof(OpResult)
    std::vector<InstanceLevels> instances;
    std::uint64_t duplicates = 0;
    std::optional<CacheResult> cache;
    std::optional<ShardsResult> shards;
    std::optional<BrokerResult> broker;
    std::optional<AutoscaleResult> autoscale;
    std::vector<LagTracker> lags;  // brokers: per consumer group
    std::vector<std::vector<SimTime>> last_processed;  // brokers: [group][partition] latest publish time processed
  };
  OpResult& op(std::uint32_t component, std::uint16_t op) {
    PerComponent& data = data_[component];
    return op < data.op_count ? data.ops[op] : grow_ops(component, op);
  }
  OpResult& grow_ops(std::uint32_t component, std::uint16_t op);
  void record_tenant(const Component& c, const Request& r, SimTime now);

  const World& world_;
  SimTime warmup_, window_;
  std::vector<PerComponent> data_;
  std::vector<TenantResult> tenants_;
  std::uint32_t tenant_count_ = 0;  // tenants_.size(), read per request
};

}  // namespace archsim

#pragma once
// The figures of requests as components signal them: per instance, the
// time-averaged levels; per component and operation, counts, latencies and
// windows; per tenant, the outcomes of client requests. Requests that arrived
// before the warm-up ends are not measured.
//
// Signals calls it directly, not through Observer's virtual
// functions: every hop of every request sends it arrived, finished and the
// queue's changes, and a virtual call costs about as much as what it records
// (docs/performance.md). MetricsRecorder owns it and keeps every other figure.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "archsim/core/sim_time.hpp"
#include "archsim/core/time_average.hpp"
#include "archsim/models/request.hpp"
#include "archsim/models/request_figures.hpp"

namespace archsim {

class RequestMetrics {
 public:
  struct InstanceLevels {
    TimeAverage busy, queue, in_flight;
    // Requests that arrived before warm-up ended. Little's L counts only the others:
    // in_flight minus these, so a measured request updates one level, not two.
    TimeAverage early_in_flight;
    std::uint64_t finished = 0;
  };
  struct ComponentFigures {
    bool client = false, service = false;  // its kind, read per request for the tenant figures
    std::vector<OpResult> ops;             // by op index
    std::uint32_t op_count = 0;  // ops.size(), read per request: size() divides by sizeof(OpResult)
    std::vector<InstanceLevels> instances;
  };

  // `operations`: op index -> name, for the results; it must outlive this.
  RequestMetrics(std::vector<ComponentFigures> components, const std::vector<std::string>& operations,
                 SimTime warmup, SimTime window);

  // A request reached instance i of component c (for a client: it was issued).
  void arrived(std::uint32_t c, std::uint32_t i, const Request& r, SimTime now) {
    InstanceLevels& inst = components_[c].instances[i];
    inst.in_flight.add(now, 1);
    if (r.arrived < warmup_) {
      inst.early_in_flight.add(now, 1);
      return;
    }
    ++op(c, r.op).arrivals;
    if (r.tenant < tenant_count_ && components_[c].client) ++tenants_[r.tenant].arrivals;
  }
  // It completed there; r.error says whether it succeeded.
  void finished(std::uint32_t c, std::uint32_t i, const Request& r, SimTime now) {
    InstanceLevels& inst = components_[c].instances[i];
    inst.in_flight.add(now, -1);
    if (r.arrived < warmup_) {
      inst.early_in_flight.add(now, -1);
      return;
    }
    ++inst.finished;
    if (r.tenant < tenant_count_) record_tenant(c, r, now);
    OpResult& o = op(c, r.op);
    const SimTime latency = now - r.arrived;
    if (r.error == ErrorKind::kNone) {
      if (r.corrupted) ++o.corrupted;
      o.series.record_success(now, latency, o.latency);
    } else {
      ++o.errors[static_cast<std::size_t>(r.error)];
      o.error_latency_sum += static_cast<double>(latency);
      o.series.record_error(now, o.latency);
    }
  }
  void queue_length(std::uint32_t c, std::uint32_t i, std::size_t n, SimTime now) {
    components_[c].instances[i].queue.set(now, static_cast<std::int64_t>(n));
  }
  void busy(std::uint32_t c, std::uint32_t i, std::uint32_t n, SimTime now) {
    components_[c].instances[i].busy.set(now, n);
  }

  // The end of warm-up: the time averages start over and counts restart.
  void end_warmup(SimTime now);

  ComponentFigures& component(std::uint32_t c) { return components_[c]; }
  OpResult& op(std::uint32_t c, std::uint16_t op) {
    ComponentFigures& data = components_[c];
    return op < data.op_count ? data.ops[op] : grow_ops(c, op);
  }
  // Moves a component's operation figures out, their series' windows closed.
  std::vector<OpResult> take_ops(std::uint32_t c) {
    components_[c].op_count = 0;
    for (OpResult& o : components_[c].ops) o.series.close(o.latency);
    return std::move(components_[c].ops);
  }

  // Per-tenant figures, by tenant id (names[id]); none are kept without names.
  void track_tenants(std::vector<std::string> names);
  std::vector<TenantResult> take_tenants() {
    tenant_count_ = 0;
    return std::move(tenants_);
  }

 private:
  OpResult& grow_ops(std::uint32_t c, std::uint16_t op);
  void record_tenant(std::uint32_t c, const Request& r, SimTime now);

  std::vector<ComponentFigures> components_;
  const std::vector<std::string>& operations_;
  SimTime warmup_, window_;
  std::vector<TenantResult> tenants_;
  std::uint32_t tenant_count_ = 0;  // tenants_.size(), read per request
};

}  // namespace archsim

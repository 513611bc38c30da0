#include "archsim/models/request_metrics.hpp"

#include <utility>

namespace archsim {

RequestMetrics::RequestMetrics(std::vector<ComponentFigures> components, const std::vector<std::string>& operations,
                               SimTime warmup, SimTime window)
    : components_(std::move(components)), operations_(operations), warmup_(warmup), window_(window) {}

void RequestMetrics::end_warmup(SimTime now) {
  for (auto& c : components_)
    for (auto& i : c.instances) {
      i.busy.reset(now);
      i.queue.reset(now);
      i.in_flight.reset(now);
      i.early_in_flight.reset(now);
      i.finished = 0;
    }
}

OpResult& RequestMetrics::grow_ops(std::uint32_t c, std::uint16_t op) {
  auto& ops = components_[c].ops;
  while (ops.size() <= op) {
    OpResult fresh;
    fresh.op = operations_[ops.size()];
    fresh.series = WindowedSeries(window_);
    ops.push_back(std::move(fresh));
  }
  components_[c].op_count = static_cast<std::uint32_t>(ops.size());
  return ops[op];
}

void RequestMetrics::track_tenants(std::vector<std::string> names) {
  tenants_.resize(names.size());
  tenant_count_ = static_cast<std::uint32_t>(names.size());
  for (std::size_t t = 0; t < names.size(); ++t) tenants_[t].name = std::move(names[t]);
}

void RequestMetrics::record_tenant(std::uint32_t c, const Request& r, SimTime now) {
  TenantResult& t = tenants_[r.tenant];
  const ComponentFigures& data = components_[c];
  if (!data.client) {  // a hop inside the architecture: count what services turned away
    if (r.error == ErrorKind::kRejected && data.service) ++t.refused;
    return;
  }
  if (r.error == ErrorKind::kNone) {
    ++t.completed;
    t.latency.record(now - r.arrived);
  } else {
    ++t.errors[static_cast<std::size_t>(r.error)];
  }
}

}  // namespace archsim

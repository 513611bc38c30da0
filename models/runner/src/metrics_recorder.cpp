#include "archsim/models/metrics_recorder.hpp"

#include <algorithm>

#include "archsim/models/broker.hpp"
#include "archsim/models/service.hpp"

namespace archsim {

namespace {

std::vector<RequestMetrics::ComponentFigures> request_figures(const World& world) {
  std::vector<RequestMetrics::ComponentFigures> figures(world.components.size());
  for (std::size_t c = 0; c < figures.size(); ++c) {
    figures[c].instances.resize(world.components[c]->instances());
    figures[c].client = world.components[c]->kind() == "client";
    figures[c].service = world.components[c]->kind() == "service";
  }
  return figures;
}

}  // namespace

MetricsRecorder::MetricsRecorder(const World& world, SimTime warmup, SimTime window)
    : world_(world),
      warmup_(warmup),
      window_(window),
      requests_(request_figures(world), world.operations, warmup, window) {
  data_.resize(world.components.size());
  for (std::uint32_t c = 0; c < data_.size(); ++c) {
    if (world.components[c]->kind() == "cache") data_[c].cache.emplace();
    if (world.components[c]->kind() == "shards") data_[c].shards.emplace();
    if (const auto* s = dynamic_cast<const Service*>(world.components[c]); s && s->config().autoscale.enabled) {
      AutoscaleResult& a = data_[c].autoscale.emplace();
      a.metric = scaling_metric_name(s->config().autoscale.metric);
      a.target = s->config().autoscale.target;
      a.counts.push_back({0, s->count(InstanceState::kActive), 0, 0});
      data_[c].in_service.resize(s->instances());
      for (std::uint32_t i = 0; i < s->instances(); ++i) {
        data_[c].states.push_back(s->state(i));
        data_[c].in_service[i].set(0, s->state(i) == InstanceState::kActive ? 1 : 0);
      }
    }
    if (const auto* b = dynamic_cast<const Broker*>(world.components[c])) {
      BrokerResult& r = data_[c].broker.emplace();
      for (const auto& g : b->config().groups) {
        r.groups.emplace_back().name = g.name;
        r.groups.back().consumers = g.consumers;
        data_[c].lags.emplace_back(window);
        data_[c].last_processed.emplace_back(b->config().partitions, -1);
      }
    }
  }
}

void MetricsRecorder::subscribe(Signals& signals) {
  signals.subscribe(this);
  signals.record_requests_in(&requests_);
}

void MetricsRecorder::initialise(Simulation& sim) {
  const std::uint32_t id = sim.add_handler(this);
  if (warmup_ > 0) sim.schedule_at(warmup_, id, 0);
}

void MetricsRecorder::handle(const Event&) {
  const SimTime now = warmup_;
  requests_.end_warmup(now);
  for (auto& c : data_) {
    for (auto& lag : c.lags) lag.reset(now);
    for (auto& level : c.in_service) level.reset(now);
  }
}

void MetricsRecorder::on_call_sent(const Component& c, std::uint32_t, const Request& parent, const Request& attempt,
                                   SimTime) {
  if (parent.arrived < warmup_) return;
  OpResult& o = requests_.op(c.index(), parent.op);
  ++o.calls_sent;
  if (attempt.hedge) {
    ++o.hedges;
  } else if (attempt.attempt > 1) {
    ++o.retries;
  }
}

void MetricsRecorder::on_duplicate_effect(const Component& c, SimTime now) {
  if (now >= warmup_) ++data_[c.index()].duplicates;
}

void MetricsRecorder::on_cache(const Component& c, std::uint32_t, CacheEvent e, SimTime now) {
  if (now < warmup_) return;
  CacheResult& cache = *data_[c.index()].cache;
  ++cache.counts[static_cast<std::size_t>(e)];
  if (e != CacheEvent::kHit && e != CacheEvent::kMiss) return;
  const auto w = static_cast<std::size_t>(now / window_);
  if (cache.windows.size() <= w) cache.windows.resize(w + 1);
  ++cache.windows[w][e == CacheEvent::kHit ? 0 : 1];
}

void MetricsRecorder::on_routed(const Component& c, std::uint32_t shard, const Request& r, SimTime) {
  if (r.arrived < warmup_) return;
  auto& load = data_[c.index()].shards->load;
  if (load.size() <= shard) load.resize(shard + 1);
  ++load[shard];
}

void MetricsRecorder::on_resharded(const Component& c, std::string_view kind, std::uint32_t shard,
                                   const std::vector<std::uint32_t>& active, double moved, SimTime now) {
  data_[c.index()].shards->changes.push_back({now, std::string(kind), shard, active, moved});
}

void MetricsRecorder::on_broker(const Component& c, const BrokerSignal& s, SimTime now) {
  PerComponent& data = data_[c.index()];
  if (s.event == BrokerEvent::kLag) {
    data.lags[s.group].set(now, static_cast<double>(s.value), s.oldest);
    return;
  }
  BrokerResult& b = *data.broker;
  if (now < warmup_) return;
  const bool measured = s.published >= warmup_;  // per-message figures: messages published after warm-up
  switch (s.event) {  // events about the topic
    case BrokerEvent::kPublished: ++b.published; return;
    case BrokerEvent::kDropped: ++b.dropped; return;
    case BrokerEvent::kBlocked: ++b.blocked; return;
    default: break;
  }
  ConsumerGroupResult& g = b.groups[s.group];
  switch (s.event) {  // events about a consumer group
    case BrokerEvent::kDelivered:
      if (!measured) break;
      ++g.delivered;
      if (s.value > 1) ++g.redelivered;
      else g.wait.record(now - s.published);
      break;
    case BrokerEvent::kFailed: g.failed += measured; break;
    case BrokerEvent::kProcessed: {
      SimTime& last = data.last_processed[s.group][s.partition];
      if (s.published < last && measured) ++g.out_of_order;
      last = std::max(last, s.published);
      if (!measured) break;
      ++g.processed;
      g.finished_deliveries += s.value;
      g.latency.record(now - s.published);
      break;
    }
    case BrokerEvent::kDeadLettered:
      if (!measured) break;
      ++g.dead_lettered;
      g.finished_deliveries += s.value;
      break;
    case BrokerEvent::kDuplicate: ++(s.value ? g.duplicates_detected : g.duplicate_effects); break;
    case BrokerEvent::kReprocessed: ++g.reprocessed; break;
    case BrokerEvent::kCheckpoint:
      ++g.checkpoints;
      g.committed += s.value;
      break;
    case BrokerEvent::kRestored:
      ++g.restores;
      g.replayed += s.value;
      break;
    case BrokerEvent::kWindowEmitted: g.windows_emitted += s.value; break;
    case BrokerEvent::kWindowReemitted: g.windows_reemitted += s.value; break;
    default: break;
  }
}

void MetricsRecorder::on_instance_state(const Component& c, std::uint32_t i, InstanceState s, SimTime now) {
  PerComponent& data = data_[c.index()];
  data.states[i] = s;
  data.in_service[i].set(now, s == InstanceState::kActive || s == InstanceState::kDraining ? 1 : 0);
  InstanceCountRecord n{now, 0, 0, 0};
  for (const InstanceState other : data.states) {
    n.active += other == InstanceState::kActive;
    n.provisioning += other == InstanceState::kProvisioning;
    n.draining += other == InstanceState::kDraining;
  }
  auto& counts = data.autoscale->counts;
  if (counts.back().at == now) counts.pop_back();  // several changes at one instant: keep the last
  counts.push_back(n);
}

void MetricsRecorder::on_scaled(const Component& c, const ScalingSignal& s, SimTime now) {
  data_[c.index()].autoscale->decisions.push_back({now, s.from, s.to, s.observed});
}

std::vector<ComponentResult> MetricsRecorder::collect(SimTime now) {
  std::vector<ComponentResult> out;
  for (std::size_t ci = 0; ci < data_.size(); ++ci) {
    const Component& comp = *world_.components[ci];
    ComponentResult cr;
    cr.name = comp.name();
    cr.kind = comp.kind();
    cr.workers = comp.workers();
    cr.ops = requests_.take_ops(static_cast<std::uint32_t>(ci));
    cr.duplicates = data_[ci].duplicates;
    cr.cache = std::move(data_[ci].cache);
    cr.shards = std::move(data_[ci].shards);
    cr.broker = std::move(data_[ci].broker);
    cr.autoscale = std::move(data_[ci].autoscale);
    double worker_time = 0;  // autoscaled: instance-time in service, to weigh utilisation by
    for (std::size_t g = 0; g < data_[ci].lags.size(); ++g) data_[ci].lags[g].finish(now, cr.broker->groups[g]);
    for (std::uint32_t i = 0; i < comp.instances(); ++i) {
      const RequestMetrics::InstanceLevels& lv = requests_.component(static_cast<std::uint32_t>(ci)).instances[i];
      InstanceResult ir;
      ir.name = comp.instance_name(i);
      ir.host = world_.network.host_name(comp.host(i));
      ir.completed = lv.finished;
      ir.utilisation = comp.workers() ? lv.busy.average(now) / comp.workers() : 0.0;
      ir.mean_queue = lv.queue.average(now);
      ir.mean_in_flight = lv.in_flight.average(now);
      if (cr.autoscale) {  // busy time over the time each instance was in service
        ir.in_service = data_[ci].in_service[i].average(now);
        ir.utilisation = ir.in_service > 0 ? lv.busy.average(now) / (comp.workers() * ir.in_service) : 0.0;
        cr.utilisation += lv.busy.average(now);
        worker_time += comp.workers() * ir.in_service;
      } else {
        cr.utilisation += ir.utilisation / comp.instances();
      }
      cr.mean_queue += ir.mean_queue;
      cr.mean_in_flight += ir.mean_in_flight;
      cr.littles_in_flight += lv.in_flight.average_minus(lv.early_in_flight, now);
      cr.instances.push_back(std::move(ir));
    }
    if (cr.autoscale) cr.utilisation = worker_time > 0 ? cr.utilisation / worker_time : 0.0;
    out.push_back(std::move(cr));
  }
  return out;
}

}  // namespace archsim

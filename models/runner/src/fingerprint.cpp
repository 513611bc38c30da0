#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "archsim/core/rng.hpp"
#include "archsim/models/run_result.hpp"

namespace archsim {
namespace {

// FNV-1a over the little-endian bytes of each figure, in declaration order.
struct Hasher {
  std::uint64_t h = 0xCBF29CE484222325ull;
  void add(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 0x100000001B3ull;
    }
  }
  void add(std::int64_t v) { add(static_cast<std::uint64_t>(v)); }
  void add(double v) { add(std::bit_cast<std::uint64_t>(v)); }
  void add(const std::string& s) {
    h = fnv1a64(s, h);
    add(static_cast<std::uint64_t>(s.size()));
  }
  void add(const Histogram& hist) {
    add(hist.count());
    add(hist.min());
    add(hist.max());
    add(hist.sum());
    const auto& c = hist.counts();
    for (std::size_t i = 0; i < c.size(); ++i)
      if (c[i]) add(static_cast<std::uint64_t>(i)), add(c[i]);
  }
};

}  // namespace

std::string fingerprint(const RunResult& r) {
  Hasher h;
  h.add(r.model);
  h.add(r.seed);
  h.add(r.measured_from);
  h.add(r.measured_to);
  h.add(r.events);
  h.add(r.requests_completed);
  h.add(r.stop_reason);
  for (const auto& c : r.components) {
    h.add(c.name);
    h.add(c.kind);
    h.add(c.utilisation);
    h.add(c.mean_queue);
    h.add(c.mean_in_flight);
    h.add(c.littles_in_flight);
    if (c.duplicates) h.add(c.duplicates);
    for (const auto& op : c.ops) {
      h.add(op.op);
      h.add(op.arrivals);
      h.add(op.completed());
      for (auto e : op.errors) h.add(e);
      h.add(op.latency);
      h.add(op.latency_sum_all());
      h.add(op.calls_sent);
      h.add(op.retries);
      // Figures added after the first fingerprints were pinned are hashed only
      // when non-zero, so runs that do not use them keep their fingerprints.
      if (op.corrupted) h.add(op.corrupted);
      if (op.hedges) h.add(op.hedges);
      for (const auto& w : op.series.windows()) {
        h.add(w.index);
        h.add(w.completed());
        h.add(w.errors);
        h.add(w.latency.unpack());
      }
    }
    for (const auto& i : c.instances) {
      h.add(i.name);
      h.add(i.host);
      h.add(i.completed);
      h.add(i.utilisation);
      h.add(i.mean_queue);
      h.add(i.mean_in_flight);
    }
    if (c.cache) {
      for (auto n : c.cache->counts) h.add(n);
      for (const auto& w : c.cache->windows) h.add(w[0]), h.add(w[1]);
    }
    if (c.shards) {
      for (auto n : c.shards->load) h.add(n);
      for (const auto& ch : c.shards->changes) {
        h.add(ch.at);
        h.add(ch.kind);
        h.add(static_cast<std::uint64_t>(ch.shard));
        for (auto s : ch.active) h.add(static_cast<std::uint64_t>(s));
        h.add(ch.moved);
      }
    }
    if (c.autoscale) {  // instances' in_service is hashed here: 1 in every run without autoscaling
      for (const auto& i : c.instances) h.add(i.in_service);
      h.add(c.autoscale->metric);
      h.add(c.autoscale->target);
      for (const auto& d : c.autoscale->decisions)
        h.add(d.at), h.add(static_cast<std::uint64_t>(d.from)), h.add(static_cast<std::uint64_t>(d.to)), h.add(d.observed);
      for (const auto& n : c.autoscale->counts)
        h.add(n.at), h.add(static_cast<std::uint64_t>(n.active)), h.add(static_cast<std::uint64_t>(n.provisioning)),
            h.add(static_cast<std::uint64_t>(n.draining));
    }
    if (c.broker) {
      h.add(c.broker->published);
      h.add(c.broker->dropped);
      h.add(c.broker->blocked);
      for (const auto& g : c.broker->groups) {
        h.add(g.name);
        for (std::uint64_t n : {g.delivered, g.redelivered, g.failed, g.processed, g.dead_lettered,
                                g.finished_deliveries, g.duplicates_detected, g.duplicate_effects, g.reprocessed,
                                g.checkpoints, g.committed, g.restores, g.replayed, g.windows_emitted,
                                g.windows_reemitted, g.out_of_order})
          h.add(n);
        h.add(g.wait);
        h.add(g.latency);
        h.add(g.mean_lag);
        h.add(g.mean_lag_time);
        h.add(g.max_lag);
        h.add(g.max_lag_time);
        for (const auto& w : g.windows) h.add(w.index), h.add(w.mean_lag), h.add(w.mean_lag_time);
      }
    }
  }
  for (const auto& f : r.faults) {
    h.add(f.kind);
    h.add(f.target);
    h.add(f.start);
    h.add(f.end);
    h.add(f.failed_requests);
    h.add(f.affected);
  }
  for (const auto& c : r.consistency) {  // empty without stores: older fingerprints stand
    h.add(c.name);
    h.add(c.store);
    for (auto n : {c.reads, c.stale_reads, c.ryw_violations, c.monotonic_violations, c.committed_writes, c.lost_writes,
                   c.cache_reads, c.cache_stale_reads})
      h.add(n);
    for (const Histogram* hist : {&c.staleness_time, &c.staleness_versions, &c.read_age, &c.stale_read_age}) h.add(*hist);
  }
  for (const auto& t : r.tenants) {  // empty for a single-tenant model: older fingerprints stand
    h.add(t.name);
    h.add(t.arrivals);
    h.add(t.completed);
    for (auto e : t.errors) h.add(e);
    h.add(t.latency);
    h.add(t.refused);
  }
  for (const auto& e : r.deployments) {  // empty without deployments: older fingerprints stand
    h.add(e.at);
    h.add(e.service);
    h.add(e.kind);
    h.add(e.detail);
    h.add(e.version);
    h.add(e.share);
  }
  for (const auto& v : r.versions) {
    h.add(v.service);
    h.add(v.name);
    h.add(v.arrivals);
    h.add(v.completed);
    h.add(v.failed);
    h.add(v.latency);
    for (const auto& [index, arrivals] : v.windows) h.add(index), h.add(arrivals);
  }
  return fmt::format("{:016x}", h.h);
}

}  // namespace archsim

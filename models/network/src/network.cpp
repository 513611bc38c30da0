#include "archsim/models/network.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace archsim {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double, boost::property<boost::edge_index_t, std::uint32_t>>>;

bool is_zero(const Distribution& d) { return d.kind() == Distribution::Kind::kConst && d.mean().value_or(1) == 0; }

void check_loss(double p, std::string_view what) {
  if (!(p >= 0 && p <= 1)) throw std::invalid_argument(fmt::format("network: {} must be in [0, 1], got {}", what, p));
}

}  // namespace

Network::Network(const NetworkSpec& spec) {
  check_loss(spec.same_zone_loss, "same_zone_loss");
  check_loss(spec.cross_zone_loss, "cross_zone_loss");
  check_loss(spec.cross_region_loss, "cross_region_loss");
  std::map<std::string, std::uint32_t> zone_of;
  for (const auto& z : spec.zones) {
    if (zone_of.count(z.name)) throw std::invalid_argument(fmt::format("network: zone '{}' declared twice", z.name));
    zone_of[z.name] = static_cast<std::uint32_t>(zones_.size());
    zones_.push_back(z.name);
    zone_region_.push_back(z.region);
  }
  for (const auto& h : spec.hosts) add_host(h.name, zone_index(h.zone));
  same_zone_ = {spec.same_zone, spec.same_zone_loss, is_zero(spec.same_zone) && spec.same_zone_loss == 0};
  free_ = same_zone_.zero;

  // Edge per zone pair at its level, then explicit links replace them.
  const std::size_t n = zones_.size();
  std::map<std::pair<std::uint32_t, std::uint32_t>, Edge> pair_edges;
  for (std::uint32_t a = 0; a < n; ++a)
    for (std::uint32_t b = a + 1; b < n; ++b) {
      const bool same_region = zone_region_[a] == zone_region_[b];
      const Distribution& d = same_region ? spec.cross_zone : spec.cross_region;
      const double loss = same_region ? spec.cross_zone_loss : spec.cross_region_loss;
      pair_edges[{a, b}] = Edge{d, loss, is_zero(d) && loss == 0};
    }
  auto zones_named = [&](const std::string& name) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t z = 0; z < n; ++z)
      if (zones_[z] == name || zone_region_[z] == name) out.push_back(z);
    if (out.empty()) throw std::invalid_argument(fmt::format("network: link names '{}', which is no zone or region", name));
    return out;
  };
  for (const auto& link : spec.links) {
    check_loss(link.loss, fmt::format("loss of link {} - {}", link.from, link.to));
    for (auto a : zones_named(link.from))
      for (auto b : zones_named(link.to))
        if (a != b) pair_edges[{std::min(a, b), std::max(a, b)}] = Edge{link.latency, link.loss, is_zero(link.latency) && link.loss == 0};
  }

  Graph g(n);
  for (const auto& [ends, edge] : pair_edges) {
    const auto index = static_cast<std::uint32_t>(edges_.size());
    edges_.push_back(edge);
    free_ = free_ && edge.zero;
    boost::add_edge(ends.first, ends.second, {edge.latency.mean().value_or(1e300), index}, g);
  }
  routes_.assign(n * n, {});
  route_zones_.assign(n * n, {});
  const auto index_map = boost::get(boost::edge_index, g);
  for (std::uint32_t from = 0; from < n; ++from) {
    std::vector<Graph::vertex_descriptor> pred(n);
    std::vector<double> dist(n);
    boost::dijkstra_shortest_paths(g, from, boost::predecessor_map(pred.data()).distance_map(dist.data()));
    for (std::uint32_t to = 0; to < n; ++to) {
      auto& path = routes_[from * n + to];
      auto& via = route_zones_[from * n + to];
      for (std::uint32_t v = to; v != from; v = static_cast<std::uint32_t>(pred[v])) {
        via.insert(via.begin(), v);
        if (pred[v] == v) break;  // unreachable cannot happen: the graph is complete
        const auto [e, found] = boost::edge(pred[v], v, g);
        if (found) path.insert(path.begin(), index_map[e]);
      }
      via.insert(via.begin(), from);
    }
  }
}

std::uint32_t Network::add_host(const std::string& name, std::uint32_t zone) {
  const auto index = static_cast<std::uint32_t>(hosts_.size());
  if (!host_by_name_.emplace(name, index).second)
    throw std::invalid_argument(fmt::format("network: host '{}' declared twice", name));
  hosts_.push_back(name);
  host_zone_.push_back(zone);
  return index;
}

std::uint32_t Network::host_index(const std::string& name) const {
  if (const auto it = host_by_name_.find(name); it != host_by_name_.end()) return it->second;
  throw std::invalid_argument(fmt::format("network: unknown host '{}'", name));
}

std::uint32_t Network::zone_index(const std::string& name) const {
  for (std::uint32_t i = 0; i < zones_.size(); ++i)
    if (zones_[i] == name) return i;
  throw std::invalid_argument(fmt::format("network: unknown zone '{}' (declared: {})", name, fmt::join(zones_, ", ")));
}

Transit Network::crossing(std::uint32_t from_host, std::uint32_t to_host, Rng& rng) const {
  if (faults_.any_active()) {
    // The level's draws first, so an active fault does not shift the sender's stream.
    Transit t = free_ ? Transit{0, false} : level_transit(from_host, to_host, rng);
    faults_.apply(from_host, to_host, t.delay, t.lost);
    return t;
  }
  return level_transit(from_host, to_host, rng);  // not free_, or transit() would have answered
}

Transit Network::level_transit(std::uint32_t from_host, std::uint32_t to_host, Rng& rng) const {
  const std::uint32_t a = host_zone_[from_host], b = host_zone_[to_host];
  double seconds = 0;
  bool lost = false;
  auto cross = [&](const Edge& e) {
    if (e.zero) return;
    seconds += e.latency.sample(rng);
    if (e.loss > 0 && rng.bernoulli(e.loss)) lost = true;
  };
  if (a == b) {
    cross(same_zone_);
  } else {
    for (std::uint32_t e : routes_[a * zones_.size() + b]) cross(edges_[e]);
  }
  return {draw_to_time(seconds), lost};
}

double Network::mean_latency(std::uint32_t from_host, std::uint32_t to_host) const {
  if (from_host == to_host) return 0;
  const std::uint32_t a = host_zone_[from_host], b = host_zone_[to_host];
  if (a == b) return same_zone_.latency.mean().value_or(0);
  double m = 0;
  for (std::uint32_t e : routes_[a * zones_.size() + b]) m += edges_[e].latency.mean().value_or(0);
  return m;
}

std::vector<std::string> Network::route(std::uint32_t from_zone, std::uint32_t to_zone) const {
  std::vector<std::string> out;
  for (auto z : route_zones_[from_zone * zones_.size() + to_zone]) out.push_back(zones_[z]);
  return out;
}

}  // namespace archsim

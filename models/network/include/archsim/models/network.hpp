#pragma once
// Where instances run and what crossing between them costs. Hosts sit in
// zones, zones in regions. Two instances on one host cross no network (a
// modular monolith); on two hosts of one zone they pay the same-zone latency;
// between zones the route is the shortest path (by mean latency) over a
// Boost.Graph graph of zones, whose edges are the cross-zone / cross-region
// levels and any explicit links, and the delay is the sum of one draw per edge.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/core/sim_time.hpp"
#include "archsim/models/link_faults.hpp"

namespace archsim {

struct LinkSpec {
  std::string from, to;  // zone or region names; a region link applies to all its zones
  Distribution latency;  // seconds, one way
  double loss = 0;       // probability a message is lost on this link
};

struct NetworkSpec {
  struct Zone {
    std::string name, region;
  };
  struct Host {
    std::string name, zone;
  };
  std::vector<Zone> zones;  // declaration order
  std::vector<Host> hosts;
  Distribution same_zone, cross_zone, cross_region;  // one-way latency, seconds; default 0
  double same_zone_loss = 0, cross_zone_loss = 0, cross_region_loss = 0;
  std::vector<LinkSpec> links;  // explicit overrides
};

struct Transit {
  SimTime delay;
  bool lost;
};

class Network {
 public:
  // Validates names (throws std::invalid_argument) and computes every route.
  explicit Network(const NetworkSpec& spec);

  Transit transit(std::uint32_t from_host, std::uint32_t to_host, Rng& rng) const {
    // Inline: most messages cross no network (same host, or a model without latencies).
    if (from_host == to_host || (free_ && !faults_.any_active())) return {0, false};
    return crossing(from_host, to_host, rng);
  }
  // Partitions and extra latency, switched on and off during a run.
  LinkFaults& faults() { return faults_; }
  std::uint32_t host_index(const std::string& name) const;  // throws if unknown
  std::uint32_t zone_index(const std::string& name) const;  // throws if unknown
  std::uint32_t host_zone(std::uint32_t host) const { return host_zone_[host]; }
  std::size_t zone_count() const { return zones_.size(); }
  // Adds an anonymous host in `zone` (used for spread placement).
  std::uint32_t add_host(const std::string& name, std::uint32_t zone);
  const std::string& host_name(std::uint32_t h) const { return hosts_[h]; }
  const std::string& zone_name(std::uint32_t z) const { return zones_[z]; }
  const std::string& zone_region(std::uint32_t z) const { return zone_region_[z]; }
  std::size_t host_count() const { return hosts_.size(); }
  // Mean one-way latency between two hosts along their route, seconds.
  double mean_latency(std::uint32_t from_host, std::uint32_t to_host) const;
  // Zone names along the route (inclusive), for docs and tests.
  std::vector<std::string> route(std::uint32_t from_zone, std::uint32_t to_zone) const;

 private:
  struct Edge {
    Distribution latency;
    double loss;
    bool zero;  // Const(0) and lossless: skip the draw
  };
  Transit crossing(std::uint32_t from_host, std::uint32_t to_host, Rng& rng) const;  // transit() between two hosts
  Transit level_transit(std::uint32_t from_host, std::uint32_t to_host, Rng& rng) const;

  std::vector<std::string> zones_, zone_region_, hosts_;
  std::vector<std::uint32_t> host_zone_;
  std::map<std::string, std::uint32_t, std::less<>> host_by_name_;  // O(log n) lookup: 10^6 instances
  Edge same_zone_;
  std::vector<Edge> edges_;
  std::vector<std::vector<std::uint32_t>> routes_;  // [from * zones + to] -> edge indices
  std::vector<std::vector<std::uint32_t>> route_zones_;
  bool free_ = true;  // every latency is zero and nothing is lost
  // Mutable: an active fault counts the messages it affects and draws from its
  // own stream as they pass; the routes and levels never change.
  mutable LinkFaults faults_;
};

}  // namespace archsim

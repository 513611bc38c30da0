#include "archsim/models/architecture.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "archsim/core/nearest_name.hpp"
#include "archsim/models/network.hpp"
#include "archsim/models/placement.hpp"

namespace archsim {
namespace {

// A call of a service step, resolved: the target vertex (none if missing).
struct CallEdge {
  std::optional<std::uint32_t> target;
  std::string op;  // "" = the incoming request's op
  std::uint32_t attempts = 1;
  bool retries_unavailable = false;
};

struct Step {
  std::vector<CallEdge> calls;
  std::string wait = "all";  // all | first | quorum
  std::uint32_t k = 0;
  std::uint32_t needed() const {
    return wait == "first" ? 1 : wait == "quorum" ? k : static_cast<std::uint32_t>(calls.size());
  }
};

struct Vertex {
  std::string name, kind;  // kind: client | balancer | service | cache | shards | store
  std::uint32_t instances = 1, workers = 0;
  std::string strategy;  // balancer
  Distribution service_time;
  std::vector<std::pair<std::string, Distribution>> service_time_by_op;
  std::vector<Step> steps;  // services; a balancer or client has one step with its target
  std::vector<std::pair<std::string, double>> mix;  // clients
  std::vector<std::uint32_t> hosts;                 // host of each instance (empty if placement failed)
};

struct EdgeLabel {
  std::string label;
  bool async = false;  // a broker delivering to a subscriber: no caller waits on it
};

// bidirectionalS: its edge iterator walks one edge list (the directedS one trips
// g++ 12's -Wmaybe-uninitialized inside Boost at -O2).
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, EdgeLabel>;

double mean_seconds(const Vertex& v, const std::string& op) {
  const Distribution* d = &v.service_time;
  for (const auto& [o, dist] : v.service_time_by_op)
    if (o == op) d = &dist;
  return d->mean().value_or(std::numeric_limits<double>::infinity());
}

// P(at least `needed` of independent events with probabilities p succeed).
double at_least(const std::vector<double>& p, std::uint32_t needed) {
  std::vector<double> count(p.size() + 1, 0.0);  // count[j]: P(j successes so far)
  count[0] = 1;
  for (std::size_t i = 0; i < p.size(); ++i)
    for (std::size_t j = i + 1; j-- > 0;) {
      count[j + 1] += count[j] * p[i];
      count[j] *= 1 - p[i];
    }
  double total = 0;
  for (std::size_t j = needed; j < count.size(); ++j) total += count[j];
  return total;
}

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

struct ArchitectureGraph::Impl {
  std::vector<Vertex> vertices;
  Graph graph;
  std::vector<Finding> errors, warnings, findings;
  std::optional<Network> network;  // absent if the network spec is invalid

  void error(const std::string& component, std::string message) {
    errors.push_back({"error", component, std::move(message)});
  }

  std::optional<std::uint32_t> resolve(const std::map<std::string, std::uint32_t>& index, const std::string& target,
                                       const std::string& owner, const std::string& where) {
    const auto it = index.find(target);
    if (it == index.end()) {
      std::vector<std::string> names;
      for (const auto& v : vertices) names.push_back(v.name);
      error(owner, fmt::format("{}: target '{}' is not a component of this model{}", where, target,
                               did_you_mean(target, names)));
      return std::nullopt;
    }
    if (vertices[it->second].kind == "client") {
      error(owner, fmt::format("{}: target '{}' is a client, which serves no requests", where, target));
      return std::nullopt;
    }
    return it->second;
  }

  void build(const ModelSpec& m) {
    std::map<std::string, std::uint32_t> index;
    for (const auto& [kind, i] : m.order) {
      Vertex v;
      v.kind = kind;
      if (kind == "service") {
        const ServiceSpec& s = m.services.at(i);
        v.name = s.name;
        v.instances = s.autoscale.metric.empty() ? s.instances : s.autoscale.max;  // placed as the runner does
        v.workers = s.workers;
        v.service_time = s.service_time;
        v.service_time_by_op = s.service_time_by_op;
      } else if (kind == "balancer") {
        v.name = m.balancers.at(i).name;
        v.instances = m.balancers.at(i).instances;
        v.strategy = m.balancers.at(i).strategy;
      } else if (kind == "cache") {  // forwards (misses, writes) to its backend, like a balancer
        v.name = m.caches.at(i).name;
        v.instances = m.caches.at(i).instances;
      } else if (kind == "shards") {
        v.name = m.shards.at(i).name;
        v.instances = m.shards.at(i).instances;
      } else if (kind == "store") {  // a leaf: its replicas talk among themselves, not to components
        v.name = m.stores.at(i).name;
        v.instances = m.stores.at(i).replicas;
      } else if (kind == "broker") {  // its instances are its consumers
        v.name = m.brokers.at(i).name;
        std::uint32_t consumers = 0;
        for (const auto& g : m.brokers.at(i).groups) consumers += g.consumers;
        v.instances = std::max<std::uint32_t>(consumers, 1);
      } else {
        v.name = m.clients.at(i).name;
        v.mix = m.clients.at(i).mix;
      }
      if (index.count(v.name)) error(v.name, fmt::format("component name '{}' is used twice", v.name));
      index.emplace(v.name, static_cast<std::uint32_t>(vertices.size()));
      vertices.push_back(std::move(v));
    }
    for (std::size_t v = 0; v < vertices.size(); ++v) boost::add_vertex(graph);
    for (std::uint32_t u = 0; u < vertices.size(); ++u) {
      Vertex& v = vertices[u];
      const auto [kind, i] = m.order[u];
      if (kind == "service") {
        const auto& steps = m.services[i].steps;
        for (std::size_t st = 0; st < steps.size(); ++st) {
          Step step;
          step.wait = steps[st].wait;
          step.k = steps[st].k;
          const std::string where = fmt::format("service '{}' call step {}", v.name, st);
          for (const CallSpec& c : steps[st].calls) {
            const bool retry_unavailable =
                std::find(c.retry_on.begin(), c.retry_on.end(), "unavailable") != c.retry_on.end();
            step.calls.push_back({resolve(index, c.target, v.name, where), c.op, c.attempts, retry_unavailable});
          }
          v.steps.push_back(std::move(step));
        }
      } else if (kind == "broker") {
        for (const ConsumerGroupSpec& g : m.brokers[i].groups) {  // asynchronous: not a call step
          if (g.subscriber.empty()) continue;
          const auto target = resolve(index, g.subscriber, v.name, fmt::format("broker '{}' group '{}'", v.name, g.name));
          if (target) boost::add_edge(u, *target, EdgeLabel{"async " + g.name, true}, graph);
        }
      } else if (kind != "store") {
        const std::string& target = kind == "balancer" ? m.balancers[i].target
                                    : kind == "cache"  ? m.caches[i].backend
                                    : kind == "shards" ? m.shards[i].backend
                                                       : m.clients[i].target;
        Step step;
        step.calls.push_back({resolve(index, target, v.name, kind + " '" + v.name + "'"), "", 1, false});
        v.steps.push_back(std::move(step));
      }
      for (std::size_t st = 0; st < v.steps.size(); ++st) {
        const Step& step = v.steps[st];
        for (const CallEdge& c : step.calls) {
          if (!c.target) continue;
          std::string label;
          if (v.kind == "service" && v.steps.size() > 1) label = fmt::format("{}.", st + 1);
          if (step.calls.size() > 1)
            label += step.wait == "all" ? " all of " : step.wait == "first" ? " first of " : fmt::format(" {} of ", step.k);
          if (step.calls.size() > 1) label += std::to_string(step.calls.size());
          if (!c.op.empty()) label += " " + c.op;
          if (!label.empty() && label.front() == ' ') label.erase(0, 1);
          boost::add_edge(u, *c.target, EdgeLabel{label}, graph);
        }
      }
    }
    place(m);
    find_cycles();
    find_unreachable();
    findings = errors;
    findings.insert(findings.end(), warnings.begin(), warnings.end());
  }

  void place(const ModelSpec& m) {
    NetworkSpec spec = m.network;
    if (spec.zones.empty()) spec.zones.push_back({"zone-a", "region-1"});
    try {
      network.emplace(spec);
    } catch (const std::invalid_argument& e) {
      error("", e.what());
      return;
    }
    for (Vertex& v : vertices) {
      try {
        v.hosts = place_instances(*network, v.name, v.kind + " '" + v.name + "'", v.instances,
                                  v.kind == "service"    ? m.services[index_in(m, v)].placement
                                  : v.kind == "balancer" ? m.balancers[index_in(m, v)].placement
                                  : v.kind == "cache"    ? m.caches[index_in(m, v)].placement
                                  : v.kind == "shards"   ? m.shards[index_in(m, v)].placement
                                  : v.kind == "store"    ? m.stores[index_in(m, v)].placement
                                  : v.kind == "broker"   ? m.brokers[index_in(m, v)].placement
                                                         : m.clients[index_in(m, v)].placement);
      } catch (const std::invalid_argument& e) {
        error(v.name, e.what());
      }
    }
  }

  std::uint32_t index_in(const ModelSpec& m, const Vertex& v) const {
    return m.order[static_cast<std::size_t>(&v - vertices.data())].second;
  }

  // Depth-first search; each back edge closes a cycle, named from the DFS tree.
  void find_cycles() {
    struct Synchronous {  // a subscriber publishing to the topic it reads from is no cycle
      const Graph* g = nullptr;
      bool operator()(Graph::edge_descriptor e) const { return !(*g)[e].async; }
    };
    using SyncGraph = boost::filtered_graph<Graph, Synchronous>;
    struct Visitor : boost::default_dfs_visitor {
      std::vector<std::uint32_t>* parent;
      std::vector<std::vector<std::uint32_t>>* cycles;
      void tree_edge(SyncGraph::edge_descriptor e, const SyncGraph& g) const {
        (*parent)[boost::target(e, g)] = static_cast<std::uint32_t>(boost::source(e, g));
      }
      void back_edge(SyncGraph::edge_descriptor e, const SyncGraph& g) const {
        const auto from = static_cast<std::uint32_t>(boost::source(e, g));
        const auto to = static_cast<std::uint32_t>(boost::target(e, g));
        std::vector<std::uint32_t> cycle{from};
        for (std::uint32_t v = from; v != to;) cycle.push_back(v = (*parent)[v]);
        std::reverse(cycle.begin(), cycle.end());
        cycle.push_back(to);
        cycles->push_back(std::move(cycle));
      }
    };
    std::vector<std::uint32_t> parent(vertices.size());
    std::vector<std::vector<std::uint32_t>> cycles;
    Visitor vis;
    vis.parent = &parent;
    vis.cycles = &cycles;
    const SyncGraph sync(graph, Synchronous{&graph});
    boost::depth_first_search(sync, boost::visitor(vis));
    for (const auto& cycle : cycles) {
      std::vector<std::string> names;
      for (auto v : cycle) names.push_back(vertices[v].name);
      error(names.front(), fmt::format("cycle of synchronous calls: {}", fmt::join(names, " -> ")));
    }
  }

  void find_unreachable() {
    std::vector<boost::default_color_type> color(vertices.size(), boost::white_color);
    auto colors = boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, graph));
    boost::queue<Graph::vertex_descriptor> queue;
    bool has_client = false;
    for (std::uint32_t v = 0; v < vertices.size(); ++v)
      if (vertices[v].kind == "client") {
        has_client = true;
        boost::breadth_first_visit(graph, v, queue, boost::default_bfs_visitor(), colors);
      }
    if (!has_client) {
      error("", "the model has no client: nothing sends requests");
      return;
    }
    for (std::uint32_t v = 0; v < vertices.size(); ++v)
      if (color[v] == boost::white_color)
        warnings.push_back({"warning", vertices[v].name,
                            fmt::format("{} '{}' is not reached from any client: no request arrives there",
                                        vertices[v].kind, vertices[v].name)});
  }

  void require_no_errors(const char* what) const {
    if (!errors.empty())
      throw std::invalid_argument(fmt::format("{}: the model has errors; fix them first (first: {})", what,
                                              errors.front().message));
  }

  OperationPath walk(std::uint32_t u, const std::string& op) const {
    const Vertex& v = vertices[u];
    OperationPath out;
    out.critical_path = {v.name};
    out.unloaded_latency = v.kind == "service" ? mean_seconds(v, op) : 0.0;
    out.requests = v.kind == "client" ? 0 : 1;
    for (const Step& step : v.steps) {
      std::vector<OperationPath> branches;
      for (const CallEdge& c : step.calls) branches.push_back(walk(*c.target, c.op.empty() ? op : c.op));
      std::vector<std::size_t> order(branches.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return branches[a].unloaded_latency < branches[b].unloaded_latency;
      });
      const OperationPath& waited = branches[order[step.needed() - 1]];
      out.unloaded_latency += waited.unloaded_latency;
      out.critical_path.insert(out.critical_path.end(), waited.critical_path.begin(), waited.critical_path.end());
      out.max_parallel = std::max<std::uint32_t>(out.max_parallel, static_cast<std::uint32_t>(branches.size()));
      for (const auto& b : branches) {
        out.requests += b.requests;
        out.max_parallel = std::max(out.max_parallel, b.max_parallel);
        out.depth = std::max(out.depth, b.depth + 1);
      }
    }
    return out;
  }

  // Fraction of requests arriving at u that succeed, given the fraction of
  // each component's instances that is up.
  double availability(std::uint32_t u, const std::vector<double>& up) const {
    double a = up[u];
    for (const Step& step : vertices[u].steps) {
      std::vector<double> p;
      for (const CallEdge& c : step.calls) {
        const double one = availability(*c.target, up);
        p.push_back(c.retries_unavailable ? 1 - std::pow(1 - one, c.attempts) : one);
      }
      a *= at_least(p, step.needed());
    }
    return a;
  }
};

ArchitectureGraph::ArchitectureGraph(const ModelSpec& model) : impl_(std::make_unique<Impl>()) { impl_->build(model); }
ArchitectureGraph::~ArchitectureGraph() = default;

const std::vector<Finding>& ArchitectureGraph::findings() const { return impl_->findings; }
bool ArchitectureGraph::has_errors() const { return !impl_->errors.empty(); }

std::vector<OperationPath> ArchitectureGraph::operation_paths() const {
  impl_->require_no_errors("critical paths");
  std::vector<OperationPath> out;
  for (std::uint32_t u = 0; u < impl_->vertices.size(); ++u) {
    const Vertex& v = impl_->vertices[u];
    if (v.kind != "client") continue;
    for (const auto& [op, weight] : v.mix) {
      if (!(weight > 0)) continue;
      OperationPath p = impl_->walk(u, op);
      p.client = v.name;
      p.op = op;
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<Outage> ArchitectureGraph::blast_radius() const {
  impl_->require_no_errors("blast radius");
  const auto& vs = impl_->vertices;
  const Network& net = *impl_->network;
  // Failure domains, each as a predicate on (component, host).
  struct Domain {
    std::string kind, name;
    std::function<bool(std::uint32_t, std::uint32_t)> contains;
  };
  std::vector<Domain> domains;
  for (std::uint32_t u = 0; u < vs.size(); ++u)
    domains.push_back({"component", vs[u].name, [u](std::uint32_t c, std::uint32_t) { return c == u; }});
  for (std::uint32_t h = 0; h < net.host_count(); ++h)
    domains.push_back({"host", net.host_name(h), [h](std::uint32_t, std::uint32_t host) { return host == h; }});
  for (std::uint32_t z = 0; z < net.zone_count(); ++z)
    domains.push_back({"zone", net.zone_name(z), [z, &net](std::uint32_t, std::uint32_t host) {
                         return net.host_zone(host) == z;
                       }});
  std::vector<std::string> regions;
  for (std::uint32_t z = 0; z < net.zone_count(); ++z)
    if (std::find(regions.begin(), regions.end(), net.zone_region(z)) == regions.end())
      regions.push_back(net.zone_region(z));
  for (const auto& r : regions)
    domains.push_back({"region", r, [r, &net](std::uint32_t, std::uint32_t host) {
                         return net.zone_region(net.host_zone(host)) == r;
                       }});

  std::vector<Outage> out;
  for (const Domain& d : domains) {
    std::vector<double> up(vs.size());
    for (std::uint32_t u = 0; u < vs.size(); ++u) {
      std::uint32_t alive = 0;
      for (const auto host : vs[u].hosts) alive += d.contains(u, host) ? 0 : 1;
      up[u] = static_cast<double>(alive) / static_cast<double>(vs[u].hosts.size());
    }
    for (std::uint32_t u = 0; u < vs.size(); ++u) {
      if (vs[u].kind != "client") continue;
      const double a = impl_->availability(u, up);
      if (a >= 1 - 1e-12) continue;
      for (const auto& [op, weight] : vs[u].mix)
        if (weight > 0) out.push_back({d.kind, d.name, vs[u].name, op, a});
    }
  }
  return out;
}

std::string ArchitectureGraph::to_dot() const {
  const auto& vs = impl_->vertices;
  const Graph& g = impl_->graph;
  auto vertex_writer = [&](std::ostream& os, Graph::vertex_descriptor u) {
    const Vertex& v = vs[u];
    std::string detail = v.kind;
    if (v.kind == "service") detail += fmt::format(" {}x{}", v.instances, v.workers);
    if (v.kind == "balancer") detail += " " + v.strategy;
    const char* shape = v.kind == "client"     ? "ellipse"
                        : v.kind == "balancer" ? "diamond"
                        : v.kind == "store"    ? "cylinder"
                                               : "box";
    os << "[label=\"" << dot_escape(v.name) << "\\n" << dot_escape(detail) << "\", shape=" << shape << "]";
  };
  auto edge_writer = [&](std::ostream& os, Graph::edge_descriptor e) {
    const std::string& label = g[e].label;
    if (!label.empty()) os << "[label=\"" << dot_escape(label) << "\"" << (g[e].async ? ", style=dashed" : "") << "]";
  };
  auto graph_writer = [](std::ostream& os) { os << "rankdir=LR;\n"; };
  std::ostringstream os;
  boost::write_graphviz(os, g, vertex_writer, edge_writer, graph_writer);
  return os.str();
}

}  // namespace archsim

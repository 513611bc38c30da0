#pragma once
// The architecture as a directed graph (Boost.Graph): components are
// vertices; calls and balancer or client targets are edges. Checked before
// any run: missing targets, cycles of synchronous calls, unreachable
// components. It gives each client operation's critical path and fan-out,
// the blast radius of a component, host, zone or region going down, and DOT.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "archsim/models/model_spec.hpp"

namespace archsim {

struct Finding {
  std::string severity;   // "error": the model cannot run; "warning": it runs, but something looks wrong
  std::string component;  // "" for the model as a whole
  std::string message;
};

// One operation of one client, followed through the call graph at zero load.
struct OperationPath {
  std::string client, op;
  // The components whose mean service times add up to the unloaded latency,
  // in call order: every sequential step, and of a parallel step the branch
  // it waits for (the slowest for "all", the fastest for "first", the k-th
  // for a quorum).
  std::vector<std::string> critical_path;
  double unloaded_latency = 0;  // seconds: no queueing, no network, no retries
  double requests = 0;          // component visits one client request causes (fan-out), balancers included
  std::uint32_t max_parallel = 1;  // widest parallel step on the way
  std::uint32_t depth = 0;         // longest chain of nested calls below the client
};

// A client operation that loses availability when a failure domain is down.
struct Outage {
  std::string domain_kind;  // component | host | zone | region
  std::string domain;
  std::string client, op;
  // Estimated fraction of the operation's requests that still succeed, with
  // every instance in the domain down: a balancer or caller picks any
  // instance uniformly (no health checks), a retry on "unavailable" picks
  // again, a parallel step succeeds with enough successful branches.
  double availability = 0;
};

class ArchitectureGraph {
 public:
  // Never throws for a faulty model: every problem becomes a finding.
  explicit ArchitectureGraph(const ModelSpec& model);
  ~ArchitectureGraph();
  ArchitectureGraph(const ArchitectureGraph&) = delete;
  ArchitectureGraph& operator=(const ArchitectureGraph&) = delete;

  // Errors first, then warnings; each group in declaration order.
  const std::vector<Finding>& findings() const;
  bool has_errors() const;
  // Both throw std::invalid_argument while the model has errors.
  std::vector<OperationPath> operation_paths() const;
  std::vector<Outage> blast_radius() const;
  // Graphviz DOT, written by boost::write_graphviz; works with errors too
  // (an edge to a missing target is left out).
  std::string to_dot() const;

 private:
  struct Impl;  // keeps Boost.Graph out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace archsim

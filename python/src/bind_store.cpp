#include <pybind11/stl.h>

#include "archsim/models/consistency_checker.hpp"
#include "archsim/models/model_spec.hpp"
#include "archsim/models/run_result.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_store(py::module_& m) {
  py::class_<StoreSpec>(m, "StoreSpec")
      .def(py::init<>())
      .def_readwrite("name", &StoreSpec::name)
      .def_readwrite("replicas", &StoreSpec::replicas)
      .def_readwrite("mode", &StoreSpec::mode)
      .def_readwrite("workers", &StoreSpec::workers)
      .def_readwrite("service_time", &StoreSpec::service_time)
      .def_readwrite("replication_delay", &StoreSpec::replication_delay)
      .def_readwrite("read_policy", &StoreSpec::read_policy)
      .def_readwrite("failover_after", &StoreSpec::failover_after)
      .def_readwrite("write_quorum", &StoreSpec::write_quorum)
      .def_readwrite("read_quorum", &StoreSpec::read_quorum)
      .def_readwrite("read_repair", &StoreSpec::read_repair)
      .def_readwrite("placement", &StoreSpec::placement);
  py::class_<ConsistencyResult>(m, "ConsistencyResult")
      .def_readonly("name", &ConsistencyResult::name)
      .def_readonly("store", &ConsistencyResult::store)
      .def_readonly("reads", &ConsistencyResult::reads)
      .def_readonly("stale_reads", &ConsistencyResult::stale_reads)
      .def_readonly("staleness_time", &ConsistencyResult::staleness_time)
      .def_readonly("staleness_versions", &ConsistencyResult::staleness_versions)
      .def_readonly("read_age", &ConsistencyResult::read_age)
      .def_readonly("stale_read_age", &ConsistencyResult::stale_read_age)
      .def_readonly("ryw_violations", &ConsistencyResult::ryw_violations)
      .def_readonly("monotonic_violations", &ConsistencyResult::monotonic_violations)
      .def_readonly("committed_writes", &ConsistencyResult::committed_writes)
      .def_readonly("lost_writes", &ConsistencyResult::lost_writes)
      .def_readonly("cache_reads", &ConsistencyResult::cache_reads)
      .def_readonly("cache_stale_reads", &ConsistencyResult::cache_stale_reads);
  // Added to the classes bind_model registered, now that these types are known.
  py::reinterpret_borrow<py::class_<ModelSpec>>(py::type::of<ModelSpec>())
      .def_readwrite("stores", &ModelSpec::stores);
  py::reinterpret_borrow<py::class_<RunResult>>(py::type::of<RunResult>())
      .def_readonly("consistency", &RunResult::consistency);
}

}  // namespace archsim::python

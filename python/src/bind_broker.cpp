// Brokers: broker and consumer-group specs, and their results.
#include <pybind11/stl.h>

#include "archsim/models/runner.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_broker(py::module_& m) {
  py::class_<ConsumerGroupSpec>(m, "ConsumerGroupSpec")
      .def(py::init<>())
      .def_readwrite("name", &ConsumerGroupSpec::name)
      .def_readwrite("consumers", &ConsumerGroupSpec::consumers)
      .def_readwrite("ordering", &ConsumerGroupSpec::ordering)
      .def_readwrite("processing_time", &ConsumerGroupSpec::processing_time)
      .def_readwrite("failure_probability", &ConsumerGroupSpec::failure_probability)
      .def_readwrite("visibility_timeout", &ConsumerGroupSpec::visibility_timeout)
      .def_readwrite("max_deliveries", &ConsumerGroupSpec::max_deliveries)
      .def_readwrite("idempotent", &ConsumerGroupSpec::idempotent)
      .def_readwrite("subscriber", &ConsumerGroupSpec::subscriber)
      .def_readwrite("strategy", &ConsumerGroupSpec::strategy)
      .def_readwrite("checkpoint_interval", &ConsumerGroupSpec::checkpoint_interval)
      .def_readwrite("state_window", &ConsumerGroupSpec::state_window);
  py::class_<BrokerSpec>(m, "BrokerSpec")
      .def(py::init<>())
      .def_readwrite("name", &BrokerSpec::name)
      .def_readwrite("partitions", &BrokerSpec::partitions)
      .def_readwrite("capacity", &BrokerSpec::capacity)
      .def_readwrite("overflow", &BrokerSpec::overflow)
      .def_readwrite("groups", &BrokerSpec::groups)
      .def_readwrite("placement", &BrokerSpec::placement);

  py::class_<ConsumerGroupResult>(m, "ConsumerGroupResult")
      .def_readonly("name", &ConsumerGroupResult::name)
      .def_readonly("consumers", &ConsumerGroupResult::consumers)
      .def_readonly("delivered", &ConsumerGroupResult::delivered)
      .def_readonly("redelivered", &ConsumerGroupResult::redelivered)
      .def_readonly("failed", &ConsumerGroupResult::failed)
      .def_readonly("processed", &ConsumerGroupResult::processed)
      .def_readonly("dead_lettered", &ConsumerGroupResult::dead_lettered)
      .def_readonly("finished_deliveries", &ConsumerGroupResult::finished_deliveries)
      .def_readonly("duplicates_detected", &ConsumerGroupResult::duplicates_detected)
      .def_readonly("duplicate_effects", &ConsumerGroupResult::duplicate_effects)
      .def_readonly("reprocessed", &ConsumerGroupResult::reprocessed)
      .def_readonly("checkpoints", &ConsumerGroupResult::checkpoints)
      .def_readonly("committed", &ConsumerGroupResult::committed)
      .def_readonly("restores", &ConsumerGroupResult::restores)
      .def_readonly("replayed", &ConsumerGroupResult::replayed)
      .def_readonly("windows_emitted", &ConsumerGroupResult::windows_emitted)
      .def_readonly("windows_reemitted", &ConsumerGroupResult::windows_reemitted)
      .def_readonly("out_of_order", &ConsumerGroupResult::out_of_order)
      .def_readonly("wait", &ConsumerGroupResult::wait)
      .def_readonly("latency", &ConsumerGroupResult::latency)
      .def_readonly("mean_lag", &ConsumerGroupResult::mean_lag)
      .def_readonly("mean_lag_time", &ConsumerGroupResult::mean_lag_time)
      .def_readonly("max_lag", &ConsumerGroupResult::max_lag)
      .def_readonly("max_lag_time", &ConsumerGroupResult::max_lag_time)
      .def_property_readonly("windows", [](const ConsumerGroupResult& g) {
        py::list out;  // (window index, mean lag in messages, mean lag time in ns)
        for (const auto& w : g.windows) out.append(py::make_tuple(w.index, w.mean_lag, w.mean_lag_time));
        return out;
      });
  py::class_<BrokerResult>(m, "BrokerResult")
      .def_readonly("published", &BrokerResult::published)
      .def_readonly("dropped", &BrokerResult::dropped)
      .def_readonly("blocked", &BrokerResult::blocked)
      .def_readonly("groups", &BrokerResult::groups);
}

}  // namespace archsim::python

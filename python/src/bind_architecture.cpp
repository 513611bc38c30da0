#include <pybind11/stl.h>

#include "archsim/models/architecture.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_architecture(py::module_& m) {
  py::class_<Finding>(m, "Finding")
      .def_readonly("severity", &Finding::severity)
      .def_readonly("component", &Finding::component)
      .def_readonly("message", &Finding::message);
  py::class_<OperationPath>(m, "OperationPath")
      .def_readonly("client", &OperationPath::client)
      .def_readonly("op", &OperationPath::op)
      .def_readonly("critical_path", &OperationPath::critical_path)
      .def_readonly("unloaded_latency", &OperationPath::unloaded_latency)
      .def_readonly("requests", &OperationPath::requests)
      .def_readonly("max_parallel", &OperationPath::max_parallel)
      .def_readonly("depth", &OperationPath::depth);
  py::class_<Outage>(m, "Outage")
      .def_readonly("domain_kind", &Outage::domain_kind)
      .def_readonly("domain", &Outage::domain)
      .def_readonly("client", &Outage::client)
      .def_readonly("op", &Outage::op)
      .def_readonly("availability", &Outage::availability);
  py::class_<ArchitectureGraph>(m, "ArchitectureGraph")
      .def(py::init<const ModelSpec&>())
      .def("findings", &ArchitectureGraph::findings)
      .def("has_errors", &ArchitectureGraph::has_errors)
      .def("operation_paths", &ArchitectureGraph::operation_paths)
      .def("blast_radius", &ArchitectureGraph::blast_radius)
      .def("to_dot", &ArchitectureGraph::to_dot);
}

}  // namespace archsim::python

// Autoscaling: a service's autoscaler spec, and its timeline in the results.
#include <pybind11/stl.h>

#include "archsim/models/runner.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_autoscale(py::module_& m) {
  py::class_<AutoscaleSpec>(m, "AutoscaleSpec")
      .def(py::init<>())
      .def_readwrite("metric", &AutoscaleSpec::metric)
      .def_readwrite("target", &AutoscaleSpec::target)
      .def_readwrite("min", &AutoscaleSpec::min)
      .def_readwrite("max", &AutoscaleSpec::max)
      .def_readwrite("interval", &AutoscaleSpec::interval)
      .def_readwrite("scale_up_cooldown", &AutoscaleSpec::scale_up_cooldown)
      .def_readwrite("scale_down_cooldown", &AutoscaleSpec::scale_down_cooldown)
      .def_readwrite("provisioning_delay", &AutoscaleSpec::provisioning_delay)
      .def_readwrite("tolerance", &AutoscaleSpec::tolerance);
  py::class_<AutoscaleResult>(m, "AutoscaleResult")
      .def_readonly("metric", &AutoscaleResult::metric)
      .def_readonly("target", &AutoscaleResult::target)
      .def_property_readonly("decisions",
                             [](const AutoscaleResult& a) {  // (at ns, from, to, observed) per decision
                               py::list out;
                               for (const auto& d : a.decisions) out.append(py::make_tuple(d.at, d.from, d.to, d.observed));
                               return out;
                             })
      .def_property_readonly("counts", [](const AutoscaleResult& a) {  // (at ns, active, provisioning, draining)
        py::list out;
        for (const auto& n : a.counts) out.append(py::make_tuple(n.at, n.active, n.provisioning, n.draining));
        return out;
      });
}

}  // namespace archsim::python

// Deployments: version and deployment specs, the timeline and per-version results.
#include <pybind11/stl.h>

#include "archsim/models/runner.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_deploy(py::module_& m) {
  py::class_<VersionSpec>(m, "VersionSpec")
      .def(py::init<>())
      .def_readwrite("name", &VersionSpec::name)
      .def_readwrite("service_time", &VersionSpec::service_time)
      .def_readwrite("service_time_by_op", &VersionSpec::service_time_by_op)
      .def_readwrite("error_probability", &VersionSpec::error_probability);
  py::class_<DeploymentSpec>(m, "DeploymentSpec")
      .def(py::init<>())
      .def_readwrite("kind", &DeploymentSpec::kind)
      .def_readwrite("service", &DeploymentSpec::service)
      .def_readwrite("at", &DeploymentSpec::at)
      .def_readwrite("version", &DeploymentSpec::version)
      .def_readwrite("share", &DeploymentSpec::share)
      .def_readwrite("window", &DeploymentSpec::window)
      .def_readwrite("min_requests", &DeploymentSpec::min_requests)
      .def_readwrite("max_error_rate", &DeploymentSpec::max_error_rate)
      .def_readwrite("max_p99", &DeploymentSpec::max_p99)
      .def_readwrite("promote_after", &DeploymentSpec::promote_after)
      .def_readwrite("ramp", &DeploymentSpec::ramp)
      .def_readwrite("flag", &DeploymentSpec::flag)
      .def_readwrite("duration", &DeploymentSpec::duration)
      .def_readwrite("extra_time", &DeploymentSpec::extra_time)
      .def_readwrite("flag_service_time", &DeploymentSpec::flag_service_time)
      .def_readwrite("flag_service_time_by_op", &DeploymentSpec::flag_service_time_by_op)
      .def_readwrite("flag_error_probability", &DeploymentSpec::flag_error_probability)
      .def_readwrite("batch", &DeploymentSpec::batch)
      .def_readwrite("restart_time", &DeploymentSpec::restart_time)
      .def_readwrite("pause", &DeploymentSpec::pause);

  py::class_<DeploymentEvent>(m, "DeploymentEvent")
      .def_readonly("at", &DeploymentEvent::at)
      .def_readonly("service", &DeploymentEvent::service)
      .def_readonly("kind", &DeploymentEvent::kind)
      .def_readonly("detail", &DeploymentEvent::detail)
      .def_readonly("version", &DeploymentEvent::version)
      .def_readonly("share", &DeploymentEvent::share);
  py::class_<VersionResult>(m, "VersionResult")
      .def_readonly("service", &VersionResult::service)
      .def_readonly("name", &VersionResult::name)
      .def_readonly("arrivals", &VersionResult::arrivals)
      .def_readonly("completed", &VersionResult::completed)
      .def_readonly("failed", &VersionResult::failed)
      .def_readonly("latency", &VersionResult::latency)
      .def_readonly("windows", &VersionResult::windows);
}

}  // namespace archsim::python

#include <pybind11/stl.h>

#include "archsim/models/runner.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_tenancy(py::module_& m) {
  py::class_<TenantQuotaSpec>(m, "TenantQuotaSpec")
      .def(py::init<>())
      .def_readwrite("tenant", &TenantQuotaSpec::tenant)
      .def_readwrite("rate", &TenantQuotaSpec::rate)
      .def_readwrite("burst", &TenantQuotaSpec::burst)
      .def_readwrite("max_in_flight", &TenantQuotaSpec::max_in_flight);
  py::class_<TenantResult>(m, "TenantResult")
      .def_readonly("name", &TenantResult::name)
      .def_readonly("arrivals", &TenantResult::arrivals)
      .def_readonly("completed", &TenantResult::completed)
      .def_property_readonly("errors",
                             [](const TenantResult& t) {
                               py::dict d;
                               for (std::size_t k = 1; k < kErrorKinds; ++k) d[py::str(std::string(kErrorNames[k]))] = t.errors[k];
                               return d;
                             })
      .def_readonly("latency", &TenantResult::latency)
      .def_readonly("refused", &TenantResult::refused);
  // Added to the classes bind_model registered, now that these types are known.
  py::reinterpret_borrow<py::class_<ServiceSpec>>(py::type::of<ServiceSpec>())
      .def_readwrite("quotas", &ServiceSpec::quotas)
      .def_readwrite("fair_queueing", &ServiceSpec::fair_queueing);
  py::reinterpret_borrow<py::class_<RunResult>>(py::type::of<RunResult>())
      .def_readonly("tenants", &RunResult::tenants);
}

}  // namespace archsim::python

#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "archsim compiled core (use the `archsim` package, not this module)";
  archsim::python::bind_time(m);
  archsim::python::bind_random(m);
  archsim::python::bind_metrics(m);
  archsim::python::bind_autoscale(m);  // before bind_model: ServiceSpec and ComponentResult refer to its types
  archsim::python::bind_model(m);
  archsim::python::bind_data(m);
  archsim::python::bind_broker(m);
  archsim::python::bind_analytic(m);
  archsim::python::bind_names(m);
  archsim::python::bind_trace(m);
  archsim::python::bind_architecture(m);
  archsim::python::bind_store(m);
  archsim::python::bind_tenancy(m);
  archsim::python::bind_deploy(m);
}

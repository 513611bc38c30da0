#pragma once
// One registration function per area; module.cpp calls them in order.
#include <pybind11/pybind11.h>

namespace archsim::python {
void bind_time(pybind11::module_& m);
void bind_random(pybind11::module_& m);
void bind_metrics(pybind11::module_& m);
void bind_model(pybind11::module_& m);
void bind_data(pybind11::module_& m);  // caches and shards
void bind_broker(pybind11::module_& m);  // brokers and consumer groups
void bind_analytic(pybind11::module_& m);  // submodule _core.analytic
void bind_names(pybind11::module_& m);
void bind_trace(pybind11::module_& m);
void bind_architecture(pybind11::module_& m);
void bind_store(pybind11::module_& m);
void bind_autoscale(pybind11::module_& m);
void bind_tenancy(pybind11::module_& m);  // quotas and per-tenant results
void bind_deploy(pybind11::module_& m);  // deployments: versions, canaries, flags, restarts
}  // namespace archsim::python

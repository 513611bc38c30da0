// archsim.analytic: the closed-form companions of analysis/. Conversion only;
// the Pythonic layer (units, keyword arguments, DataFrames) is python/archsim/analytic.py.
#include <pybind11/stl.h>

#include "archsim/analysis/availability.hpp"
#include "archsim/analysis/cache_hit.hpp"
#include "archsim/analysis/ctmc.hpp"
#include "archsim/analysis/erlang.hpp"
#include "archsim/analysis/jackson.hpp"
#include "archsim/analysis/mg1.hpp"
#include "archsim/analysis/mva.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_analytic(py::module_& parent) {
  using namespace archsim::analysis;
  py::module_ m = parent.def_submodule("analytic", "closed-form queueing and availability models");

  m.def("erlang_b", &erlang_b, py::arg("servers"), py::arg("load"));
  m.def("erlang_c", &erlang_c, py::arg("servers"), py::arg("load"));

  py::class_<MmcFigures>(m, "MmcFigures")
      .def_readonly("utilisation", &MmcFigures::utilisation)
      .def_readonly("p_wait", &MmcFigures::p_wait)
      .def_readonly("mean_wait", &MmcFigures::mean_wait)
      .def_readonly("mean_response", &MmcFigures::mean_response)
      .def_readonly("mean_queue", &MmcFigures::mean_queue)
      .def_readonly("mean_number", &MmcFigures::mean_number);
  m.def("mmc", &mmc, py::arg("arrival_rate"), py::arg("service_time"), py::arg("servers"));

  py::class_<Mg1Figures>(m, "Mg1Figures")
      .def_readonly("utilisation", &Mg1Figures::utilisation)
      .def_readonly("mean_wait", &Mg1Figures::mean_wait)
      .def_readonly("mean_response", &Mg1Figures::mean_response)
      .def_readonly("mean_queue", &Mg1Figures::mean_queue)
      .def_readonly("mean_number", &Mg1Figures::mean_number)
      .def_readonly("service_scv", &Mg1Figures::service_scv);
  m.def("mg1", &mg1, py::arg("arrival_rate"), py::arg("service_mean"), py::arg("service_variance"));

  py::class_<Station>(m, "Station")
      .def(py::init([](std::string name, double service_time, int servers, bool delay) {
             return Station{std::move(name), service_time, servers, delay};
           }),
           py::arg("name"), py::arg("service_time"), py::arg("servers") = 1, py::arg("delay") = false)
      .def_readonly("name", &Station::name)
      .def_readonly("service_time", &Station::service_time)
      .def_readonly("servers", &Station::servers)
      .def_readonly("delay", &Station::delay);

  py::class_<JacksonStationFigures>(m, "JacksonStationFigures")
      .def_readonly("name", &JacksonStationFigures::name)
      .def_readonly("arrival_rate", &JacksonStationFigures::arrival_rate)
      .def_readonly("visits", &JacksonStationFigures::visits)
      .def_readonly("utilisation", &JacksonStationFigures::utilisation)
      .def_readonly("p_wait", &JacksonStationFigures::p_wait)
      .def_readonly("mean_wait", &JacksonStationFigures::mean_wait)
      .def_readonly("mean_response", &JacksonStationFigures::mean_response)
      .def_readonly("mean_queue", &JacksonStationFigures::mean_queue)
      .def_readonly("mean_number", &JacksonStationFigures::mean_number);
  py::class_<JacksonFigures>(m, "JacksonFigures")
      .def_readonly("stations", &JacksonFigures::stations)
      .def_readonly("throughput", &JacksonFigures::throughput)
      .def_readonly("mean_number", &JacksonFigures::mean_number)
      .def_readonly("mean_response", &JacksonFigures::mean_response);
  m.def("jackson", &jackson, py::arg("stations"), py::arg("routing"), py::arg("arrivals"));
  m.def("traffic_equations", &traffic_equations, py::arg("routing"), py::arg("arrivals"));

  py::class_<MvaStationFigures>(m, "MvaStationFigures")
      .def_readonly("name", &MvaStationFigures::name)
      .def_readonly("visits", &MvaStationFigures::visits)
      .def_readonly("demand", &MvaStationFigures::demand)
      .def_readonly("throughput", &MvaStationFigures::throughput)
      .def_readonly("utilisation", &MvaStationFigures::utilisation)
      .def_readonly("residence_time", &MvaStationFigures::residence_time)
      .def_readonly("mean_response", &MvaStationFigures::mean_response)
      .def_readonly("mean_number", &MvaStationFigures::mean_number);
  py::class_<MvaFigures>(m, "MvaFigures")
      .def_readonly("stations", &MvaFigures::stations)
      .def_readonly("users", &MvaFigures::users)
      .def_readonly("think_time", &MvaFigures::think_time)
      .def_readonly("throughput", &MvaFigures::throughput)
      .def_readonly("response_time", &MvaFigures::response_time)
      .def_readonly("throughput_by_users", &MvaFigures::throughput_by_users)
      .def_readonly("response_by_users", &MvaFigures::response_by_users);
  m.def("mva", &mva, py::arg("stations"), py::arg("visits"), py::arg("users"), py::arg("think_time"),
        py::call_guard<py::gil_scoped_release>());

  m.def("ctmc_steady_state", &ctmc_steady_state, py::arg("generator"), py::call_guard<py::gil_scoped_release>());
  m.def("k_of_n_generator", &k_of_n_generator, py::arg("n"), py::arg("mttf"), py::arg("mttr"),
        py::arg("repair_crews"));
  m.def("k_of_n_availability", &k_of_n_availability, py::arg("n"), py::arg("k"), py::arg("mttf"), py::arg("mttr"),
        py::arg("repair_crews"));
  m.def("k_of_n_availability_independent", &k_of_n_availability_independent, py::arg("n"), py::arg("k"),
        py::arg("mttf"), py::arg("mttr"));

  m.def("che_hit_ratio", &che_hit_ratio, py::arg("popularity"), py::arg("capacity"), py::arg("policy"),
        py::call_guard<py::gil_scoped_release>());
}

}  // namespace archsim::python

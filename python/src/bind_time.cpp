#include <pybind11/stl.h>

#include "archsim/core/sim_time.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_time(py::module_& m) {
  m.def("parse_duration_ns", &parse_duration, py::arg("text"),
        "Parse '250us', '5ms', '2s', '10m', '1h' into integer nanoseconds.");
  m.def("seconds_to_ns", &seconds_to_time, py::arg("seconds"), py::arg("what") = "duration");
  m.def("format_duration", &format_duration, py::arg("ns"));
  m.attr("DURATION_UNITS") = std::string(kDurationUnits);
}

}  // namespace archsim::python

#include <pybind11/stl.h>

#include "archsim/core/nearest_name.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_names(py::module_& m) {
  m.def("nearest_name", &nearest_name, py::arg("name"), py::arg("candidates"),
        "The candidate closest to name by edit distance, or '' if none is close.");
}

}  // namespace archsim::python

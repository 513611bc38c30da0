#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "archsim/core/histogram.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_metrics(py::module_& m) {
  py::class_<Histogram>(m, "Histogram", "log-linear histogram of nanosecond values")
      .def(py::init<int>(), py::arg("sub_bits") = 7)
      .def("record", &Histogram::record, py::arg("value"))
      .def("record_many",
           [](Histogram& h, py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> values) {
             auto v = values.unchecked<1>();
             for (py::ssize_t i = 0; i < v.shape(0); ++i) h.record(v(i));
           })
      .def("merge", &Histogram::merge)
      .def_property_readonly("count", &Histogram::count)
      .def_property_readonly("min", &Histogram::min)
      .def_property_readonly("max", &Histogram::max)
      .def_property_readonly("sum", &Histogram::sum)
      .def("mean", &Histogram::mean)
      .def("percentile", &Histogram::percentile, py::arg("q"))
      .def("cdf", &Histogram::cdf, py::arg("value"))
      .def_property_readonly("sub_bits", &Histogram::sub_bits)
      .def("buckets",
           [](const Histogram& h) {  // (low, width, count) of the non-empty buckets
             std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> out;
             const auto& c = h.counts();
             for (std::size_t i = 0; i < c.size(); ++i)
               if (c[i]) out.emplace_back(h.bucket_low(i), h.bucket_width(i), c[i]);
             return out;
           });
}

}  // namespace archsim::python

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "archsim/core/distribution.hpp"
#include "archsim/core/key_chooser.hpp"
#include "archsim/core/rng.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {
namespace {

// Draws n values from stream "sample" of `seed`, without the GIL.
template <typename Sampler>
auto sample_array(const Sampler& sampler, py::ssize_t n, std::uint64_t seed) {
  using Value = decltype(sampler.sample(std::declval<Rng&>()));
  if (n < 0) throw std::invalid_argument("sample: n must be >= 0");
  py::array_t<Value> out(n);
  Value* data = out.mutable_data();
  {
    py::gil_scoped_release release;
    Rng rng(seed, "sample");
    for (py::ssize_t i = 0; i < n; ++i) data[i] = sampler.sample(rng);
  }
  return out;
}

}  // namespace

void bind_random(py::module_& m) {
  py::class_<Rng>(m, "Rng", "xoshiro256++ stream derived from (seed, name)")
      .def(py::init<std::uint64_t, std::string_view>(), py::arg("seed"), py::arg("name"))
      .def("next_u64", &Rng::next_u64)
      .def("uniform", &Rng::uniform);

  py::class_<Distribution>(m, "Distribution")
      .def_static("constant", &Distribution::constant, py::arg("value"))
      .def_static("uniform", &Distribution::uniform, py::arg("low"), py::arg("high"))
      .def_static("exponential", &Distribution::exponential, py::arg("mean"))
      .def_static("erlang", &Distribution::erlang, py::arg("k"), py::arg("mean"))
      .def_static("gamma", &Distribution::gamma, py::arg("shape"), py::arg("scale"))
      .def_static("normal", &Distribution::normal, py::arg("mean"), py::arg("stddev"))
      .def_static("lognormal", &Distribution::lognormal, py::arg("mu"), py::arg("sigma"))
      .def_static("lognormal_median_p99", &Distribution::lognormal_median_p99, py::arg("median"),
                  py::arg("p99"))
      .def_static("pareto", &Distribution::pareto, py::arg("shape"), py::arg("scale"))
      .def_static("hyperexp", &Distribution::hyperexp, py::arg("probabilities"), py::arg("means"))
      .def_static("mixture", &Distribution::mixture, py::arg("weights"), py::arg("components"))
      .def_static("empirical", &Distribution::empirical, py::arg("values"))
      .def("mean", &Distribution::mean)
      .def("variance", &Distribution::variance)
      .def("describe", &Distribution::describe)
      .def("sample", [](const Distribution& d, py::ssize_t n, std::uint64_t seed) { return sample_array(d, n, seed); },
           py::arg("n"), py::arg("seed") = 0);

  py::class_<KeyChooser>(m, "KeyChooser")
      .def_static("uniform", &KeyChooser::uniform, py::arg("n"))
      .def_static("zipf", &KeyChooser::zipf, py::arg("n"), py::arg("exponent"))
      .def("size", &KeyChooser::size)
      .def("describe", &KeyChooser::describe)
      .def("sample", [](const KeyChooser& k, py::ssize_t n, std::uint64_t seed) { return sample_array(k, n, seed); },
           py::arg("n"), py::arg("seed") = 0);
}

}  // namespace archsim::python

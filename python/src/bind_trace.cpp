#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "archsim/models/run_result.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {
namespace {

template <typename T, typename F>
py::array_t<T> column(const std::vector<TraceSpan>& spans, F field) {
  py::array_t<T> out(static_cast<py::ssize_t>(spans.size()));
  auto v = out.template mutable_unchecked<1>();
  for (std::size_t i = 0; i < spans.size(); ++i) v(static_cast<py::ssize_t>(i)) = static_cast<T>(field(spans[i]));
  return out;
}

}  // namespace

void bind_trace(py::module_& m) {
  m.def(
      "trace_columns",
      [](const RunResult& r) {
        const auto& s = r.trace;
        py::dict d;
        d["component"] = column<std::uint32_t>(s, [](const TraceSpan& x) { return x.component; });
        d["instance"] = column<std::uint32_t>(s, [](const TraceSpan& x) { return x.instance; });
        d["request_id"] = column<std::uint64_t>(s, [](const TraceSpan& x) { return x.request_id; });
        d["correlation_id"] = column<std::uint64_t>(s, [](const TraceSpan& x) { return x.correlation_id; });
        d["parent_id"] = column<std::uint64_t>(s, [](const TraceSpan& x) { return x.parent_id; });
        d["start"] = column<std::int64_t>(s, [](const TraceSpan& x) { return x.start; });
        d["end"] = column<std::int64_t>(s, [](const TraceSpan& x) { return x.end; });
        d["op"] = column<std::uint16_t>(s, [](const TraceSpan& x) { return x.op; });
        d["attempt"] = column<std::uint16_t>(s, [](const TraceSpan& x) { return x.attempt; });
        d["error"] = column<std::uint8_t>(s, [](const TraceSpan& x) { return static_cast<std::uint8_t>(x.error); });
        d["operations"] = r.operations;
        d["finished"] = column<bool>(s, [](const TraceSpan& x) { return x.finished; });
        return d;
      },
      py::arg("result"), "The sampled request spans of a run as columns (numpy arrays), in order of their end.");
  py::list errors;
  for (auto name : kErrorNames) errors.append(std::string(name));
  m.attr("ERROR_NAMES") = errors;
}

}  // namespace archsim::python

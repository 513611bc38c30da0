#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "archsim/models/runner.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_model(py::module_& m) {
  py::class_<PlacementSpec>(m, "PlacementSpec")
      .def(py::init<>())
      .def_readwrite("hosts", &PlacementSpec::hosts)
      .def_readwrite("zones", &PlacementSpec::zones);
  py::class_<CallSpec>(m, "CallSpec")
      .def(py::init<>())
      .def_readwrite("target", &CallSpec::target)
      .def_readwrite("op", &CallSpec::op)
      .def_readwrite("strategy", &CallSpec::strategy)
      .def_readwrite("timeout", &CallSpec::timeout)
      .def_readwrite("attempts", &CallSpec::attempts)
      .def_readwrite("backoff", &CallSpec::backoff)
      .def_readwrite("backoff_cap", &CallSpec::backoff_cap)
      .def_readwrite("jitter", &CallSpec::jitter)
      .def_readwrite("retry_budget", &CallSpec::retry_budget)
      .def_readwrite("retry_on", &CallSpec::retry_on)
      .def_readwrite("breaker", &CallSpec::breaker)
      .def_readwrite("breaker_consecutive", &CallSpec::breaker_consecutive)
      .def_readwrite("breaker_failure_rate", &CallSpec::breaker_failure_rate)
      .def_readwrite("breaker_window", &CallSpec::breaker_window)
      .def_readwrite("breaker_open_for", &CallSpec::breaker_open_for)
      .def_readwrite("breaker_probes", &CallSpec::breaker_probes)
      .def_readwrite("bulkhead", &CallSpec::bulkhead)
      .def_readwrite("hedge_delay", &CallSpec::hedge_delay)
      .def_readwrite("hedge_percentile", &CallSpec::hedge_percentile)
      .def_readwrite("hedge_min_samples", &CallSpec::hedge_min_samples)
      .def_readwrite("idempotent", &CallSpec::idempotent);
  py::class_<StepSpec>(m, "StepSpec")
      .def(py::init<>())
      .def_readwrite("calls", &StepSpec::calls)
      .def_readwrite("wait", &StepSpec::wait)
      .def_readwrite("k", &StepSpec::k);
  py::class_<ServiceSpec>(m, "ServiceSpec")
      .def(py::init<>())
      .def_readwrite("name", &ServiceSpec::name)
      .def_readwrite("instances", &ServiceSpec::instances)
      .def_readwrite("workers", &ServiceSpec::workers)
      .def_readwrite("queue_limit", &ServiceSpec::queue_limit)
      .def_readwrite("service_time", &ServiceSpec::service_time)
      .def_readwrite("service_time_by_op", &ServiceSpec::service_time_by_op)
      .def_readwrite("steps", &ServiceSpec::steps)
      .def_readwrite("error_probability", &ServiceSpec::error_probability)
      .def_readwrite("rate_limit", &ServiceSpec::rate_limit)
      .def_readwrite("rate_limit_burst", &ServiceSpec::rate_limit_burst)
      .def_readwrite("rate_limit_per_tenant", &ServiceSpec::rate_limit_per_tenant)
      .def_readwrite("max_queue_time", &ServiceSpec::max_queue_time)
      .def_readwrite("lifo_above", &ServiceSpec::lifo_above)
      .def_readwrite("backpressure_high", &ServiceSpec::backpressure_high)
      .def_readwrite("backpressure_low", &ServiceSpec::backpressure_low)
      .def_readwrite("placement", &ServiceSpec::placement)
      .def_readwrite("autoscale", &ServiceSpec::autoscale);
  py::class_<BalancerSpec>(m, "BalancerSpec")
      .def(py::init<>())
      .def_readwrite("name", &BalancerSpec::name)
      .def_readwrite("target", &BalancerSpec::target)
      .def_readwrite("strategy", &BalancerSpec::strategy)
      .def_readwrite("instances", &BalancerSpec::instances)
      .def_readwrite("placement", &BalancerSpec::placement);
  py::class_<RateSegment>(m, "RateSegment")
      .def(py::init([](SimTime from, double rate) { return RateSegment{from, rate}; }), py::arg("from_ns"),
           py::arg("rate"))
      .def_readonly("from_ns", &RateSegment::from)
      .def_readonly("rate", &RateSegment::rate);
  py::class_<ClientSpec>(m, "ClientSpec")
      .def(py::init<>())
      .def_readwrite("name", &ClientSpec::name)
      .def_readwrite("target", &ClientSpec::target)
      .def_readwrite("strategy", &ClientSpec::strategy)
      .def_readwrite("closed", &ClientSpec::closed)
      .def_readwrite("rate_schedule", &ClientSpec::rate_schedule)
      .def_readwrite("users", &ClientSpec::users)
      .def_readwrite("think", &ClientSpec::think)
      .def_readwrite("keys", &ClientSpec::keys)
      .def_readwrite("mix", &ClientSpec::mix)
      .def_readwrite("deadline", &ClientSpec::deadline)
      .def_readwrite("tenants", &ClientSpec::tenants)
      .def_readwrite("tenant", &ClientSpec::tenant)
      .def_readwrite("placement", &ClientSpec::placement);
  py::class_<NetworkSpec::Zone>(m, "ZoneSpec")
      .def(py::init([](std::string n, std::string r) { return NetworkSpec::Zone{std::move(n), std::move(r)}; }));
  py::class_<NetworkSpec::Host>(m, "HostSpec")
      .def(py::init([](std::string n, std::string z) { return NetworkSpec::Host{std::move(n), std::move(z)}; }));
  py::class_<LinkSpec>(m, "LinkSpec")
      .def(py::init<>())
      .def_readwrite("from_site", &LinkSpec::from)
      .def_readwrite("to_site", &LinkSpec::to)
      .def_readwrite("latency", &LinkSpec::latency)
      .def_readwrite("loss", &LinkSpec::loss);
  py::class_<NetworkSpec>(m, "NetworkSpec")
      .def(py::init<>())
      .def_readwrite("zones", &NetworkSpec::zones)
      .def_readwrite("hosts", &NetworkSpec::hosts)
      .def_readwrite("same_zone", &NetworkSpec::same_zone)
      .def_readwrite("cross_zone", &NetworkSpec::cross_zone)
      .def_readwrite("cross_region", &NetworkSpec::cross_region)
      .def_readwrite("same_zone_loss", &NetworkSpec::same_zone_loss)
      .def_readwrite("cross_zone_loss", &NetworkSpec::cross_zone_loss)
      .def_readwrite("cross_region_loss", &NetworkSpec::cross_region_loss)
      .def_readwrite("links", &NetworkSpec::links);
  py::class_<ModelSpec>(m, "ModelSpec")
      .def(py::init<>())
      .def_readwrite("name", &ModelSpec::name)
      .def_readwrite("network", &ModelSpec::network)
      .def_readwrite("order", &ModelSpec::order)
      .def_readwrite("services", &ModelSpec::services)
      .def_readwrite("balancers", &ModelSpec::balancers)
      .def_readwrite("clients", &ModelSpec::clients)
      .def_readwrite("caches", &ModelSpec::caches)
      .def_readwrite("shards", &ModelSpec::shards)
      .def_readwrite("brokers", &ModelSpec::brokers);
  py::class_<FaultSpec>(m, "FaultSpec")
      .def(py::init<>())
      .def_readwrite("kind", &FaultSpec::kind)
      .def_readwrite("target", &FaultSpec::target)
      .def_readwrite("at", &FaultSpec::at)
      .def_readwrite("duration", &FaultSpec::duration)
      .def_readwrite("factor", &FaultSpec::factor)
      .def_readwrite("probability", &FaultSpec::probability)
      .def_readwrite("mttf", &FaultSpec::mttf)
      .def_readwrite("mttr", &FaultSpec::mttr)
      .def_readwrite("sites_a", &FaultSpec::sites_a)
      .def_readwrite("sites_b", &FaultSpec::sites_b)
      .def_readwrite("one_way", &FaultSpec::one_way)
      .def_readwrite("latency", &FaultSpec::latency);
  py::class_<FaultRecord>(m, "FaultRecord")
      .def_readonly("kind", &FaultRecord::kind)
      .def_readonly("target", &FaultRecord::target)
      .def_readonly("start", &FaultRecord::start)
      .def_readonly("end", &FaultRecord::end)
      .def_readonly("failed_requests", &FaultRecord::failed_requests)
      .def_readonly("affected", &FaultRecord::affected);
  py::class_<RunOptions>(m, "RunOptions")
      .def(py::init<>())
      .def_readwrite("duration", &RunOptions::duration)
      .def_readwrite("warmup", &RunOptions::warmup)
      .def_readwrite("seed", &RunOptions::seed)
      .def_readwrite("until_requests", &RunOptions::until_requests)
      .def_readwrite("window", &RunOptions::window)
      .def_readwrite("max_events", &RunOptions::max_events)
      .def_readwrite("faults", &RunOptions::faults)
      .def_readwrite("trace_sample", &RunOptions::trace_sample)
      .def_readwrite("event_log", &RunOptions::event_log)
      .def_readwrite("deployments", &RunOptions::deployments);

  py::class_<OpResult>(m, "OpResult")
      .def_readonly("op", &OpResult::op)
      .def_readonly("arrivals", &OpResult::arrivals)
      .def_property_readonly("completed", &OpResult::completed)
      .def_property_readonly("errors",
                             [](const OpResult& o) {
                               py::dict d;
                               for (std::size_t k = 1; k < kErrorKinds; ++k) d[py::str(std::string(kErrorNames[k]))] = o.errors[k];
                               return d;
                             })
      .def_readonly("latency", &OpResult::latency)
      .def_property_readonly("latency_sum_all", &OpResult::latency_sum_all)
      .def_property_readonly("finished_all", &OpResult::finished_all)
      .def_readonly("calls_sent", &OpResult::calls_sent)
      .def_readonly("retries", &OpResult::retries)
      .def_readonly("corrupted", &OpResult::corrupted)
      .def_readonly("hedges", &OpResult::hedges)
      .def_property_readonly("window_ns", [](const OpResult& o) { return o.series.width(); })
      .def_property_readonly("windows", [](const OpResult& o) {
        py::list out;  // (window index, completed, errors, latency histogram) per non-empty window
        for (const auto& w : o.series.windows())
          out.append(py::make_tuple(w.index, w.completed(), w.errors, w.latency.unpack()));
        return out;
      });
  py::class_<InstanceResult>(m, "InstanceResult")
      .def_readonly("name", &InstanceResult::name)
      .def_readonly("host", &InstanceResult::host)
      .def_readonly("completed", &InstanceResult::completed)
      .def_readonly("utilisation", &InstanceResult::utilisation)
      .def_readonly("mean_queue", &InstanceResult::mean_queue)
      .def_readonly("mean_in_flight", &InstanceResult::mean_in_flight)
      .def_readonly("in_service", &InstanceResult::in_service);
  py::class_<ComponentResult>(m, "ComponentResult")
      .def_readonly("name", &ComponentResult::name)
      .def_readonly("kind", &ComponentResult::kind)
      .def_readonly("workers", &ComponentResult::workers)
      .def_readonly("ops", &ComponentResult::ops)
      .def_readonly("instances", &ComponentResult::instances)
      .def("instance_columns",
           [](const ComponentResult& c) {  // column lists: 10^6 instances convert in one pass
             py::list name, host, completed, utilisation, mean_queue, mean_in_flight;
             for (const auto& i : c.instances) {
               name.append(i.name);
               host.append(i.host);
               completed.append(i.completed);
               utilisation.append(i.utilisation);
               mean_queue.append(i.mean_queue);
               mean_in_flight.append(i.mean_in_flight);
             }
             py::dict out;
             out["instance"] = name;
             out["host"] = host;
             out["completed"] = completed;
             out["utilisation"] = utilisation;
             out["mean_queue"] = mean_queue;
             out["mean_in_flight"] = mean_in_flight;
             return out;
           })
      .def_readonly("utilisation", &ComponentResult::utilisation)
      .def_readonly("mean_queue", &ComponentResult::mean_queue)
      .def_readonly("mean_in_flight", &ComponentResult::mean_in_flight)
      .def_readonly("littles_in_flight", &ComponentResult::littles_in_flight)
      .def_readonly("duplicates", &ComponentResult::duplicates)
      .def_readonly("cache", &ComponentResult::cache)
      .def_readonly("shards", &ComponentResult::shards)
      .def_readonly("broker", &ComponentResult::broker)
      .def_readonly("autoscale", &ComponentResult::autoscale);
  py::class_<RunResult>(m, "RunResult")
      .def_readonly("model", &RunResult::model)
      .def_readonly("seed", &RunResult::seed)
      .def_readonly("measured_from", &RunResult::measured_from)
      .def_readonly("measured_to", &RunResult::measured_to)
      .def_readonly("window_ns", &RunResult::window)
      .def_readonly("events", &RunResult::events)
      .def_readonly("stop_reason", &RunResult::stop_reason)
      .def_readonly("requests_completed", &RunResult::requests_completed)
      .def_readonly("peak_requests_in_use", &RunResult::peak_requests_in_use)
      .def_readonly("components", &RunResult::components)
      .def_readonly("faults", &RunResult::faults)
      .def_readonly("deployments", &RunResult::deployments)
      .def_readonly("versions", &RunResult::versions)
      .def("fingerprint", [](const RunResult& r) { return fingerprint(r); });

  m.def(
      "run_model",
      [](const ModelSpec& model, const RunOptions& options, py::object progress) {
        ProgressCallback cb;
        bool interrupted = false;
        if (!progress.is_none()) {
          // Called every 2^18 events and once at the end: takes the GIL, reports, and lets
          // Ctrl-C end the run early with the figures so far. It holds a borrowed handle:
          // the std::function is copied and destroyed without the GIL (a py::object copy
          // would touch the reference count unlocked), and `progress` outlives the run.
          const py::handle callback = progress;
          cb = [callback, &interrupted](const Progress& p) {
            py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) {
              PyErr_Clear();
              interrupted = true;
              return false;
            }
            return callback(p.now, p.until, p.events).cast<bool>();
          };
        }
        RunResult result;
        {
          py::gil_scoped_release release;
          result = run_model(model, options, cb);
        }
        // A Ctrl-C first seen by the run's last report came too late to cut it short; deliver
        // it again so that the caller (a loop of replications, say) still stops.
        if (interrupted && result.stop_reason != "cancelled") PyErr_SetInterrupt();
        return result;
      },
      py::arg("model"), py::arg("options"), py::arg("progress") = py::none());
}

}  // namespace archsim::python

// The data tier: cache and shard specs, and their results.
#include <pybind11/stl.h>

#include "archsim/models/runner.hpp"
#include "bindings.hpp"

namespace py = pybind11;

namespace archsim::python {

void bind_data(py::module_& m) {
  py::class_<CacheSpec>(m, "CacheSpec")
      .def(py::init<>())
      .def_readwrite("name", &CacheSpec::name)
      .def_readwrite("backend", &CacheSpec::backend)
      .def_readwrite("strategy", &CacheSpec::strategy)
      .def_readwrite("instances", &CacheSpec::instances)
      .def_readwrite("policy", &CacheSpec::policy)
      .def_readwrite("mode", &CacheSpec::mode)
      .def_readwrite("capacity", &CacheSpec::capacity)
      .def_readwrite("ttl", &CacheSpec::ttl)
      .def_readwrite("ttl_jitter", &CacheSpec::ttl_jitter)
      .def_readwrite("single_flight", &CacheSpec::single_flight)
      .def_readwrite("stale_while_revalidate", &CacheSpec::stale_while_revalidate)
      .def_readwrite("flush_delay", &CacheSpec::flush_delay)
      .def_readwrite("flush_batch", &CacheSpec::flush_batch)
      .def_readwrite("warm_keys", &CacheSpec::warm_keys)
      .def_readwrite("placement", &CacheSpec::placement);
  py::class_<ShardChange>(m, "ShardChange")
      .def(py::init<>())
      .def_readwrite("at", &ShardChange::at)
      .def_readwrite("add", &ShardChange::add)
      .def_readwrite("shard", &ShardChange::shard);
  py::class_<ShardsSpec>(m, "ShardsSpec")
      .def(py::init<>())
      .def_readwrite("name", &ShardsSpec::name)
      .def_readwrite("backend", &ShardsSpec::backend)
      .def_readwrite("routing", &ShardsSpec::routing)
      .def_readwrite("instances", &ShardsSpec::instances)
      .def_readwrite("shards", &ShardsSpec::shards)
      .def_readwrite("vnodes", &ShardsSpec::vnodes)
      .def_readwrite("key_space", &ShardsSpec::key_space)
      .def_readwrite("changes", &ShardsSpec::changes)
      .def_readwrite("tenant_shards", &ShardsSpec::tenant_shards)
      .def_readwrite("placement", &ShardsSpec::placement);

  py::class_<CacheResult>(m, "CacheResult")
      .def_property_readonly("counts",
                             [](const CacheResult& c) {
                               static constexpr const char* kNames[kCacheEvents] = {
                                   "hits",        "misses",    "coalesced", "stale_served", "evictions",
                                   "expired",     "refreshes", "flushed",   "writes_lost"};
                               py::dict d;
                               for (std::size_t k = 0; k < kCacheEvents; ++k) d[kNames[k]] = c.counts[k];
                               return d;
                             })
      .def_readonly("windows", &CacheResult::windows);
  py::class_<ShardChangeRecord>(m, "ShardChangeRecord")
      .def_readonly("at", &ShardChangeRecord::at)
      .def_readonly("kind", &ShardChangeRecord::kind)
      .def_readonly("shard", &ShardChangeRecord::shard)
      .def_readonly("active", &ShardChangeRecord::active)
      .def_readonly("moved", &ShardChangeRecord::moved);
  py::class_<ShardsResult>(m, "ShardsResult")
      .def_readonly("load", &ShardsResult::load)
      .def_readonly("changes", &ShardsResult::changes);
}

}  // namespace archsim::python

#include "archsim/models/placement.hpp"
#include "invalid_model.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace archsim {
namespace {


std::uint32_t host_of(const Network& net, const std::string& name, const std::string& where) {
  try {
    return net.host_index(name);
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{} placement: {}", where, e.what()));
  }
}

std::uint32_t zone_of(const Network& net, const std::string& name, const std::string& where) {
  try {
    return net.zone_index(name);
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("{} placement: {}", where, e.what()));
  }
}

}  // namespace

std::vector<std::uint32_t> place_instances(Network& net, const std::string& component, const std::string& where,
                                           std::uint32_t instances, const PlacementSpec& p) {
  if (instances == 0) fail(fmt::format("{}: instances must be >= 1", where));
  if (instances > 10'000'000) fail(fmt::format("{}: instances must be <= 10^7, got {}", where, instances));
  std::vector<std::uint32_t> hosts;
  if (!p.hosts.empty()) {
    std::vector<std::uint32_t> named;
    for (const auto& h : p.hosts) named.push_back(host_of(net, h, where));
    for (std::uint32_t i = 0; i < instances; ++i) hosts.push_back(named[i % named.size()]);
    return hosts;
  }
  std::vector<std::uint32_t> zones;
  for (const auto& z : p.zones) zones.push_back(zone_of(net, z, where));
  if (zones.empty())
    for (std::uint32_t z = 0; z < net.zone_count(); ++z) zones.push_back(z);
  for (std::uint32_t i = 0; i < instances; ++i)
    hosts.push_back(net.add_host(fmt::format("{}[{}]", component, i), zones[i % zones.size()]));
  return hosts;
}

}  // namespace archsim

#pragma once
// Where a component's instances run: the runner and the architecture graph
// place instances the same way, so a blast radius matches what a run does.
#include <cstdint>
#include <string>
#include <vector>

#include "archsim/models/model_spec.hpp"
#include "archsim/models/network.hpp"

namespace archsim {

// The host of each of `instances` instances: explicit hosts round-robin, or a
// new host per instance ("<component>[i]") spread round-robin over the given
// zones (all zones if none). `where` labels errors (std::invalid_argument).
std::vector<std::uint32_t> place_instances(Network& net, const std::string& component, const std::string& where,
                                           std::uint32_t instances, const PlacementSpec& p);

}  // namespace archsim

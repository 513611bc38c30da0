#pragma once
// Hit ratios of a cache under independent requests (the independent reference
// model: each request is for item i with probability p_i), by the
// characteristic-time approximation.
//
// LRU (Che, Tung & Wang, "Hierarchical Web caching systems: modeling, design
// and experimental results", IEEE JSAC 20(7), 2002): an item stays in a cache
// of C entries for a characteristic time T after its last request, where T
// solves sum_i (1 - e^(-p_i T)) = C; item i hits with probability
// 1 - e^(-p_i T). Asymptotically exact for Zipf popularity (Fricker, Robert &
// Roberts, ITC 24, 2012).
//
// FIFO (and random replacement): an item stays T after it was filled, so item
// i hits with probability p_i T / (1 + p_i T), with sum_i p_i T / (1 + p_i T)
// = C (Martina, Garetto & Leonardi, "A unified approach to the performance
// analysis of caching systems", INFOCOM 2014).
//
// T is counted in requests. Throws std::invalid_argument naming the parameter.
#include <string_view>
#include <vector>

namespace archsim::analysis {

// The overall hit ratio sum_i p_i h_i. `popularity`: weights >= 0 with a
// positive sum (normalised here); `capacity` >= 0 entries (a capacity at
// least the number of items with a positive weight holds them all: 1).
// `policy`: "lru" or "fifo".
double che_hit_ratio(const std::vector<double>& popularity, double capacity, std::string_view policy);

}  // namespace archsim::analysis

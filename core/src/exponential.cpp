#include "archsim/core/exponential.hpp"

namespace archsim::ziggurat {

double rejection(Rng& rng, std::uint64_t bits) {
  for (;;) {
    const unsigned layer = static_cast<unsigned>(bits & 0xFF);
    const std::uint64_t point = bits >> 8;
    const double x = static_cast<double>(point) * kTables.layer[layer].width;
    if (point < kTables.layer[layer].under) return x;
    // The base layer past r is the tail, and the tail of an exponential is
    // again an exponential (memoryless).
    if (layer == 0) return kTailStart + standard_exponential(rng);
    // The wedge of layer i lies between f(edge[i]) and f(edge[i+1]): accept
    // the point if a height drawn uniformly in that band is under f(x).
    const double height = kTables.density[layer] + rng.uniform() * (kTables.density[layer + 1] - kTables.density[layer]);
    if (height < std::exp(-x)) return x;
    bits = rng.next_u64();
  }
}

}  // namespace archsim::ziggurat

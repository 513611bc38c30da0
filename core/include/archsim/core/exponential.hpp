#pragma once
// Exponential draws of mean 1 by the ziggurat method (Marsaglia & Tsang 2000,
// "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8)).
// The density is covered by 256 layers of equal area. One 64-bit draw picks a
// layer (low 8 bits) and a point across it (high 56 bits); about 97.8% of
// points (the mean of edge[i+1] / edge[i]) fall where the layer lies wholly under the density and are returned
// at once: a multiplication instead of a log (docs/performance.md). The rest
// go through an exact rejection step, so the draws are exactly exponential.
//
// The tables are computed by the compiler (constexpr), so they do not depend
// on the libm of the machine that runs the simulation. That needs a compiler
// that evaluates std::exp and std::log in constant expressions: GCC does (an
// extension until C++26 makes them constexpr), and GCC is the compiler here.
#include <array>
#include <cmath>
#include <cstdint>

#include "archsim/core/rng.hpp"

namespace archsim {

namespace ziggurat {

constexpr int kLayers = 256;
constexpr double kTailStart = 7.69711747013104972;       // r: where the base layer's tail begins
constexpr double kLayerArea = 0.0039496598225815571993;  // v: the area of each layer
constexpr double kPointScale = 0x1.0p-56;                // the 56 bits of a point across a layer

// What the fast path reads for a layer, side by side: one cache line, not two.
struct Layer {
  std::uint64_t under = 0;  // points below this lie wholly under f
  double width = 0;         // edge[i] * 2^-56: a point's 56 bits to x
};

struct Tables {
  // edge[i] is the right edge of layer i; edge[0] = v / f(r), the width of a
  // rectangle of area v and height f(r) standing in for the base layer with its tail.
  std::array<double, kLayers + 1> edge{};
  std::array<double, kLayers + 1> density{};  // f(edge[i]) = exp(-edge[i])
  std::array<Layer, kLayers> layer{};
};

constexpr Tables make_tables() {
  Tables t;
  t.edge[0] = kLayerArea / std::exp(-kTailStart);
  t.edge[1] = kTailStart;
  for (int i = 1; i < kLayers - 1; ++i)  // layer i has area v: edge[i] * (f(edge[i+1]) - f(edge[i])) = v
    t.edge[i + 1] = -std::log(kLayerArea / t.edge[i] + std::exp(-t.edge[i]));
  t.edge[kLayers] = 0;  // the top of the density
  for (int i = 0; i <= kLayers; ++i) t.density[i] = std::exp(-t.edge[i]);
  for (int i = 0; i < kLayers; ++i) {
    t.layer[i].width = t.edge[i] * kPointScale;
    t.layer[i].under = static_cast<std::uint64_t>(t.edge[i + 1] / t.edge[i] / kPointScale);
  }
  return t;
}

inline constexpr Tables kTables = make_tables();

// The ~2.2% of draws that the rectangle test does not settle.
double rejection(Rng& rng, std::uint64_t bits);

}  // namespace ziggurat

// An exponential draw of mean 1; usually one 64-bit draw from `rng`.
inline double standard_exponential(Rng& rng) {
  const std::uint64_t bits = rng.next_u64();
  const ziggurat::Layer& layer = ziggurat::kTables.layer[bits & 0xFF];
  const std::uint64_t point = bits >> 8;
  if (point < layer.under) [[likely]]
    return static_cast<double>(point) * layer.width;
  return ziggurat::rejection(rng, bits);
}

}  // namespace archsim

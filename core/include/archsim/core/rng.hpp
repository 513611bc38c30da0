#pragma once
// Named random streams. A stream is derived from (seed, name) only, so adding
// a component never changes the numbers another component sees.
//
// Derivation (fixed; changing it changes every fingerprint):
//   key   = splitmix64(seed) XOR fnv1a64(name)
//   state = four successive SplitMix64 outputs starting from key
//   generator = xoshiro256++ (Blackman & Vigna, 2019)
#include <cstdint>
#include <string_view>

namespace archsim {

// One step of SplitMix64 (Steele, Lea & Flood 2014): advances `state`, returns the mix.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// 64-bit FNV-1a of a byte string.
constexpr std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = 0xCBF29CE484222325ull) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001B3ull;
  }
  return hash;
}

class Rng {
 public:
  Rng(std::uint64_t seed, std::string_view stream_name);

  // xoshiro256++: the next 64 random bits.
  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe as the argument of log().
  double uniform_pos() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  // Uniform integer in [0, n) without modulo bias (Lemire 2019); n > 0.
  // Inline: one multiplication per draw; the rare rejection loop is out of line.
  std::uint64_t below(std::uint64_t n) {
    const unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
    if (static_cast<std::uint64_t>(m) < n) [[unlikely]]
      return below_slow(n, m);
    return static_cast<std::uint64_t>(m >> 64);
  }
  bool bernoulli(double p) { return uniform() < p; }

 private:
  std::uint64_t below_slow(std::uint64_t n, unsigned __int128 m);
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace archsim

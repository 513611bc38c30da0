#include "archsim/core/rng.hpp"

namespace archsim {

Rng::Rng(std::uint64_t seed, std::string_view stream_name) {
  std::uint64_t mixer = seed;
  std::uint64_t key = splitmix64_next(mixer) ^ fnv1a64(stream_name);
  for (std::uint64_t& word : s_) word = splitmix64_next(key);
}

std::uint64_t Rng::below_slow(std::uint64_t n, unsigned __int128 m) {
  auto low = static_cast<std::uint64_t>(m);
  const std::uint64_t threshold = (0 - n) % n;
  while (low < threshold) {
    m = static_cast<unsigned __int128>(next_u64()) * n;
    low = static_cast<std::uint64_t>(m);
  }
  return static_cast<std::uint64_t>(m >> 64);
}

}  // namespace archsim

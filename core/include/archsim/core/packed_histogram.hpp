#pragma once
// A Histogram kept for reading, as its non-empty buckets only: a closed
// time-series window's latencies. A dense histogram of one window is mostly
// zeros (about 200 of 660 buckets hold a count at 900 requests a window), and
// a run keeps one per window per operation, so packed they take a third of
// the memory, and a run fewer fresh pages. unpack() gives the Histogram back,
// equal in every figure.
#include <cstdint>
#include <vector>

#include "archsim/core/histogram.hpp"

namespace archsim {

class PackedHistogram {
 public:
  explicit PackedHistogram(int sub_bits = 7) : sub_bits_(sub_bits) {}
  // Packs h and leaves it empty, its memory kept for the next values: one
  // pass over its buckets does both.
  static PackedHistogram take(Histogram& h);

  Histogram unpack() const;
  std::uint64_t count() const { return count_; }
  int sub_bits() const { return sub_bits_; }

 private:
  // A bucket: its index in the top kIndexBits bits, its count below.
  static constexpr int kIndexBits = 20;  // above any index at 12 sub-bucket bits, the finest
  static constexpr std::uint64_t kCountMask = (std::uint64_t{1} << (64 - kIndexBits)) - 1;

  int sub_bits_;
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = INT64_MAX, max_ = 0;
  __int128 sum_ = 0;
};

}  // namespace archsim

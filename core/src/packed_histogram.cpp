#include "archsim/core/packed_histogram.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

PackedHistogram PackedHistogram::take(Histogram& h) {
  PackedHistogram p(h.sub_bits_);
  if (h.count_ == 0) return p;
  std::uint64_t* counts = h.counts_.data();
  // No count lies outside the buckets of the least and the largest value.
  const std::size_t first = h.index_of(static_cast<std::uint64_t>(h.min_));
  const std::size_t end = h.index_of(static_cast<std::uint64_t>(h.max_)) + 1;
  std::size_t n = 0;
  std::uint64_t largest = 0;
  for (std::size_t i = first; i < end; ++i) {
    n += counts[i] != 0;
    largest = std::max(largest, counts[i]);
  }
  if (largest > kCountMask)  // 2^44 values in one bucket of a window: beyond any run's reach
    throw std::overflow_error(
        fmt::format("PackedHistogram: {} values in one bucket, more than {}", largest, kCountMask));
  p.buckets_.resize(n);
  std::uint64_t* out = p.buckets_.data();
  for (std::size_t i = first; i < end; ++i) {
    if (counts[i] == 0) continue;
    *out++ = static_cast<std::uint64_t>(i) << (64 - kIndexBits) | counts[i];
    counts[i] = 0;
  }
  p.count_ = h.count_;
  p.min_ = h.min_;
  p.max_ = h.max_;
  p.sum_ = h.sum_;
  h.count_ = 0;
  h.min_ = INT64_MAX;
  h.max_ = 0;
  h.sum_ = 0;
  return p;
}

Histogram PackedHistogram::unpack() const {
  Histogram h(sub_bits_);
  if (!buckets_.empty()) h.counts_.resize((buckets_.back() >> (64 - kIndexBits)) + 1);
  for (const std::uint64_t b : buckets_) h.counts_[b >> (64 - kIndexBits)] = b & kCountMask;
  h.count_ = count_;
  h.min_ = min_;
  h.max_ = max_;
  h.sum_ = sum_;
  return h;
}

}  // namespace archsim

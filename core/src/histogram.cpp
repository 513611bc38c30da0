#include "archsim/core/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

Histogram::Histogram(int sub_bits) : sub_bits_(sub_bits), sub_count_(1ull << sub_bits) {
  if (sub_bits < 1 || sub_bits > 12)
    throw std::invalid_argument(fmt::format("Histogram: sub_bits must be in [1, 12], got {}", sub_bits));
}

std::uint64_t Histogram::bucket_low(std::size_t index) const {
  if (index < sub_count_) return index;
  const std::uint64_t shift = index / sub_count_ - 1;
  return (sub_count_ + index % sub_count_) << shift;
}

std::uint64_t Histogram::bucket_width(std::size_t index) const {
  if (index < sub_count_) return 1;
  return 1ull << (index / sub_count_ - 1);
}

void Histogram::merge(const Histogram& other) {
  if (other.sub_bits_ != sub_bits_)
    throw std::invalid_argument(
        fmt::format("Histogram::merge: precision differs ({} vs {} sub-bucket bits)", sub_bits_, other.sub_bits_));
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

std::int64_t Histogram::percentile(double q) const {
  if (!(q >= 0 && q <= 100))
    throw std::invalid_argument(fmt::format("percentile must be in [0, 100], got {}", q));
  if (count_ == 0) return 0;
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q / 100.0 * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const auto mid = static_cast<std::int64_t>(bucket_low(i) + (bucket_width(i) - 1) / 2);
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

double Histogram::cdf(std::int64_t value) const {
  if (count_ == 0) return 0.0;
  if (value < 0) return 0.0;
  const std::size_t last = index_of(static_cast<std::uint64_t>(value));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i <= last && i < counts_.size(); ++i) seen += counts_[i];
  return static_cast<double>(seen) / static_cast<double>(count_);
}

}  // namespace archsim

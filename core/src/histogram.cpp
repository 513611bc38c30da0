#include "archsim/core/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

namespace {

// out[j] += the sum of now[i] - before[i] over the finer buckets i of group j,
// and before = now there, for the groups j in [from, to): once per time-series
// window, over most of a run histogram.
[[gnu::always_inline]] inline void fold_groups(std::uint64_t* __restrict out, const std::uint64_t* __restrict now,
                                               std::uint64_t* __restrict before, std::size_t from, std::size_t to,
                                               std::size_t size) {
  for (std::size_t j = from; j < to; ++j) {
    std::uint64_t sum = 0;
    for (std::size_t k = 0; k < size; ++k) {
      const std::size_t i = j * size + k;
      sum += now[i] - before[i];
      before[i] = now[i];
    }
    out[j] += sum;
  }
}
// The same with the group size known, so that the inner loop unrolls.
template <std::size_t kSize>
void fold_groups(std::uint64_t* out, const std::uint64_t* now, std::uint64_t* before, std::size_t from,
                 std::size_t to) {
  fold_groups(out, now, before, from, to, kSize);
}

}  // namespace

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

void Histogram::add_since(Histogram& seen, const Histogram& later, std::int64_t low, std::int64_t high) {
  const int finer = later.sub_bits_ - sub_bits_;
  if (finer < 0 || seen.sub_bits_ != later.sub_bits_)
    throw std::invalid_argument(fmt::format("Histogram::add_since: precision {} cannot take {}, seen at {}", sub_bits_,
                                            later.sub_bits_, seen.sub_bits_));
  const std::uint64_t added = later.count_ - seen.count_;
  if (added == 0) return;
  low = std::max<std::int64_t>(low, 0);
  const std::size_t first = later.index_of(static_cast<std::uint64_t>(low));
  const std::size_t last = later.index_of(static_cast<std::uint64_t>(high));
  const std::size_t top = index_of(static_cast<std::uint64_t>(high));
  if (counts_.size() <= top) counts_.resize(top + 1);  // zeros: value-initialised
  if (seen.counts_.size() < later.counts_.size()) seen.counts_.resize(later.counts_.size());
  const std::uint64_t* now = later.counts_.data();
  std::uint64_t* before = seen.counts_.data();
  // Below 2^later.sub_bits a finer bucket is one value; from there on each
  // group of 2^finer finer buckets is one bucket here, finer * 2^sub_bits along.
  const std::size_t exact = std::size_t{1} << later.sub_bits_;
  std::size_t i = first;
  for (; i <= last && i < exact; ++i) {
    counts_[index_of(i)] += now[i] - before[i];
    before[i] = now[i];
  }
  std::uint64_t* grouped = counts_.data() + (static_cast<std::size_t>(finer) << sub_bits_);
  const std::size_t to = std::min(last + 1, later.counts_.size()) >> finer;  // groups below `to` are whole
  if (i >> finer < to) {
    const std::size_t from = i >> finer;
    switch (finer) {
      case 0: fold_groups<1>(grouped, now, before, from, to); break;
      case 1: fold_groups<2>(grouped, now, before, from, to); break;
      case 2: fold_groups<4>(grouped, now, before, from, to); break;
      case 3: fold_groups<8>(grouped, now, before, from, to); break;
      default: fold_groups(grouped, now, before, from, to, std::size_t{1} << finer); break;
    }
    i = to << finer;
  }
  for (; i <= last; ++i) {  // the rest of the last group, which runs past `last`
    grouped[i >> finer] += now[i] - before[i];
    before[i] = now[i];
  }
  min_ = std::min(min_, low);
  max_ = std::max(max_, high);
  count_ += added;
  sum_ += later.sum_ - seen.sum_;
  seen.count_ = later.count_;
  seen.sum_ = later.sum_;
  seen.min_ = later.min_;
  seen.max_ = later.max_;
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

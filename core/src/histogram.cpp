#include "archsim/core/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

namespace {

// For the coarse buckets j in [from, to), each the sum of the `size` finer
// buckets from (j - base) * size in `now`: out[j] += that sum - seen[j], and
// seen[j] = the sum. Once per time-series window, over most of a run histogram.
[[gnu::always_inline]] inline void fold_groups(std::uint64_t* __restrict out, std::uint64_t* __restrict seen,
                                               const std::uint64_t* __restrict now, std::size_t base,
                                               std::size_t from, std::size_t to, std::size_t size) {
  for (std::size_t j = from; j < to; ++j) {
    const std::uint64_t* group = now + (j - base) * size;
    std::uint64_t sum = 0;
    for (std::size_t k = 0; k < size; ++k) sum += group[k];
    out[j] += sum - seen[j];
    seen[j] = sum;
  }
}
// The same with the group size known, so that the inner loop unrolls.
template <std::size_t kSize>
void fold_groups(std::uint64_t* out, std::uint64_t* seen, const std::uint64_t* now, std::size_t base,
                 std::size_t from, std::size_t to) {
  fold_groups(out, seen, now, base, from, to, kSize);
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
  if (finer < 0 || seen.sub_bits_ != sub_bits_)
    throw std::invalid_argument(fmt::format("Histogram::add_since: precision {} cannot take {}, seen at {}", sub_bits_,
                                            later.sub_bits_, seen.sub_bits_));
  const std::uint64_t added = later.count_ - seen.count_;
  if (added == 0) return;
  low = std::max<std::int64_t>(low, 0);
  const std::size_t first = index_of(static_cast<std::uint64_t>(low));
  const std::size_t last = index_of(static_cast<std::uint64_t>(high));
  if (counts_.size() <= last) counts_.resize(last + 1);  // zeros: value-initialised
  if (seen.counts_.size() <= last) seen.counts_.resize(last + 1);
  const std::uint64_t* now = later.counts_.data();
  const std::size_t fine = later.counts_.size();
  // Sets bucket j from the finer buckets [begin, end) of `later`, those past its end being empty.
  auto settle = [&](std::size_t j, std::size_t begin, std::size_t end) {
    std::uint64_t sum = 0;
    for (std::size_t i = begin; i < end && i < fine; ++i) sum += now[i];
    counts_[j] += sum - seen.counts_[j];
    seen.counts_[j] = sum;
  };
  // Below 2^later.sub_bits a finer bucket is one value. From bucket `whole` on,
  // bucket j here is the group of 2^finer finer ones from (j - base) << finer.
  const std::size_t base = static_cast<std::size_t>(finer) << sub_bits_;
  const std::size_t whole = base + sub_count_;
  std::size_t j = first;
  for (; j <= last && j < whole; ++j) settle(j, bucket_low(j), bucket_low(j) + bucket_width(j));
  const std::size_t to = std::min(last + 1, base + (fine >> finer));  // groups below `to` lie within `later`
  if (j < to) {
    std::uint64_t* out = counts_.data();
    std::uint64_t* before = seen.counts_.data();
    switch (finer) {
      case 0: fold_groups<1>(out, before, now, base, j, to); break;
      case 1: fold_groups<2>(out, before, now, base, j, to); break;
      case 2: fold_groups<4>(out, before, now, base, j, to); break;
      case 3: fold_groups<8>(out, before, now, base, j, to); break;
      default: fold_groups(out, before, now, base, j, to, std::size_t{1} << finer); break;
    }
    j = to;
  }
  for (; j <= last; ++j) settle(j, (j - base) << finer, (j - base + 1) << finer);  // a group past later's end
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

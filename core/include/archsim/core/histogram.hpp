#pragma once
// Log-linear histogram of non-negative integers (latencies in nanoseconds).
// Values below 2^sub_bits are exact; above, each power-of-two range is split
// into 2^sub_bits equal buckets, so a bucket spans at most 2^-sub_bits of its
// value. Percentiles report the bucket midpoint: relative error <= 2^-(sub_bits+1)
// (0.39% at the default 7 bits). Recording is O(1); histograms of the same
// precision merge by adding counts.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace archsim {

class Histogram {
 public:
  explicit Histogram(int sub_bits = 7);

  // Always inlined: a call would cost about what it records.
  [[gnu::always_inline]] void record(std::int64_t value) { add(value, 1); }
  void record_n(std::int64_t value, std::uint64_t n) {
    if (n != 0) add(value, n);
  }
  void merge(const Histogram& other);
  // Adds what `later` recorded since `seen` was taken, as though each of those
  // values had been recorded here. `seen` has this histogram's precision and
  // holds `later` as it stood, folded to that precision; it is brought up to
  // `later`. Every value added lies in [low, high], which the caller tracked:
  // counts give neither. Precision must be no finer here than in `later`; a
  // coarser bucket holds whole finer ones, so counts, count and sum come out exact.
  void add_since(Histogram& seen, const Histogram& later, std::int64_t low, std::int64_t high);

  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return max_; }
  double sum() const { return static_cast<double>(sum_); }
  double mean() const { return count_ ? sum() / static_cast<double>(count_) : 0.0; }
  // q in [0, 100]; the value of rank ceil(q/100 * count). 0 when empty.
  std::int64_t percentile(double q) const;
  // Fraction of recorded values <= value.
  double cdf(std::int64_t value) const;
  int sub_bits() const { return sub_bits_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  std::uint64_t bucket_low(std::size_t index) const;
  std::uint64_t bucket_width(std::size_t index) const;

 private:
  friend class PackedHistogram;  // packs and unpacks the fields as they are

  // Bucket (shift + 1) * 2^sub_bits + (v >> shift) - 2^sub_bits, written without
  // a branch: below 2^sub_bits the shift is 0 and the index is v itself.
  std::size_t index_of(std::uint64_t v) const {
    const int msb = 63 - std::countl_zero(v | 1);
    const int shift = std::max(msb - sub_bits_, 0);
    return (static_cast<std::size_t>(shift) << sub_bits_) + static_cast<std::size_t>(v >> shift);
  }

  // Inlined into both callers: with n = 1 known, record() has no multiplication
  // and no test for n = 0.
  [[gnu::always_inline]] void add(std::int64_t value, std::uint64_t n) {
    value = std::max<std::int64_t>(value, 0);
    const std::size_t i = index_of(static_cast<std::uint64_t>(value));
    if (i >= counts_.size()) counts_.resize(i + 1, 0);
    counts_[i] += n;
    min_ = std::min(min_, value);  // branch-free: min_ starts at INT64_MAX
    max_ = std::max(max_, value);
    count_ += n;
    sum_ += static_cast<__int128>(value) * n;
  }

  int sub_bits_;
  std::uint64_t sub_count_;
  std::vector<std::uint64_t> counts_;  // grows to the highest bucket seen
  std::uint64_t count_ = 0;
  std::int64_t min_ = INT64_MAX, max_ = 0;  // min() reports 0 while empty
  __int128 sum_ = 0;  // exact, where a double rounds once the sum passes 2^53 ns (about 104 days)
};

}  // namespace archsim

// Log-linear latency histogram: bucket layout, the documented percentile
// error bound against exact order statistics of heavy-tailed samples, merge,
// cdf and the edge cases (empty, negative, tiny and huge values).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/histogram.hpp"
#include "archsim/core/packed_histogram.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

// n draws of `d`, rounded to integer nanoseconds.
std::vector<std::int64_t> draw_ns(const Distribution& d, std::size_t n, std::string_view stream) {
  Rng rng(2024, stream);
  std::vector<std::int64_t> out(n);
  for (auto& x : out) x = static_cast<std::int64_t>(std::llround(d.sample(rng)));
  return out;
}

Histogram histogram_of(const std::vector<std::int64_t>& values, int sub_bits = 7) {
  Histogram h(sub_bits);
  for (auto v : values) h.record(v);
  return h;
}

// The value of rank max(1, ceil(q/100 * n)) in sorted order: the definition
// Histogram::percentile documents.
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q / 100.0 * n)));
  return sorted[rank - 1];
}

// Fraction of sorted values <= v.
double exact_cdf(const std::vector<std::int64_t>& sorted, std::int64_t v) {
  return static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin()) /
         static_cast<double>(sorted.size());
}

const std::vector<double> kQuantiles = {0, 1, 10, 50, 90, 99, 99.9, 99.99, 100};

}  // namespace

TEST_CASE("core::Histogram: an empty histogram reports zeros", "[core][quick]") {
  const Histogram h;
  CHECK(h.count() == 0u);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.sum() == 0.0);
  CHECK(h.mean() == 0.0);
  CHECK(h.percentile(0) == 0);
  CHECK(h.percentile(50) == 0);
  CHECK(h.percentile(100) == 0);
  CHECK(h.cdf(0) == 0.0);
  CHECK(h.cdf(1'000'000) == 0.0);
  CHECK(h.counts().empty());
}

TEST_CASE("core::Histogram: bad arguments are refused with their range", "[core][quick]") {
  CHECK_THROWS_WITH(Histogram(0), Contains("sub_bits must be in [1, 12]"));
  CHECK_THROWS_WITH(Histogram(13), Contains("sub_bits must be in [1, 12]"));
  Histogram h;
  h.record(5);
  for (double q : {-1.0, 100.5, std::nan("")}) {
    INFO("q = " << q);
    CHECK_THROWS_WITH(h.percentile(q), Contains("[0, 100]"));
  }
  CHECK_THROWS_WITH(h.merge(Histogram(6)), Contains("precision differs"));
}

TEST_CASE("core::Histogram: values below 2^sub_bits are recorded exactly", "[core][quick]") {
  Histogram h;  // 7 sub-bits: 0 .. 127 exact
  for (std::int64_t v = 0; v < 128; ++v) h.record_n(v, static_cast<std::uint64_t>(v + 1));  // v appears v+1 times
  const std::uint64_t total = 128 * 129 / 2;
  REQUIRE(h.count() == total);
  for (std::size_t v = 0; v < 128; ++v) {
    INFO("value " << v);
    CHECK(h.counts()[v] == v + 1);
    CHECK(h.bucket_low(v) == v);
    CHECK(h.bucket_width(v) == 1u);
  }
  // In the sequence 0, 1, 1, 2, 2, 2, ... value v holds ranks (v(v+1)/2, (v+1)(v+2)/2];
  // q is taken half a rank below the last one so rounding cannot move the rank.
  for (std::int64_t v = 0; v < 128; ++v) {
    const auto last_rank = static_cast<double>((v + 1) * (v + 2) / 2);
    INFO("value " << v);
    CHECK(h.percentile(100.0 * (last_rank - 0.5) / static_cast<double>(total)) == v);
    CHECK(h.cdf(v) == Approx(last_rank / static_cast<double>(total)).epsilon(1e-15));
  }
  CHECK(h.min() == 0);
  CHECK(h.max() == 127);
}

TEST_CASE("core::Histogram: buckets tile the integers with relative width <= 2^-sub_bits", "[core][quick]") {
  for (int sub_bits : {1, 3, 7, 12}) {
    INFO("sub_bits " << sub_bits);
    const Histogram h(sub_bits);
    const std::uint64_t sub_count = 1ull << sub_bits;
    const std::size_t last = (64 - static_cast<std::size_t>(sub_bits)) * sub_count - 1;  // holds 2^63 - 1
    bool contiguous = true, narrow = true;
    for (std::size_t i = 0; i < last; ++i) {
      contiguous = contiguous && h.bucket_low(i) + h.bucket_width(i) == h.bucket_low(i + 1);
      if (h.bucket_low(i) >= sub_count) narrow = narrow && h.bucket_width(i) * sub_count <= h.bucket_low(i);
    }
    CHECK(contiguous);
    CHECK(narrow);
    CHECK(h.bucket_low(last) + (h.bucket_width(last) - 1) == static_cast<std::uint64_t>(INT64_MAX));
  }
}

TEST_CASE("core::Histogram: a value is counted in the bucket whose range holds it", "[core][quick]") {
  std::vector<std::int64_t> values = {0, 1, 2, 3, INT64_MAX};
  for (int k = 1; k < 63; ++k) {
    const std::int64_t p = std::int64_t{1} << k;
    values.insert(values.end(), {p - 1, p, p + 1, p + p / 3});
  }
  for (int sub_bits : {1, 3, 5, 7, 12}) {
    for (const std::int64_t v : values) {
      INFO("sub_bits " << sub_bits << ", value " << v);
      Histogram h(sub_bits);
      h.record(v);
      const std::size_t i = h.counts().size() - 1;  // counts grow to the highest bucket used
      REQUIRE(h.counts()[i] == 1);
      const auto u = static_cast<std::uint64_t>(v);
      CHECK(h.bucket_low(i) <= u);
      CHECK(u - h.bucket_low(i) < h.bucket_width(i));
    }
  }
}

TEST_CASE("core::Histogram: percentiles of heavy-tailed samples are within the documented error",
          "[core][slow]") {
  // histogram.hpp documents a relative error <= 2^-(sub_bits+1) (0.39% at 7
  // bits) against the exact value of rank ceil(q/100 * n): a bucket spans at
  // most 2^-sub_bits of its lower edge and the midpoint is reported. The
  // issue asks for <= 1%; the documented bound is the stronger check. The
  // exact percentiles are order statistics of the same 10^6 samples, in ns.
  constexpr std::size_t n = 1'000'000;
  struct Case {
    const char* name;
    Distribution d;
  };
  const std::vector<Case> cases = {
      {"Pareto(shape 1.5, scale 50us)", Distribution::pareto(1.5, 50e3)},
      {"LogNormal(median 1ms, sigma 2)", Distribution::lognormal(std::log(1e6), 2.0)},
  };
  for (const auto& c : cases) {
    for (int sub_bits : {7, 3}) {
      INFO(c.name << ", sub_bits " << sub_bits);
      const auto values = draw_ns(c.d, sub_bits == 7 ? n : n / 10, c.name);
      const Histogram h = histogram_of(values, sub_bits);
      auto sorted = values;
      std::sort(sorted.begin(), sorted.end());
      const double bound = std::ldexp(1.0, -(sub_bits + 1));
      for (double q : kQuantiles) {
        const auto exact = static_cast<double>(exact_percentile(sorted, q));
        const auto got = static_cast<double>(h.percentile(q));
        INFO("q = " << q << ": exact " << exact << ", histogram " << got);
        CHECK(std::fabs(got - exact) <= bound * exact);
        if (sub_bits == 7) CHECK(std::fabs(got - exact) <= 0.01 * exact);
      }
      CHECK(h.count() == values.size());
      CHECK(h.min() == sorted.front());
      CHECK(h.max() == sorted.back());
    }
  }
}

TEST_CASE("core::Histogram: count, sum, min, max and mean are exact", "[core][quick]") {
  const auto values = draw_ns(Distribution::exponential(2e5), 10'000, "exact-stats");
  const Histogram h = histogram_of(values);
  double sum = 0;
  for (auto v : values) sum += static_cast<double>(v);
  CHECK(h.count() == values.size());
  CHECK(h.sum() == sum);
  CHECK(h.mean() == sum / static_cast<double>(values.size()));
  CHECK(h.min() == *std::min_element(values.begin(), values.end()));
  CHECK(h.max() == *std::max_element(values.begin(), values.end()));
}

TEST_CASE("core::Histogram: merging two histograms equals the histogram of the union", "[core][quick]") {
  const auto a = draw_ns(Distribution::pareto(1.5, 50e3), 50'000, "merge-a");
  const auto b = draw_ns(Distribution::lognormal(std::log(1e4), 1.0), 30'000, "merge-b");  // smaller values
  auto both = a;
  both.insert(both.end(), b.begin(), b.end());
  const Histogram expected = histogram_of(both);
  const auto same = [&](const Histogram& h) {
    CHECK(h.counts() == expected.counts());
    CHECK(h.count() == expected.count());
    CHECK(h.min() == expected.min());
    CHECK(h.max() == expected.max());
    CHECK(h.sum() == Approx(expected.sum()).epsilon(1e-12));
    for (double q : kQuantiles) CHECK(h.percentile(q) == expected.percentile(q));
  };
  SECTION("a into b") {
    Histogram h = histogram_of(b);
    h.merge(histogram_of(a));
    same(h);
  }
  SECTION("b into a") {
    Histogram h = histogram_of(a);
    h.merge(histogram_of(b));
    same(h);
  }
  SECTION("into and from an empty histogram") {
    Histogram h;
    h.merge(histogram_of(both));
    h.merge(Histogram());
    same(h);
  }
}

TEST_CASE("core::Histogram: cdf is monotone and brackets the exact CDF", "[core][quick]") {
  // cdf(v) counts the whole bucket holding v, so with exact empirical CDF F:
  // F(v) <= cdf(v) <= F(v + v * 2^-7) (the bucket ends within 2^-7 of v).
  const auto values = draw_ns(Distribution::lognormal(std::log(1e5), 2.0), 100'000, "cdf");
  const Histogram h = histogram_of(values);
  auto sorted = values;
  std::sort(sorted.begin(), sorted.end());
  CHECK(h.cdf(-1) == 0.0);
  CHECK(h.cdf(h.max()) == 1.0);
  CHECK(h.cdf(std::numeric_limits<std::int64_t>::max()) == 1.0);
  double previous = 0;
  bool monotone = true, bracketed = true;
  for (double x = 1; x < 4.0 * static_cast<double>(h.max()); x *= 1.003) {
    const auto v = static_cast<std::int64_t>(x);
    const double c = h.cdf(v);
    monotone = monotone && c >= previous && c <= 1.0;
    bracketed = bracketed && exact_cdf(sorted, v) <= c && c <= exact_cdf(sorted, v + v / 128);
    previous = c;
  }
  CHECK(monotone);
  CHECK(bracketed);
}

TEST_CASE("core::Histogram: negative values are recorded as 0", "[core][quick]") {
  Histogram h;
  h.record(-5);
  h.record(std::numeric_limits<std::int64_t>::min());
  h.record_n(-1, 3);
  CHECK(h.count() == 5u);
  CHECK(h.counts().at(0) == 5u);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.sum() == 0.0);
  CHECK(h.percentile(50) == 0);
  CHECK(h.percentile(100) == 0);
  CHECK(h.cdf(0) == 1.0);
}

TEST_CASE("core::Histogram: the largest int64 values are bucketed without overflow", "[core][quick]") {
  constexpr std::int64_t top = std::numeric_limits<std::int64_t>::max();
  Histogram h;
  h.record(top);
  h.record(top / 2 + 1);  // 2^62
  CHECK(h.max() == top);
  CHECK(h.min() == top / 2 + 1);
  CHECK(std::fabs(static_cast<double>(h.percentile(100)) - 0x1.0p63) <= 0x1.0p63 / 256);
  CHECK(h.percentile(100) <= top);
  CHECK(std::fabs(static_cast<double>(h.percentile(50)) - 0x1.0p62) <= 0x1.0p62 / 256);
  CHECK(h.cdf(top / 2) == 0.0);
  CHECK(h.cdf(top) == 1.0);
}

TEST_CASE("core::Histogram: record_n(v, k) equals k calls of record(v)", "[core][quick]") {
  Histogram bulk, single;
  for (std::int64_t v : {3, 300, 30'000, 3'000'000}) {
    bulk.record_n(v, 4);
    for (int i = 0; i < 4; ++i) single.record(v);
  }
  CHECK(bulk.counts() == single.counts());
  CHECK(bulk.count() == single.count());
  CHECK(bulk.sum() == single.sum());
  CHECK(bulk.min() == single.min());
  CHECK(bulk.max() == single.max());
}

TEST_CASE("core::Histogram: record_n(v, 0) records nothing", "[core][quick]") {
  // Known bug (reported): record_n updates min_/max_ before looking at n, so
  // a zero-count record moves max() (and, on an empty histogram, min_).
  SECTION("on an empty histogram") {
    Histogram h;
    h.record_n(1'000'000, 0);
    CHECK(h.count() == 0u);
    CHECK(h.max() == 0);
  }
  SECTION("on a histogram holding 5") {
    Histogram h;
    h.record(5);
    h.record_n(7'000, 0);
    CHECK(h.count() == 1u);
    CHECK(h.max() == 5);
  }
}

TEST_CASE("core::Histogram: the sum stays exact past 2^53", "[core][quick]") {
  Histogram h;
  h.record(std::int64_t{1} << 53);
  h.record(1);  // a sum kept in a double rounds 2^53 + 1 down to 2^53, twice
  h.record(1);
  CHECK(h.sum() == 0x1p53 + 2);
  CHECK(h.mean() == (0x1p53 + 2) / 3);
  Histogram n;
  n.record_n(std::int64_t{1} << 62, 4);  // 2^64: past any 64-bit integer too
  CHECK(n.sum() == 0x1p64);
}

TEST_CASE("core::Histogram: add_since folds what a finer histogram gained into coarser buckets exactly",
          "[core][quick]") {
  // Heavy tail and values near 0 (exact buckets), near 2^sub_bits and near INT64_MAX (the top buckets).
  auto values = draw_ns(Distribution::pareto(1.2, 2e3), 20'000, "since");
  for (std::int64_t v = 0; v < 600; v += 7) values.push_back(v);
  values.push_back(std::numeric_limits<std::int64_t>::max());
  values.push_back(std::numeric_limits<std::int64_t>::max() - 12345);
  Rng order(7, "since-order");
  for (std::size_t k = values.size(); k > 1; --k) std::swap(values[k - 1], values[order.below(k)]);
  for (const auto& [fine, coarse] : {std::pair{7, 5}, {5, 5}, {9, 5}, {7, 1}, {12, 3}}) {
    INFO("later at " << fine << " sub-bucket bits, folded into " << coarse);
    Histogram later(fine), seen(coarse);
    std::vector<std::int64_t> so_far;
    std::size_t from = 0;
    for (const std::size_t to : {std::size_t{0}, std::size_t{1}, std::size_t{500}, std::size_t{9'000}, values.size()}) {
      const std::vector<std::int64_t> chunk(values.begin() + static_cast<std::ptrdiff_t>(from),
                                            values.begin() + static_cast<std::ptrdiff_t>(to));
      for (const auto v : chunk) later.record(v);
      Histogram folded(coarse);
      const auto [low, high] = chunk.empty() ? std::pair<std::int64_t, std::int64_t>{INT64_MAX, 0}
                                             : std::pair{*std::min_element(chunk.begin(), chunk.end()),
                                                         *std::max_element(chunk.begin(), chunk.end())};
      folded.add_since(seen, later, low, high);
      const Histogram expected = histogram_of(chunk, coarse);
      CHECK(folded.counts() == expected.counts());
      CHECK(folded.count() == expected.count());
      CHECK(folded.min() == expected.min());
      CHECK(folded.max() == expected.max());
      CHECK(folded.sum() == expected.sum());
      CHECK(seen.count() == later.count());  // brought up to date: the next fold starts here
      so_far.insert(so_far.end(), chunk.begin(), chunk.end());
      std::vector<std::uint64_t> seen_counts = seen.counts(), folded_so_far = histogram_of(so_far, coarse).counts();
      seen_counts.resize(std::max(seen_counts.size(), folded_so_far.size()), 0);
      folded_so_far.resize(seen_counts.size(), 0);
      CHECK(seen_counts == folded_so_far);  // later, folded
      from = to;
    }
  }
}

TEST_CASE("core::Histogram: add_since refuses a finer histogram than the source, and a snapshot at another precision",
          "[core][quick]") {
  Histogram later(5), seen(7), finer(7);
  later.record(100);
  CHECK_THROWS_WITH(finer.add_since(seen, later, 100, 100), Contains("precision 7 cannot take 5"));
  Histogram coarse(3), wrong_seen(5);
  CHECK_THROWS_WITH(coarse.add_since(wrong_seen, later, 100, 100), Contains("seen at 5"));
}

TEST_CASE("core::PackedHistogram: unpacks to the histogram it took, which is left empty", "[core][quick]") {
  for (const int bits : {1, 5, 7, 12}) {
    INFO(bits << " sub-bucket bits");
    auto values = draw_ns(Distribution::pareto(1.1, 1e3), 5'000, "packed");
    values.push_back(0);
    values.push_back(std::numeric_limits<std::int64_t>::max());
    const Histogram h = histogram_of(values, bits);
    Histogram taken = h;
    const Histogram back = PackedHistogram::take(taken).unpack();
    CHECK(back.counts() == h.counts());
    CHECK(back.count() == h.count());
    CHECK(back.min() == h.min());
    CHECK(back.max() == h.max());
    CHECK(back.sum() == h.sum());
    CHECK(back.sub_bits() == bits);
    for (double q : kQuantiles) CHECK(back.percentile(q) == h.percentile(q));
    CHECK(taken.count() == 0);  // taken: empty, and it records anew
    CHECK(std::all_of(taken.counts().begin(), taken.counts().end(), [](std::uint64_t c) { return c == 0; }));
    taken.record(3);
    CHECK(taken.min() == 3);
    CHECK(taken.max() == 3);
    CHECK(taken.sum() == 3);
    CHECK(taken.percentile(50) == 3);
  }
  SECTION("an empty one") {
    Histogram empty(5);
    const PackedHistogram packed = PackedHistogram::take(empty);
    CHECK(packed.unpack().counts().empty());
    CHECK(packed.count() == 0);
  }
}

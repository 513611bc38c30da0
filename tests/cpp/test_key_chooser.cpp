// Key choosers: pinned draws, argument validation, and the Zipf sampler's
// frequencies against exact probabilities, for small n and for 10^8 keys.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "archsim/core/key_chooser.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

std::vector<std::uint64_t> draw(const KeyChooser& k, std::size_t n, std::uint64_t seed = 42,
                                std::string_view stream = "sample") {
  Rng rng(seed, stream);
  std::vector<std::uint64_t> out(n);
  for (auto& x : out) x = k.sample(rng);
  return out;
}

// Generalised harmonic number H(n, s) = sum_{k=1}^{n} k^-s. Summed directly
// (smallest terms first) up to 10^6 terms; beyond, the first 999 terms plus
// the Euler-Maclaurin formula for the rest (Abramowitz & Stegun 23.1.30) with
// the B2 and B4 corrections; the remainder is below 1e-20 for s >= 0.
double harmonic(double n, double s) {
  if (n <= 1e6) {
    double sum = 0;
    for (double k = n; k >= 1; --k) sum += std::pow(k, -s);
    return sum;
  }
  const double m = 1000;
  double sum = 0;
  for (double k = m - 1; k >= 1; --k) sum += std::pow(k, -s);
  const double integral = s == 1.0 ? std::log(n / m) : (std::pow(n, 1 - s) - std::pow(m, 1 - s)) / (1 - s);
  const double ends = (std::pow(m, -s) + std::pow(n, -s)) / 2;
  const double b2 = s / 12 * (std::pow(m, -s - 1) - std::pow(n, -s - 1));
  const double b4 = s * (s + 1) * (s + 2) / 720 * (std::pow(n, -s - 3) - std::pow(m, -s - 3));
  return sum + integral + ends + b2 + b4;
}

// Pearson's chi-square of the counts of keys 0..n-1 against Zipf(n, s)
// probabilities (k+1)^-s / H(n, s).
double zipf_chi_square(const std::vector<std::uint64_t>& keys, std::uint64_t n, double s) {
  std::vector<double> counts(n, 0.0);
  for (auto k : keys) ++counts[k];
  const double h = harmonic(static_cast<double>(n), s), total = static_cast<double>(keys.size());
  double chi2 = 0;
  for (std::uint64_t k = 0; k < n; ++k) {
    const double expected = total * std::pow(static_cast<double>(k + 1), -s) / h;
    chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
  }
  return chi2;
}

// 0.999 quantile of chi-square with 9 degrees of freedom (NIST/SEMATECH
// e-Handbook of Statistical Methods, table 1.3.6.7.4).
constexpr double kChi2Df9 = 27.877;

}  // namespace

TEST_CASE("core::KeyChooser: the first draws are pinned", "[core][quick]") {
  // Seed 42, stream "sample", generated once from this code: a change here
  // changes every fingerprint that involves keys.
  SECTION("UniformKeys") {
    CHECK(draw(KeyChooser::uniform(1000), 8) == std::vector<std::uint64_t>{32, 216, 253, 351, 804, 482, 459, 398});
  }
  SECTION("Zipf(1000, 0.9)") {
    CHECK(draw(KeyChooser::zipf(1000, 0.9), 8) == std::vector<std::uint64_t>{841, 297, 236, 127, 3, 52, 61, 93});
  }
  SECTION("Zipf(10^8, 0.99)") {
    CHECK(draw(KeyChooser::zipf(100'000'000, 0.99), 8) ==
          std::vector<std::uint64_t>{57006916, 2207627, 1115259, 187194, 29, 16252, 24875, 77897});
  }
  SECTION("Zipf(1000, 0)") {
    CHECK(draw(KeyChooser::zipf(1000, 0.0), 8) == std::vector<std::uint64_t>{967, 783, 746, 648, 195, 517, 540, 601});
  }
}

TEST_CASE("core::KeyChooser: bad arguments name the parameter and its range", "[core][quick]") {
  CHECK_THROWS_WITH(KeyChooser::uniform(0), Contains("UniformKeys") && Contains("n must be in [1, 2^53]"));
  CHECK_THROWS_WITH(KeyChooser::zipf(0, 1.0), Contains("Zipf") && Contains("n must be in [1, 2^53]"));
  CHECK_THROWS_WITH(KeyChooser::zipf((1ull << 53) + 1, 1.0), Contains("n must be in [1, 2^53]"));
  for (double bad : {-0.1, 100.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
    INFO("exponent " << bad);
    CHECK_THROWS_WITH(KeyChooser::zipf(10, bad), Contains("exponent must be in [0, 100]"));
  }
}

TEST_CASE("core::KeyChooser: accessors and describe() report the parameters", "[core][quick]") {
  const auto z = KeyChooser::zipf(1000, 0.9);
  CHECK(z.size() == 1000u);
  CHECK(z.is_zipf());
  CHECK(z.exponent() == 0.9);
  CHECK(z.describe() == "Zipf(n=1000, exponent=0.9)");
  CHECK_FALSE(KeyChooser::uniform(5).is_zipf());
  CHECK(KeyChooser::uniform(5).describe() == "UniformKeys(n=5)");
  CHECK(KeyChooser().size() == 1u);
}

TEST_CASE("core::KeyChooser: draws stay below n at the extremes of n and exponent", "[core][quick]") {
  SECTION("Zipf for n in {1, 2, 3, 2^53} and exponents 0 .. 100") {
    Rng rng(3, "extremes");
    for (std::uint64_t n : {1ull, 2ull, 3ull, 1ull << 53}) {
      for (double s : {0.0, 0.5, 1.0, 2.0, 100.0}) {
        INFO("Zipf(" << n << ", " << s << ")");
        const auto z = KeyChooser::zipf(n, s);
        bool in_range = true;
        for (int i = 0; i < 2000; ++i) in_range = in_range && z.sample(rng) < n;
        CHECK(in_range);
      }
    }
  }
  SECTION("n = 1 always gives key 0") {
    const auto keys = draw(KeyChooser::zipf(1, 0.9), 100);
    CHECK(std::all_of(keys.begin(), keys.end(), [](auto k) { return k == 0; }));
  }
  SECTION("exponent 100 puts essentially all mass on key 0") {
    // P(key 0) = 1 / H(n, 100) = 1 - 2^-100 - ...
    const auto keys = draw(KeyChooser::zipf(1ull << 53, 100.0), 1000);
    CHECK(std::all_of(keys.begin(), keys.end(), [](auto k) { return k == 0; }));
  }
  SECTION("UniformKeys over 2^53 keys reaches the top half") {
    const auto keys = draw(KeyChooser::uniform(1ull << 53), 1000);
    CHECK(std::all_of(keys.begin(), keys.end(), [](auto k) { return k < (1ull << 53); }));
    CHECK(std::any_of(keys.begin(), keys.end(), [](auto k) { return k >= (1ull << 52); }));
  }
}

TEST_CASE("core::KeyChooser: harmonic() used by these tests agrees with direct summation", "[core][quick]") {
  // Guards the test helper itself: Euler-Maclaurin vs summing 2 * 10^6 terms.
  for (double s : {0.0, 0.5, 0.9, 1.0, 1.5}) {
    double direct = 0;
    for (double k = 2e6; k >= 1; --k) direct += std::pow(k, -s);
    INFO("s = " << s);
    CHECK(harmonic(2e6, s) == Approx(direct).epsilon(1e-12));
  }
  CHECK(harmonic(10, 1.0) == Approx(7381.0 / 2520));  // H_10
}

TEST_CASE("core::KeyChooser: Zipf over 10 keys matches the exact probabilities", "[core][slow]") {
  // P(key k) = (k+1)^-s / H(10, s). Pearson's chi-square of 10^6 draws has 9
  // degrees of freedom; we require it below the 0.999 quantile, 27.877.
  constexpr std::size_t draws = 1'000'000;
  SECTION("for exponents 0, 0.5, 0.9, 1, 1.5 and 3") {
    for (double s : {0.0, 0.5, 0.9, 1.0, 1.5, 3.0}) {
      INFO("exponent " << s);
      const auto keys = draw(KeyChooser::zipf(10, s), draws, 17, "zipf10");
      CHECK(*std::max_element(keys.begin(), keys.end()) < 10u);
      CHECK(zipf_chi_square(keys, 10, s) < kChi2Df9);
    }
  }
  SECTION("the test has power: exponent 0.9 is told apart from 0.92") {
    const auto keys = draw(KeyChooser::zipf(10, 0.9), draws, 17, "zipf10");
    CHECK(zipf_chi_square(keys, 10, 0.92) > kChi2Df9);
  }
  SECTION("UniformKeys(10) gives each key equally often") {
    const auto keys = draw(KeyChooser::uniform(10), draws, 17, "uniform10");
    CHECK(zipf_chi_square(keys, 10, 0.0) < kChi2Df9);
  }
}

TEST_CASE("core::KeyChooser: Zipf over 10^8 keys has the exact head and tail mass", "[core][slow]") {
  // P(key 0) = 1 / H(n, s), P(key 1) = 2^-s / H(n, s) and
  // P(key >= 10^7) = 1 - H(10^7, s) / H(10^8, s), with H computed by
  // harmonic() above. Each observed frequency is binomial with standard error
  // sqrt(p(1-p)/N); we allow 5 standard errors.
  constexpr std::uint64_t n = 100'000'000;
  constexpr std::size_t draws = 1'000'000;
  for (double s : {0.9, 1.0}) {
    INFO("exponent " << s);
    const auto keys = draw(KeyChooser::zipf(n, s), draws, 23, "zipf1e8");
    const double h = harmonic(1e8, s);
    const auto freq = [&](auto pred) {
      return static_cast<double>(std::count_if(keys.begin(), keys.end(), pred)) / static_cast<double>(draws);
    };
    const auto tolerance = [&](double p) { return 5 * std::sqrt(p * (1 - p) / static_cast<double>(draws)); };
    CHECK(*std::max_element(keys.begin(), keys.end()) < n);
    const double p0 = 1 / h, p1 = std::pow(2.0, -s) / h, tail = 1 - harmonic(1e7, s) / h;
    CHECK(std::fabs(freq([](auto k) { return k == 0; }) - p0) < tolerance(p0));
    CHECK(std::fabs(freq([](auto k) { return k == 1; }) - p1) < tolerance(p1));
    CHECK(std::fabs(freq([](auto k) { return k >= 10'000'000; }) - tail) < tolerance(tail));
  }
}

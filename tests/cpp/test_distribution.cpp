// Distributions: known answers that lock every sampler, argument validation,
// the closed-form moments, and statistical checks of the samplers against
// those moments and against exact CDFs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "ks_statistic.hpp"

using namespace archsim;
using Catch::Contains;

namespace {

std::vector<double> draw(const Distribution& d, std::size_t n, std::uint64_t seed = 42,
                         std::string_view stream = "sample") {
  Rng rng(seed, stream);
  std::vector<double> out(n);
  for (double& x : out) x = d.sample(rng);
  return out;
}

// Every value equal to the pinned one within 1e-12 relative.
void check_known_answers(const Distribution& d, const std::vector<double>& expected) {
  const auto got = draw(d, expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO(d.describe() << " draw " << i);
    CHECK(got[i] == Approx(expected[i]).epsilon(1e-12));
  }
}

double phi_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }
double phi_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi); }

}  // namespace

TEST_CASE("core::Distribution: the first draws of every kind are pinned", "[core][quick]") {
  // Seed 42, stream "sample" (what the Python sample() uses). Generated once
  // from this code and pinned: a change here changes every fingerprint.
  SECTION("Const") { check_known_answers(Distribution::constant(0.25), {0.25, 0.25, 0.25, 0.25, 0.25}); }
  SECTION("Uniform") {
    check_known_answers(Distribution::uniform(1.0, 3.0), {1.0647233045668001, 1.4321031298795186, 1.5077545109336845,
                                                          1.7030594821853375, 2.6093399287116501});
  }
  SECTION("Exp") {
    check_known_answers(Distribution::exponential(0.005),
                        {0.0001954109658210386, 0.00076764314806259011, 0.0030622634095120427, 0.0025965193499026457,
                         0.0079580761138807726});
  }
  SECTION("Erlang") {
    check_known_answers(Distribution::erlang(3, 0.006),
                        {0.0016101270093582685, 0.0059449118585672631, 0.0047822242199504605, 0.0013103179993609411,
                         0.0090069310840338798});
  }
  SECTION("Gamma with shape < 1") {
    check_known_answers(Distribution::gamma(0.5, 2.0), {0.0023484365808749781, 0.39451965704865843, 0.86095800111379417,
                                                        1.3155824359293882, 0.3664410211291958});
  }
  SECTION("Gamma with shape > 1") {
    check_known_answers(Distribution::gamma(2.5, 0.4), {1.2358701389681954, 1.1861847355348842, 0.40004570457338906,
                                                        0.47912452708165276, 0.8767910021614006});
  }
  SECTION("Normal (truncated at 0)") {
    check_known_answers(Distribution::normal(1.0, 0.5), {1.2772571910651862, 0.50694527991595062, 0.67236250279072551,
                                                         0.49842955698390579, 1.1561650885295478});
  }
  SECTION("LogNormal by mu and sigma") {
    check_known_answers(Distribution::lognormal(-5.0, 0.5),
                        {0.0088907594208708276, 0.0041152540052637882, 0.0048555276702166696, 0.0040803584337474209,
                         0.0078767892677876431});
  }
  SECTION("LogNormal by median and p99") {
    check_known_answers(Distribution::lognormal_median_p99(0.001, 0.01),
                        {0.0017312613091643296, 0.00037680152168953121, 0.00052278677015936534,
                         0.00037050283820875781, 0.0013622528547543177});
  }
  SECTION("Pareto") {
    check_known_answers(Distribution::pareto(1.5, 0.001),
                        {0.0098472026419176503, 0.0027773357794610085, 0.0024941207192909942, 0.0020076682477618859,
                         0.0011559032178904386});
  }
  SECTION("HyperExp") {
    check_known_answers(Distribution::hyperexp({0.9, 0.1}, {0.001, 0.01}),
                        {0.00015352862961251802, 0.00051930386998052917, 0.00086153683652694785, 0.00078894946323498721,
                         0.0015305312270647109});
  }
  SECTION("Mixture") {
    const auto d = Distribution::mixture({0.7, 0.3}, {Distribution::exponential(0.001), Distribution::uniform(0.002, 0.004)});
    check_known_answers(d, {0.00015352862961251802, 0.00051930386998052917, 0.002964909558471061, 0.00078894946323498721,
                            0.0022105238322044567});
  }
  SECTION("Empirical") {
    check_known_answers(Distribution::empirical({0.1, 0.2, 0.3, 0.4, 0.5}), {0.1, 0.2, 0.2, 0.2, 0.5});
  }
  SECTION("standard_normal") {
    Rng rng(42, "sample");
    CHECK(standard_normal(rng) == Approx(0.55451438213037252).epsilon(1e-12));
    CHECK(standard_normal(rng) == Approx(-0.98610944016809887).epsilon(1e-12));
    CHECK(standard_normal(rng) == Approx(-0.65527499441854897).epsilon(1e-12));
  }
}

TEST_CASE("core::Distribution: a copy draws the same values as the original", "[core][quick]") {
  const auto original = Distribution::mixture(
      {1, 2, 3}, {Distribution::hyperexp({0.5, 0.5}, {1, 2}), Distribution::empirical({1, 2, 3}), Distribution::gamma(0.3, 1)});
  const Distribution copy = original;  // shares the immutable table
  CHECK(draw(copy, 1000, 3, "copy") == draw(original, 1000, 3, "copy"));
  CHECK(draw(original, 1000, 3, "copy") != draw(original, 1000, 4, "copy"));
}

TEST_CASE("core::Distribution: factories reject bad arguments naming the parameter and range", "[core][quick]") {
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  SECTION("Const") {
    CHECK_THROWS_WITH(Distribution::constant(-1), Contains("Const") && Contains("value") && Contains(">= 0"));
    CHECK_THROWS_AS(Distribution::constant(nan), std::invalid_argument);
  }
  SECTION("Uniform") {
    CHECK_THROWS_WITH(Distribution::uniform(-1, 1), Contains("low") && Contains(">= 0"));
    CHECK_THROWS_WITH(Distribution::uniform(2, 1), Contains("high") && Contains(">= low (2)"));
    CHECK_THROWS_AS(Distribution::uniform(0, inf), std::invalid_argument);
  }
  SECTION("Exp") {
    for (double bad : {0.0, -1.0, nan, inf}) CHECK_THROWS_WITH(Distribution::exponential(bad), Contains("mean") && Contains("> 0"));
  }
  SECTION("Erlang") {
    CHECK_THROWS_WITH(Distribution::erlang(0, 1), Contains("k") && Contains("[1, 1000]"));
    CHECK_THROWS_WITH(Distribution::erlang(1001, 1), Contains("k") && Contains("[1, 1000]"));
    CHECK_THROWS_WITH(Distribution::erlang(2, -1), Contains("mean") && Contains("> 0"));
  }
  SECTION("Gamma") {
    CHECK_THROWS_WITH(Distribution::gamma(0, 1), Contains("shape") && Contains("> 0"));
    CHECK_THROWS_WITH(Distribution::gamma(1, -2), Contains("scale") && Contains("> 0"));
  }
  SECTION("Normal") {
    CHECK_THROWS_WITH(Distribution::normal(0, 1), Contains("mean") && Contains("> 0"));
    CHECK_THROWS_WITH(Distribution::normal(1, -1), Contains("stddev") && Contains(">= 0"));
  }
  SECTION("LogNormal") {
    CHECK_THROWS_WITH(Distribution::lognormal(nan, 1), Contains("mu") && Contains("finite"));
    CHECK_THROWS_WITH(Distribution::lognormal(0, -1), Contains("sigma") && Contains(">= 0"));
    CHECK_THROWS_WITH(Distribution::lognormal_median_p99(0, 1), Contains("median") && Contains("> 0"));
    CHECK_THROWS_WITH(Distribution::lognormal_median_p99(0.01, 0.001), Contains("p99") && Contains("> median"));
    CHECK_THROWS_WITH(Distribution::lognormal_median_p99(0.01, 0.01), Contains("p99") && Contains("> median"));
  }
  SECTION("Pareto") {
    CHECK_THROWS_WITH(Distribution::pareto(0, 1), Contains("shape") && Contains("> 0"));
    CHECK_THROWS_WITH(Distribution::pareto(1, 0), Contains("scale") && Contains("> 0"));
  }
  SECTION("HyperExp") {
    CHECK_THROWS_WITH(Distribution::hyperexp({1}, {1, 2}), Contains("same length"));
    CHECK_THROWS_WITH(Distribution::hyperexp({}, {}), Contains("probabilities") && Contains("empty"));
    CHECK_THROWS_WITH(Distribution::hyperexp({-0.5, 1.5}, {1, 2}), Contains("probabilities") && Contains(">= 0"));
    CHECK_THROWS_WITH(Distribution::hyperexp({0, 0}, {1, 2}), Contains("probabilities") && Contains("positive total"));
    CHECK_THROWS_WITH(Distribution::hyperexp({1, 1}, {1, 0}), Contains("means") && Contains("> 0"));
  }
  SECTION("Mixture") {
    CHECK_THROWS_WITH(Distribution::mixture({1, 2}, {Distribution::constant(1)}), Contains("weights") && Contains("same length"));
    CHECK_THROWS_WITH(Distribution::mixture({}, {}), Contains("weights") && Contains("empty"));
    CHECK_THROWS_WITH(Distribution::mixture({nan}, {Distribution::constant(1)}), Contains("weights") && Contains("finite"));
  }
  SECTION("Empirical") {
    CHECK_THROWS_WITH(Distribution::empirical({}), Contains("values") && Contains("empty"));
    CHECK_THROWS_WITH(Distribution::empirical({1, -1}), Contains("values") && Contains(">= 0"));
  }
}

TEST_CASE("core::Distribution: mean() and variance() follow the closed forms", "[core][quick]") {
  // Closed forms from Johnson, Kotz & Balakrishnan, "Continuous Univariate
  // Distributions" (truncated normal: vol. 1, eq. 13.134-13.135).
  SECTION("Erlang and Gamma: mean k*theta, variance k*theta^2") {
    CHECK(*Distribution::erlang(3, 0.006).mean() == Approx(0.006));
    CHECK(*Distribution::erlang(3, 0.006).variance() == Approx(3 * 0.002 * 0.002));
    CHECK(*Distribution::gamma(0.5, 2).mean() == Approx(1.0));
    CHECK(*Distribution::gamma(0.5, 2).variance() == Approx(2.0));
  }
  SECTION("Normal truncated at 0: mean mu + sigma*phi(a)/(1-Phi(a)), a = -mu/sigma") {
    const double lambda = phi_pdf(-1.0) / (1 - phi_cdf(-1.0));
    CHECK(*Distribution::normal(1, 1).mean() == Approx(1 + lambda));
    CHECK(*Distribution::normal(1, 1).variance() == Approx(1 + (-1) * lambda - lambda * lambda));
    CHECK(*Distribution::normal(50, 1).mean() == Approx(50).epsilon(1e-12));  // truncation negligible
    CHECK(*Distribution::normal(3, 0).mean() == 3.0);
    CHECK(*Distribution::normal(3, 0).variance() == 0.0);
  }
  SECTION("LogNormal: median/p99 gives sigma = ln(p99/median) / Phi^-1(0.99)") {
    const double sigma = std::log(10.0) / 2.3263478740408408;
    const auto d = Distribution::lognormal_median_p99(0.001, 0.01);
    CHECK(*d.mean() == Approx(0.001 * std::exp(sigma * sigma / 2)).epsilon(1e-12));
    CHECK(*d.variance() == Approx((std::exp(sigma * sigma) - 1) * 1e-6 * std::exp(sigma * sigma)).epsilon(1e-12));
  }
  SECTION("Pareto: infinite mean for shape <= 1, infinite variance for shape <= 2") {
    CHECK_FALSE(Distribution::pareto(1.0, 1).mean().has_value());
    CHECK_FALSE(Distribution::pareto(0.5, 1).variance().has_value());
    CHECK(*Distribution::pareto(1.5, 2).mean() == Approx(6.0));
    CHECK_FALSE(Distribution::pareto(1.5, 2).variance().has_value());
    CHECK_FALSE(Distribution::pareto(2.0, 2).variance().has_value());
    CHECK(*Distribution::pareto(3, 1).variance() == Approx(0.75));
  }
  SECTION("HyperExp: E[X^2] = sum p_i * 2 m_i^2") {
    const auto d = Distribution::hyperexp({0.9, 0.1}, {0.001, 0.01});
    CHECK(*d.mean() == Approx(0.0019));
    CHECK(*d.variance() == Approx(2 * (0.9e-6 + 0.1e-4) - 0.0019 * 0.0019));
  }
  SECTION("Mixture: weights are normalised; an infinite component mean propagates") {
    const auto d = Distribution::mixture({1, 3}, {Distribution::constant(2), Distribution::uniform(0, 4)});
    CHECK(*d.mean() == Approx(2.0));
    CHECK(*d.variance() == Approx(0.75 * 16.0 / 12));
    CHECK_FALSE(Distribution::mixture({1, 1}, {Distribution::constant(1), Distribution::pareto(1, 1)}).mean().has_value());
  }
  SECTION("Empirical: the population mean and variance of the values") {
    const auto d = Distribution::empirical({1, 2, 3, 6});
    CHECK(*d.mean() == Approx(3.0));
    CHECK(*d.variance() == Approx(3.5));
  }
}

TEST_CASE("core::Distribution: degenerate parameters give constants", "[core][quick]") {
  Rng rng(1, "degenerate");
  const auto zero_width = Distribution::uniform(2, 2);
  const auto fixed_normal = Distribution::normal(3, 0);
  const auto fixed_lognormal = Distribution::lognormal(1, 0);
  const auto single = Distribution::empirical({7});
  for (int i = 0; i < 100; ++i) {
    CHECK(zero_width.sample(rng) == 2.0);
    CHECK(fixed_normal.sample(rng) == 3.0);
    CHECK(fixed_lognormal.sample(rng) == Approx(std::numbers::e));
    CHECK(single.sample(rng) == 7.0);
  }
}

TEST_CASE("core::Distribution: sample mean and variance match mean() and variance()", "[core][slow]") {
  // With n i.i.d. draws the sample mean has standard error sqrt(var / n) and
  // the sample variance sqrt((mu4 - var^2) / n), mu4 the fourth central
  // moment (Kendall & Stuart, "The Advanced Theory of Statistics" vol. 1,
  // 10.5-10.8); mu4 is estimated from the same sample. We allow 5 standard
  // errors. The variance check is skipped where mu4 is infinite.
  struct Case {
    Distribution d;
    bool check_variance;
  };
  const std::vector<Case> cases = {
      {Distribution::uniform(1, 3), true},
      {Distribution::exponential(0.005), true},
      {Distribution::erlang(3, 0.006), true},
      {Distribution::gamma(0.5, 2.0), true},
      {Distribution::gamma(2.5, 0.4), true},
      {Distribution::normal(1.0, 1.0), true},  // 16% of the mass truncated
      {Distribution::normal(1.0, 0.2), true},
      {Distribution::lognormal(-5.0, 0.5), true},
      {Distribution::lognormal_median_p99(0.001, 0.01), true},
      {Distribution::pareto(5.0, 0.001), true},
      {Distribution::pareto(2.5, 0.001), false},  // finite variance, infinite mu4
      {Distribution::hyperexp({0.9, 0.1}, {0.001, 0.01}), true},
      {Distribution::mixture({0.7, 0.3}, {Distribution::exponential(0.001), Distribution::uniform(0.002, 0.004)}), true},
      {Distribution::empirical({0.1, 0.2, 0.2, 0.5, 1.5}), true},
  };
  constexpr std::size_t n = 1'000'000;
  for (const auto& c : cases) {
    INFO(c.d.describe());
    const auto xs = draw(c.d, n, 2024, c.d.describe());
    double sum = 0;
    for (double x : xs) sum += x;
    const double m = sum / n;
    double m2 = 0, m4 = 0;
    for (double x : xs) {
      const double dev2 = (x - m) * (x - m);
      m2 += dev2, m4 += dev2 * dev2;
    }
    m2 /= n, m4 /= n;
    const double mean = *c.d.mean(), var = *c.d.variance();
    CHECK(std::fabs(m - mean) <= 5 * std::sqrt(var / n));
    if (c.check_variance) CHECK(std::fabs(m2 - var) <= 5 * std::sqrt((m4 - m2 * m2) / n));
  }
  const auto consts = draw(Distribution::constant(0.25), 1000);
  CHECK(std::all_of(consts.begin(), consts.end(), [](double x) { return x == 0.25; }));
}

TEST_CASE("core::Distribution: samples pass a Kolmogorov-Smirnov test against the exact CDF", "[core][slow]") {
  // Kolmogorov-Smirnov: sqrt(n) * sup|F_n - F| is below 1.63 with probability
  // 0.99 when the sample comes from F (Kolmogorov 1933; Stephens 1974). The
  // CDFs are written out here, independently of the library:
  //   Gamma: regularised lower incomplete gamma P(a, x/theta), with
  //     P(1/2, y) = erf(sqrt(y)) and P(a+1, y) = P(a, y) - y^a e^-y / Gamma(a+1)
  //     (Abramowitz & Stegun 6.5.17, 6.5.21); Erlang: P(k, y) = 1 - e^-y sum_{i<k} y^i/i!.
  //   Normal truncated at 0: (Phi((x-mu)/s) - Phi(-mu/s)) / (1 - Phi(-mu/s)).
  constexpr std::size_t n = 200'000;
  const double sqrt_pi = std::sqrt(std::numbers::pi);
  auto gamma_half = [](double y) { return std::erf(std::sqrt(y)); };
  auto gamma_3_2 = [=](double y) { return gamma_half(y) - std::sqrt(y) * std::exp(-y) / (sqrt_pi / 2); };
  auto gamma_5_2 = [=](double y) { return gamma_3_2(y) - std::pow(y, 1.5) * std::exp(-y) / (3 * sqrt_pi / 4); };
  auto truncated_normal = [](double mu, double s) {
    return [=](double x) { return (phi_cdf((x - mu) / s) - phi_cdf(-mu / s)) / (1 - phi_cdf(-mu / s)); };
  };
  struct Case {
    Distribution d;
    std::function<double(double)> cdf;
  };
  const std::vector<Case> cases = {
      {Distribution::exponential(0.005), [](double x) { return -std::expm1(-x / 0.005); }},
      {Distribution::uniform(1, 3), [](double x) { return std::clamp((x - 1) / 2, 0.0, 1.0); }},
      {Distribution::lognormal(-5, 0.5), [](double x) { return phi_cdf((std::log(x) + 5) / 0.5); }},
      {Distribution::lognormal(0, 2), [](double x) { return phi_cdf(std::log(x) / 2); }},
      {Distribution::pareto(1.5, 0.001), [](double x) { return x < 0.001 ? 0.0 : 1 - std::pow(0.001 / x, 1.5); }},
      {Distribution::pareto(0.7, 2), [](double x) { return x < 2 ? 0.0 : 1 - std::pow(2 / x, 0.7); }},
      {Distribution::gamma(0.5, 2.0), [=](double x) { return gamma_half(x / 2.0); }},
      {Distribution::gamma(2.5, 0.4), [=](double x) { return gamma_5_2(x / 0.4); }},
      {Distribution::gamma(1.0, 3.0), [](double x) { return -std::expm1(-x / 3.0); }},
      {Distribution::erlang(3, 0.006),
       [](double x) {
         const double y = x / 0.002;
         return 1 - std::exp(-y) * (1 + y + y * y / 2);
       }},
      {Distribution::normal(1.0, 1.0), truncated_normal(1.0, 1.0)},
      {Distribution::normal(0.1, 1.0), truncated_normal(0.1, 1.0)},
      {Distribution::normal(5.0, 0.5), truncated_normal(5.0, 0.5)},
      {Distribution::hyperexp({0.9, 0.1}, {0.001, 0.01}),
       [](double x) { return 0.9 * -std::expm1(-x / 0.001) + 0.1 * -std::expm1(-x / 0.01); }},
      {Distribution::mixture({0.7, 0.3}, {Distribution::exponential(0.001), Distribution::uniform(0.002, 0.004)}),
       [](double x) { return 0.7 * -std::expm1(-x / 0.001) + 0.3 * std::clamp((x - 0.002) / 0.002, 0.0, 1.0); }},
  };
  SECTION("every continuous kind") {
    for (const auto& c : cases) {
      INFO(c.d.describe());
      CHECK(ks_statistic(draw(c.d, n, 7, c.d.describe()), c.cdf) < kKsCritical);
    }
  }
  SECTION("the test has power: a mean 3% off is rejected") {
    const auto xs = draw(Distribution::exponential(0.005), n, 7, "ks");
    CHECK(ks_statistic(xs, [](double x) { return -std::expm1(-x / (0.005 * 1.03)); }) > kKsCritical);
  }
}

TEST_CASE("core::Distribution: LogNormal by median and p99 puts those quantiles in place", "[core][quick]") {
  // The fraction of draws <= the q-quantile is binomial with standard error
  // sqrt(q(1-q)/n); 5 standard errors.
  constexpr std::size_t n = 400'000;
  const auto xs = draw(Distribution::lognormal_median_p99(0.002, 0.05), n, 9, "quantiles");
  const auto below = [&](double v) {
    return static_cast<double>(std::count_if(xs.begin(), xs.end(), [=](double x) { return x <= v; })) / n;
  };
  CHECK(std::fabs(below(0.002) - 0.5) < 5 * std::sqrt(0.25 / n));
  CHECK(std::fabs(below(0.05) - 0.99) < 5 * std::sqrt(0.99 * 0.01 / n));
}

TEST_CASE("core::Distribution: Empirical and Mixture pick entries with their weights", "[core][quick]") {
  // Each frequency is binomial: standard error sqrt(p(1-p)/n); 5 standard errors.
  constexpr std::size_t n = 300'000;
  SECTION("Empirical resamples the values uniformly, so repeats weigh more") {
    const auto xs = draw(Distribution::empirical({1, 2, 2, 3, 3, 3}), n, 10, "empirical");
    for (double v : {1.0, 2.0, 3.0}) {
      const double p = v / 6;
      const double f = static_cast<double>(std::count(xs.begin(), xs.end(), v)) / n;
      INFO("value " << v);
      CHECK(std::fabs(f - p) < 5 * std::sqrt(p * (1 - p) / n));
    }
    CHECK(static_cast<std::size_t>(std::count(xs.begin(), xs.end(), 1.0) + std::count(xs.begin(), xs.end(), 2.0) +
                                   std::count(xs.begin(), xs.end(), 3.0)) == n);
  }
  SECTION("Mixture: zero-weight components are never drawn") {
    const auto d = Distribution::mixture({0, 1, 0, 3, 0},
                                         {Distribution::constant(10), Distribution::constant(1), Distribution::constant(20),
                                          Distribution::constant(2), Distribution::constant(30)});
    const auto xs = draw(d, n, 11, "mixture");
    const double f1 = static_cast<double>(std::count(xs.begin(), xs.end(), 1.0)) / n;
    CHECK(std::count(xs.begin(), xs.end(), 1.0) + std::count(xs.begin(), xs.end(), 2.0) == static_cast<long>(n));
    CHECK(std::fabs(f1 - 0.25) < 5 * std::sqrt(0.25 * 0.75 / n));
  }
}

TEST_CASE("core::Distribution: describe() names the kind and parameters", "[core][quick]") {
  CHECK(Distribution::exponential(0.005).describe() == "Exp(mean=0.005)");
  CHECK(Distribution::uniform(1, 3).describe() == "Uniform(1, 3)");
  CHECK(Distribution::erlang(3, 0.006).describe() == "Erlang(k=3, mean=0.006)");
  CHECK(Distribution::empirical({1, 2}).describe() == "Empirical(2 values)");
  CHECK(Distribution().describe() == "Const(0)");
}

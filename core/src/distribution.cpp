#include "archsim/core/distribution.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

#include "archsim/core/exponential.hpp"

namespace archsim {

// Parameters per kind (a_, b_, c_):
//   Const: value | Uniform: low, high-low | Exp: mean | Erlang: k, mean/k
//   Gamma: shape, scale | Normal: mean, sd, 1 - Phi(-mean/sd) | LogNormal: mu, sigma
//   Pareto: shape, scale | HyperExp, Mixture, Empirical: table_
struct Distribution::Table {
  std::vector<double> cumulative;  // cumulative weights, last == 1
  std::vector<double> values;      // HyperExp: means; Empirical: the sample
  std::vector<Distribution> components;
};

namespace {

constexpr double kZ99 = 2.3263478740408408;  // Phi^-1(0.99)

void require(bool ok, std::string_view dist, std::string_view param, std::string_view range, double got) {
  if (!ok)
    throw std::invalid_argument(fmt::format("{}: {} must be {}, got {}", dist, param, range, got));
}

std::vector<double> cumulative_weights(std::string_view dist, std::string_view param,
                                       const std::vector<double>& w) {
  if (w.empty()) throw std::invalid_argument(fmt::format("{}: {} must not be empty", dist, param));
  double total = 0;
  for (double x : w) {
    require(std::isfinite(x) && x >= 0, dist, param, "finite and >= 0 each", x);
    total += x;
  }
  require(total > 0, dist, param, "of positive total", total);
  std::vector<double> c;
  double run = 0;
  for (double x : w) c.push_back((run += x) / total);
  c.back() = 1.0;
  return c;
}

double phi(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi); }
double upper_tail(double x) { return 0.5 * std::erfc(x / std::numbers::sqrt2); }

}  // namespace

double standard_normal(Rng& rng) {
  const double r = std::sqrt(-2.0 * std::log(rng.uniform_pos()));
  return r * std::cos(2.0 * std::numbers::pi * rng.uniform());
}

Distribution Distribution::constant(double value) {
  require(std::isfinite(value) && value >= 0, "Const", "value", "finite and >= 0", value);
  return {Kind::kConst, value, 0, 0};
}

Distribution Distribution::uniform(double low, double high) {
  require(std::isfinite(low) && low >= 0, "Uniform", "low", "finite and >= 0", low);
  require(std::isfinite(high) && high >= low, "Uniform", "high", fmt::format("finite and >= low ({})", low), high);
  return {Kind::kUniform, low, high - low, 0};
}

Distribution Distribution::exponential(double mean) {
  require(std::isfinite(mean) && mean > 0, "Exp", "mean", "finite and > 0", mean);
  return {Kind::kExp, mean, 0, 0};
}

Distribution Distribution::erlang(int k, double mean) {
  require(k >= 1 && k <= 1000, "Erlang", "k", "an integer in [1, 1000]", k);
  require(std::isfinite(mean) && mean > 0, "Erlang", "mean", "finite and > 0", mean);
  return {Kind::kErlang, static_cast<double>(k), mean / k, 0};
}

Distribution Distribution::gamma(double shape, double scale) {
  require(std::isfinite(shape) && shape > 0, "Gamma", "shape", "finite and > 0", shape);
  require(std::isfinite(scale) && scale > 0, "Gamma", "scale", "finite and > 0", scale);
  return {Kind::kGamma, shape, scale, 0};
}

Distribution Distribution::normal(double mean, double stddev) {
  require(std::isfinite(mean) && mean > 0, "Normal", "mean", "finite and > 0 (it is truncated at 0)", mean);
  require(std::isfinite(stddev) && stddev >= 0, "Normal", "stddev", "finite and >= 0", stddev);
  const double kept = stddev > 0 ? upper_tail(-mean / stddev) : 1.0;
  return {Kind::kNormal, mean, stddev, kept};
}

Distribution Distribution::lognormal(double mu, double sigma) {
  require(std::isfinite(mu), "LogNormal", "mu", "finite", mu);
  require(std::isfinite(sigma) && sigma >= 0, "LogNormal", "sigma", "finite and >= 0", sigma);
  return {Kind::kLogNormal, mu, sigma, 0};
}

Distribution Distribution::lognormal_median_p99(double median, double p99) {
  require(std::isfinite(median) && median > 0, "LogNormal", "median", "finite and > 0", median);
  require(std::isfinite(p99) && p99 > median, "LogNormal", "p99",
          fmt::format("finite and > median ({})", median), p99);
  const double mu = std::log(median);
  return {Kind::kLogNormal, mu, (std::log(p99) - mu) / kZ99, 0};
}

Distribution Distribution::pareto(double shape, double scale) {
  require(std::isfinite(shape) && shape > 0, "Pareto", "shape", "finite and > 0", shape);
  require(std::isfinite(scale) && scale > 0, "Pareto", "scale", "finite and > 0", scale);
  return {Kind::kPareto, shape, scale, 0};
}

Distribution Distribution::hyperexp(const std::vector<double>& probabilities, const std::vector<double>& means) {
  if (probabilities.size() != means.size())
    throw std::invalid_argument(fmt::format("HyperExp: probabilities ({}) and means ({}) must have the same length",
                                            probabilities.size(), means.size()));
  auto table = std::make_shared<Table>();
  table->cumulative = cumulative_weights("HyperExp", "probabilities", probabilities);
  for (double m : means) require(std::isfinite(m) && m > 0, "HyperExp", "means", "finite and > 0 each", m);
  table->values = means;
  Distribution d{Kind::kHyperExp, 0, 0, 0};
  d.table_ = std::move(table);
  return d;
}

Distribution Distribution::mixture(const std::vector<double>& weights, const std::vector<Distribution>& components) {
  if (weights.size() != components.size())
    throw std::invalid_argument(fmt::format("Mixture: weights ({}) and components ({}) must have the same length",
                                            weights.size(), components.size()));
  auto table = std::make_shared<Table>();
  table->cumulative = cumulative_weights("Mixture", "weights", weights);
  table->components = components;
  Distribution d{Kind::kMixture, 0, 0, 0};
  d.table_ = std::move(table);
  return d;
}

Distribution Distribution::empirical(const std::vector<double>& values) {
  if (values.empty()) throw std::invalid_argument("Empirical: values must not be empty");
  for (double v : values) require(std::isfinite(v) && v >= 0, "Empirical", "values", "finite and >= 0 each", v);
  auto table = std::make_shared<Table>();
  table->values = values;
  Distribution d{Kind::kEmpirical, 0, 0, 0};
  d.table_ = std::move(table);
  return d;
}

std::size_t Distribution::pick(Rng& rng) const {
  const double u = rng.uniform();
  const auto& c = table_->cumulative;
  std::size_t i = 0;
  while (i + 1 < c.size() && u >= c[i]) ++i;
  return i;
}

// Marsaglia & Tsang (2000), "A simple method for generating gamma variables".
double Distribution::sample_gamma(Rng& rng, double shape) const {
  if (shape < 1.0) {
    const double boost = std::pow(rng.uniform_pos(), 1.0 / shape);
    return sample_gamma(rng, shape + 1.0) * boost;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = rng.uniform_pos();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Distribution::sample_other(Rng& rng) const {
  switch (kind_) {
    case Kind::kConst: return a_;
    case Kind::kUniform: return a_ + b_ * rng.uniform();
    case Kind::kExp: return a_ * standard_exponential(rng);  // for completeness: sample() draws it inline
    case Kind::kErlang: {
      double sum = 0;
      for (int i = 0; i < static_cast<int>(a_); ++i) sum += standard_exponential(rng);
      return b_ * sum;
    }
    case Kind::kGamma: return b_ * sample_gamma(rng, a_);
    case Kind::kNormal:
      for (;;) {  // rejection keeps at least half the draws since mean > 0
        const double x = a_ + b_ * standard_normal(rng);
        if (x >= 0) return x;
      }
    case Kind::kLogNormal: return std::exp(a_ + b_ * standard_normal(rng));
    case Kind::kPareto: return b_ / std::pow(rng.uniform_pos(), 1.0 / a_);
    case Kind::kHyperExp: {
      const double m = table_->values[pick(rng)];
      return m * standard_exponential(rng);
    }
    case Kind::kMixture: return table_->components[pick(rng)].sample(rng);
    case Kind::kEmpirical: return table_->values[rng.below(table_->values.size())];
  }
  return 0;  // unreachable: every kind returns above
}

std::optional<double> Distribution::mean() const {
  switch (kind_) {
    case Kind::kConst: return a_;
    case Kind::kUniform: return a_ + b_ / 2;
    case Kind::kExp: return a_;
    case Kind::kErlang: return a_ * b_;
    case Kind::kGamma: return a_ * b_;
    case Kind::kNormal: return b_ > 0 ? a_ + b_ * phi(-a_ / b_) / c_ : a_;
    case Kind::kLogNormal: return std::exp(a_ + b_ * b_ / 2);
    case Kind::kPareto:
      if (a_ <= 1) return std::nullopt;
      return a_ * b_ / (a_ - 1);
    case Kind::kHyperExp: {
      double m = 0, prev = 0;
      for (std::size_t i = 0; i < table_->values.size(); ++i) {
        m += (table_->cumulative[i] - prev) * table_->values[i];
        prev = table_->cumulative[i];
      }
      return m;
    }
    case Kind::kMixture: {
      double m = 0, prev = 0;
      for (std::size_t i = 0; i < table_->components.size(); ++i) {
        const auto mi = table_->components[i].mean();
        if (!mi) return std::nullopt;
        m += (table_->cumulative[i] - prev) * *mi;
        prev = table_->cumulative[i];
      }
      return m;
    }
    case Kind::kEmpirical: {
      double s = 0;
      for (double v : table_->values) s += v;
      return s / static_cast<double>(table_->values.size());
    }
  }
  return std::nullopt;
}

std::optional<double> Distribution::variance() const {
  const auto m = mean();
  if (!m) return std::nullopt;
  switch (kind_) {
    case Kind::kConst: return 0.0;
    case Kind::kUniform: return b_ * b_ / 12;
    case Kind::kExp: return a_ * a_;
    case Kind::kErlang: return a_ * b_ * b_;
    case Kind::kGamma: return a_ * b_ * b_;
    case Kind::kNormal: {
      if (b_ == 0) return 0.0;
      const double alpha = -a_ / b_, lambda = phi(alpha) / c_;
      return b_ * b_ * (1 + alpha * lambda - lambda * lambda);
    }
    case Kind::kLogNormal: return (std::exp(b_ * b_) - 1) * std::exp(2 * a_ + b_ * b_);
    case Kind::kPareto:
      if (a_ <= 2) return std::nullopt;
      return b_ * b_ * a_ / ((a_ - 1) * (a_ - 1) * (a_ - 2));
    case Kind::kHyperExp: {
      double second = 0, prev = 0;  // E[X^2] = sum p_i * 2 m_i^2
      for (std::size_t i = 0; i < table_->values.size(); ++i) {
        second += (table_->cumulative[i] - prev) * 2 * table_->values[i] * table_->values[i];
        prev = table_->cumulative[i];
      }
      return second - *m * *m;
    }
    case Kind::kMixture: {
      double second = 0, prev = 0;
      for (std::size_t i = 0; i < table_->components.size(); ++i) {
        const auto& comp = table_->components[i];
        const auto vi = comp.variance();
        if (!vi) return std::nullopt;
        second += (table_->cumulative[i] - prev) * (*vi + *comp.mean() * *comp.mean());
        prev = table_->cumulative[i];
      }
      return second - *m * *m;
    }
    case Kind::kEmpirical: {
      double s = 0;
      for (double v : table_->values) s += (v - *m) * (v - *m);
      return s / static_cast<double>(table_->values.size());
    }
  }
  return std::nullopt;
}

std::string Distribution::describe() const {
  switch (kind_) {
    case Kind::kConst: return fmt::format("Const({:g})", a_);
    case Kind::kUniform: return fmt::format("Uniform({:g}, {:g})", a_, a_ + b_);
    case Kind::kExp: return fmt::format("Exp(mean={:g})", a_);
    case Kind::kErlang: return fmt::format("Erlang(k={:g}, mean={:g})", a_, a_ * b_);
    case Kind::kGamma: return fmt::format("Gamma(shape={:g}, scale={:g})", a_, b_);
    case Kind::kNormal: return fmt::format("Normal(mean={:g}, stddev={:g})", a_, b_);
    case Kind::kLogNormal: return fmt::format("LogNormal(mu={:g}, sigma={:g})", a_, b_);
    case Kind::kPareto: return fmt::format("Pareto(shape={:g}, scale={:g})", a_, b_);
    case Kind::kHyperExp: return fmt::format("HyperExp({} phases)", table_->values.size());
    case Kind::kMixture: return fmt::format("Mixture({} components)", table_->components.size());
    case Kind::kEmpirical: return fmt::format("Empirical({} values)", table_->values.size());
  }
  return "?";
}

}  // namespace archsim

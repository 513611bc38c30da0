#pragma once
// Probability distributions implemented in the project (not std::*_distribution,
// whose output differs between standard libraries). Values are plain doubles;
// time-valued distributions are in seconds by convention.
//
// A Distribution is a small value type: a kind tag, three parameters and, for
// the table-driven kinds, a shared immutable table. sample() is one switch,
// after an inline test for the exponential, the commonest kind.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archsim/core/exponential.hpp"
#include "archsim/core/rng.hpp"

namespace archsim {

class Distribution {
 public:
  enum class Kind : std::uint8_t {
    kConst, kUniform, kExp, kErlang, kGamma, kNormal, kLogNormal, kPareto, kHyperExp, kMixture, kEmpirical
  };

  // Factories validate their arguments and throw std::invalid_argument naming
  // the parameter and its accepted range.
  static Distribution constant(double value);
  static Distribution uniform(double low, double high);
  static Distribution exponential(double mean);
  static Distribution erlang(int k, double mean);
  static Distribution gamma(double shape, double scale);
  static Distribution normal(double mean, double stddev);  // truncated at 0
  static Distribution lognormal(double mu, double sigma);
  static Distribution lognormal_median_p99(double median, double p99);
  static Distribution pareto(double shape, double scale);
  static Distribution hyperexp(const std::vector<double>& probabilities, const std::vector<double>& means);
  static Distribution mixture(const std::vector<double>& weights, const std::vector<Distribution>& components);
  static Distribution empirical(const std::vector<double>& values);

  Distribution() : Distribution(Kind::kConst, 0, 0, 0) {}

  double sample(Rng& rng) const { return kind_ == Kind::kExp ? a_ * standard_exponential(rng) : sample_other(rng); }
  std::optional<double> mean() const;      // nullopt when the mean is infinite
  std::optional<double> variance() const;  // nullopt when infinite
  Kind kind() const { return kind_; }
  std::string describe() const;  // "Exp(mean=0.005)"

 private:
  struct Table;  // weights and components of HyperExp / Mixture / Empirical

  Distribution(Kind kind, double a, double b, double c) : kind_(kind), a_(a), b_(b), c_(c) {}
  double sample_other(Rng& rng) const;  // every kind but kExp
  double sample_gamma(Rng& rng, double shape) const;
  std::size_t pick(Rng& rng) const;

  Kind kind_;
  double a_, b_, c_;  // meaning depends on kind_, see distribution.cpp
  std::shared_ptr<const Table> table_;
};

// Standard normal draw by Box-Muller (one of the pair; no hidden state).
double standard_normal(Rng& rng);

}  // namespace archsim

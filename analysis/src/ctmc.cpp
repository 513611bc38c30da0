#include "archsim/analysis/ctmc.hpp"

#include <Eigen/Dense>
#include <algorithm>

#include "argument_checks.hpp"

namespace archsim::analysis {

void validate_generator(const std::vector<std::vector<double>>& generator) {
  const std::size_t n = generator.size();
  if (n == 0) throw std::invalid_argument("ctmc_steady_state: the generator matrix Q must have at least one state");
  for (std::size_t i = 0; i < n; ++i) {
    if (generator[i].size() != n)
      throw std::invalid_argument(fmt::format(
          "ctmc_steady_state: Q must be square ({} x {}), but row {} has {} entries", n, n, i, generator[i].size()));
    double sum = 0, scale = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double q = generator[i][j];
      if (!std::isfinite(q))
        throw std::invalid_argument(fmt::format("ctmc_steady_state: Q[{}][{}] must be finite, got {:g}", i, j, q));
      if (i != j && q < 0)
        throw std::invalid_argument(fmt::format(
            "ctmc_steady_state: Q[{}][{}] = {:g} is a transition rate and must be >= 0 (off the diagonal)", i, j, q));
      sum += q;
      scale = std::max(scale, std::abs(q));
    }
    if (std::abs(sum) > 1e-9 * std::max(scale, 1e-300) * static_cast<double>(n) && std::abs(sum) > 0)
      throw std::invalid_argument(fmt::format(
          "ctmc_steady_state: row {} of Q sums to {:g}, not 0 (each diagonal entry must be minus the sum of the "
          "rates out of its state)",
          i, sum));
  }
}

std::vector<double> ctmc_steady_state(const std::vector<std::vector<double>>& generator) {
  validate_generator(generator);
  const auto n = static_cast<Eigen::Index>(generator.size());
  // Q^T pi^T = 0 with the last balance equation (redundant: the columns of
  // Q^T sum to 0) replaced by sum pi = 1. The result is non-singular exactly
  // when the chain has a single closed class.
  Eigen::MatrixXd a(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) a(j, i) = generator[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  a.row(n - 1).setOnes();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
  b(n - 1) = 1.0;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(a);
  if (!lu.isInvertible())
    throw std::invalid_argument(
        "ctmc_steady_state: the steady state is not unique: the chain has more than one closed class of states "
        "(some states cannot reach each other in either direction, or there are several absorbing states)");
  const Eigen::VectorXd pi = lu.solve(b);
  std::vector<double> out(static_cast<std::size_t>(n));
  double total = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] = std::max(0.0, pi(i));  // round-off can leave -1e-17 at a transient state
    total += out[static_cast<std::size_t>(i)];
  }
  for (double& v : out) v /= total;
  return out;
}

}  // namespace archsim::analysis

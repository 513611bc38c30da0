#pragma once
// Steady state of a finite continuous-time Markov chain.
#include <vector>

namespace archsim::analysis {

// Solves pi Q = 0, sum_i pi_i = 1 for a generator Q (n x n, rows = from-state):
// the transposed system with one balance equation replaced by the
// normalisation, by LU with full pivoting (Stewart, Introduction to the
// Numerical Solution of Markov Chains, 1994, chapter 2). Throws
// std::invalid_argument when Q is not square, has a non-finite entry, a
// negative off-diagonal rate, or a row that does not sum to 0 (naming the
// row), and when the steady state is not unique (more than one closed class).
std::vector<double> ctmc_steady_state(const std::vector<std::vector<double>>& generator);

// Throws std::invalid_argument unless `generator` is a valid generator matrix.
void validate_generator(const std::vector<std::vector<double>>& generator);

}  // namespace archsim::analysis

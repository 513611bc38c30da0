#pragma once
// k-of-n availability with repair (Trivedi, Probability and Statistics with
// Reliability, Queuing, and Computer Science Applications, 2nd ed., 2002,
// chapter 8). n identical components fail independently at rate 1/mttf while
// up; r repair crews each repair one failed component at rate 1/mttr. The
// number of failed components is a birth-death CTMC on 0..n: i -> i+1 at
// (n - i)/mttf, i -> i-1 at min(i, r)/mttr. The system is up while at least k
// components are.
#include <vector>

namespace archsim::analysis {

// The generator of that CTMC, state i = number of failed components.
// n in [1, 100000], mttf > 0, mttr > 0, repair_crews in [1, n].
std::vector<std::vector<double>> k_of_n_generator(int n, double mttf, double mttr, int repair_crews);

// P(at least k of n up) in steady state, from ctmc_steady_state of k_of_n_generator.
double k_of_n_availability(int n, int k, double mttf, double mttr, int repair_crews);

// Closed form when every component has its own repair crew (repair_crews = n):
// components are independent, each up with probability a = mttf / (mttf + mttr),
// so availability = sum_{j=k}^{n} C(n, j) a^j (1 - a)^(n - j).
double k_of_n_availability_independent(int n, int k, double mttf, double mttr);

}  // namespace archsim::analysis

#pragma once
// M/G/1 by the Pollaczek-Khinchine mean-value formula:
//   Wq = lambda E[S^2] / (2 (1 - rho)),  E[S^2] = Var[S] + E[S]^2,  rho = lambda E[S]
// (Kleinrock, Queueing Systems Vol. 1, chapter 5; Gross & Harris, Fundamentals
// of Queueing Theory, section 5.1).

namespace archsim::analysis {

struct Mg1Figures {
  double utilisation = 0;    // rho = lambda E[S]
  double mean_wait = 0;      // Wq, seconds
  double mean_response = 0;  // W = Wq + E[S], seconds
  double mean_queue = 0;     // Lq = lambda Wq
  double mean_number = 0;    // L = lambda W
  double service_scv = 0;    // squared coefficient of variation of service, Var[S] / E[S]^2
};

// arrival_rate >= 0, service_mean > 0, service_variance >= 0, rho < 1.
// Throws std::invalid_argument naming the parameter otherwise.
Mg1Figures mg1(double arrival_rate, double service_mean, double service_variance);

}  // namespace archsim::analysis

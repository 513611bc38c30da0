#pragma once
// Exact Mean Value Analysis of a closed, single-class, product-form network
// (Reiser & Lavenberg 1980; Lazowska, Zahorjan, Graham & Sevcik, Quantitative
// System Performance, 1984, chapters 6 and 7.1; Bolch, Greiner, de Meer &
// Trivedi, Queueing Networks and Markov Chains, 2nd ed., 2006, section 8.2).
//
// N users alternate between thinking (mean think_time Z) and a request that
// visits station k V_k times, S_k seconds per visit (demand D_k = V_k S_k).
// For n = 1..N, by the arrival theorem:
//   delay station:        R_k(n) = D_k
//   c-server station:     R_k(n) = D_k / c (1 + Q_k(n-1) + sum_{j=0}^{c-2} (c-1-j) p_k(j | n-1))
//   X(n) = n / (Z + sum_k R_k(n)),  Q_k(n) = X(n) R_k(n)
//   p_k(j | n) = X(n) D_k / j p_k(j-1 | n-1) for 1 <= j < c,
//   p_k(0 | n) = 1 - (X(n) D_k + sum_{j=1}^{c-1} (c - j) p_k(j | n)) / c
// (the marginal probabilities of the load-dependent station with rate
// min(j, c) / S_k; only those below c are needed, and p(0) comes from the
// utilisation rather than by subtracting all the others). For c = 1 this is
// R = D (1 + Q).
#include <string>
#include <vector>

#include "archsim/analysis/station.hpp"

namespace archsim::analysis {

struct MvaStationFigures {
  std::string name;
  double visits = 0;          // V_k per request
  double demand = 0;          // D_k = V_k S_k, seconds per request
  double throughput = 0;      // X V_k, visits per second
  double utilisation = 0;     // X D_k / c (delay station: X D_k, the mean number there)
  double residence_time = 0;  // R_k, seconds per request at the station (all its visits)
  double mean_response = 0;   // R_k / V_k, seconds per visit
  double mean_number = 0;     // Q_k, users at the station
};

struct MvaFigures {
  std::vector<MvaStationFigures> stations;  // in the order given, at N users
  int users = 0;
  double think_time = 0;
  double throughput = 0;     // X(N), requests per second
  double response_time = 0;  // sum_k R_k(N), seconds per request (think time excluded)
  std::vector<double> throughput_by_users;  // X(n) for n = 1..N
  std::vector<double> response_by_users;    // R(n) for n = 1..N
};

// visits: one per station (>= 0), or empty for 1 each. users in [1, 10^7],
// think_time >= 0. Throws std::invalid_argument naming the parameter.
MvaFigures mva(const std::vector<Station>& stations, const std::vector<double>& visits, int users,
               double think_time);

}  // namespace archsim::analysis

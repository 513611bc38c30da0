#pragma once
// Open Jackson networks (Jackson 1957, 1963; Kleinrock Vol. 1, section 4.8;
// Gross & Harris, sections 4.1-4.2). Poisson external arrivals gamma_i,
// exponential service, Markov routing P (P[i][j] = probability that a request
// leaving station i goes to j; 1 - sum_j P[i][j] leaves the network). The total
// arrival rates solve the traffic equations lambda = gamma + P^T lambda, a
// linear system; each station then behaves as an independent M/M/c queue (or
// M/M/inf for a delay station) at rate lambda_i, and the end-to-end mean
// response time follows from Little's law: W = sum_i L_i / sum_i gamma_i.
#include <string>
#include <vector>

#include "archsim/analysis/station.hpp"

namespace archsim::analysis {

struct JacksonStationFigures {
  std::string name;
  double arrival_rate = 0;   // lambda_i, visits per second
  double visits = 0;         // lambda_i / sum gamma: mean visits per request entering the network
  double utilisation = 0;    // lambda_i S_i / c_i (for a delay station: mean number in service)
  double p_wait = 0;         // probability a visit waits (Erlang C); 0 at a delay station
  double mean_wait = 0;      // seconds in the queue per visit
  double mean_response = 0;  // seconds per visit, waiting + service
  double mean_queue = 0;     // requests waiting
  double mean_number = 0;    // requests at the station, L_i = lambda_i W_i
};

struct JacksonFigures {
  std::vector<JacksonStationFigures> stations;  // in the order given
  double throughput = 0;     // sum gamma, requests per second through the network
  double mean_number = 0;    // sum L_i, requests in the network
  double mean_response = 0;  // end-to-end seconds per request, sum L_i / sum gamma
};

// routing: n x n, or empty for "every request leaves after its first station".
// arrivals: n external rates (>= 0, not all 0). Throws std::invalid_argument on a
// malformed input, on stations from which requests can never leave (naming them),
// and on an unstable station (rho >= 1, naming it).
JacksonFigures jackson(const std::vector<Station>& stations, const std::vector<std::vector<double>>& routing,
                       const std::vector<double>& arrivals);

// The total arrival rates lambda = (I - P^T)^-1 gamma alone (no stability check).
std::vector<double> traffic_equations(const std::vector<std::vector<double>>& routing,
                                      const std::vector<double>& arrivals);

}  // namespace archsim::analysis

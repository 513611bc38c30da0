#pragma once
// Erlang's loss and delay formulas and the M/M/c queue.
//
// Load is offered traffic in Erlangs, A = lambda / mu = arrival rate x mean
// service time. Every function throws std::invalid_argument naming the
// offending parameter and its accepted range.

namespace archsim::analysis {

// Erlang B: the blocking probability of M/M/c/c (c servers, no waiting room)
// at offered load `load`. servers >= 0, load >= 0. Computed by the recursion
// B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)), which neither overflows nor
// loses precision for large c (Kleinrock, Queueing Systems Vol. 1, section 3.7).
double erlang_b(int servers, double load);

// Erlang C: the probability that an arrival to M/M/c waits, C = c B / (c - A (1 - B)).
// servers >= 1, 0 <= load < servers (load >= servers is an unstable queue).
double erlang_c(int servers, double load);

// Stationary figures of an M/M/c FIFO queue (Kleinrock Vol. 1, section 3.5).
struct MmcFigures {
  double utilisation = 0;    // rho = A / c, fraction of each server busy
  double p_wait = 0;         // Erlang C: probability an arrival waits
  double mean_wait = 0;      // Wq, seconds in the queue before service
  double mean_response = 0;  // W = Wq + service time, seconds
  double mean_queue = 0;     // Lq, requests waiting
  double mean_number = 0;    // L, requests in the system (waiting + in service)
};

// arrival_rate >= 0 (per second), service_time > 0 (mean, seconds), servers >= 1,
// and arrival_rate x service_time < servers.
MmcFigures mmc(double arrival_rate, double service_time, int servers);

}  // namespace archsim::analysis

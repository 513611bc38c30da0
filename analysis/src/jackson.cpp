#include "archsim/analysis/jackson.hpp"

#include <Eigen/Dense>

#include "archsim/analysis/erlang.hpp"
#include "argument_checks.hpp"

namespace archsim::analysis {

namespace {

// Checks routing (n x n, or empty) and arrivals (n); returns P as a dense matrix.
Eigen::MatrixXd routing_matrix(const std::vector<std::vector<double>>& routing, std::size_t n,
                               const std::vector<std::string>& names) {
  const auto label = [&](std::size_t i) { return names.empty() ? fmt::format("{}", i) : "'" + names[i] + "'"; };
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  if (routing.empty()) return p;
  if (routing.size() != n)
    throw std::invalid_argument(
        fmt::format("jackson: routing must be {} x {} (one row per station), got {} rows", n, n, routing.size()));
  for (std::size_t i = 0; i < n; ++i) {
    if (routing[i].size() != n)
      throw std::invalid_argument(fmt::format("jackson: routing row {} (from {}) has {} entries, expected {}", i,
                                              label(i), routing[i].size(), n));
    double sum = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double v = routing[i][j];
      if (!std::isfinite(v) || v < 0 || v > 1)
        throw std::invalid_argument(fmt::format(
            "jackson: routing probability from {} to {} must be in [0, 1], got {:g}", label(i), label(j), v));
      p(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
      sum += v;
    }
    if (sum > 1 + 1e-9)
      throw std::invalid_argument(fmt::format(
          "jackson: routing probabilities from {} sum to {:g}; they must sum to at most 1 (the rest leaves)",
          label(i), sum));
  }
  // Every station must be able to reach the exit, or requests could circulate
  // forever and I - P^T would be singular.
  std::vector<bool> exits(n, false);
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (exits[i]) continue;
      double sum = 0;
      bool via = false;
      for (std::size_t j = 0; j < n; ++j) {
        sum += routing[i][j];
        via = via || (routing[i][j] > 0 && exits[j]);
      }
      if (via || sum < 1 - 1e-12) exits[i] = changed = true;
    }
  }
  std::string trapped;
  for (std::size_t i = 0; i < n; ++i)
    if (!exits[i]) trapped += (trapped.empty() ? "" : ", ") + label(i);
  if (!trapped.empty())
    throw std::invalid_argument(fmt::format(
        "jackson: routing: requests at {} can never leave the network (their routing probabilities sum to 1 "
        "within a closed set of stations); an open network needs a way out from every station",
        trapped));
  return p;
}

std::vector<double> solve_traffic(const Eigen::MatrixXd& p, const std::vector<double>& arrivals) {
  const auto n = p.rows();
  Eigen::VectorXd gamma(n);
  for (Eigen::Index i = 0; i < n; ++i) gamma(i) = arrivals[static_cast<std::size_t>(i)];
  const Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n) - p.transpose();
  const Eigen::VectorXd lambda = a.fullPivLu().solve(gamma);
  std::vector<double> out(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = std::max(0.0, lambda(i));
  return out;
}

void check_arrivals(const std::vector<double>& arrivals, std::size_t n) {
  if (arrivals.size() != n)
    throw std::invalid_argument(
        fmt::format("jackson: arrivals must have one rate per station ({}), got {}", n, arrivals.size()));
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    detail::require_finite_at_least(arrivals[i], 0, fmt::format("jackson: arrivals[{}] (per second)", i));
    total += arrivals[i];
  }
  if (total <= 0) throw std::invalid_argument("jackson: arrivals must not all be 0");
}

}  // namespace

std::vector<double> traffic_equations(const std::vector<std::vector<double>>& routing,
                                      const std::vector<double>& arrivals) {
  check_arrivals(arrivals, arrivals.size());
  return solve_traffic(routing_matrix(routing, arrivals.size(), {}), arrivals);
}

JacksonFigures jackson(const std::vector<Station>& stations, const std::vector<std::vector<double>>& routing,
                       const std::vector<double>& arrivals) {
  validate_stations(stations, "jackson");
  const std::size_t n = stations.size();
  std::vector<std::string> names;
  for (const Station& s : stations) names.push_back(s.name);
  check_arrivals(arrivals, n);
  const std::vector<double> lambda = solve_traffic(routing_matrix(routing, n, names), arrivals);

  JacksonFigures out;
  for (double g : arrivals) out.throughput += g;
  for (std::size_t i = 0; i < n; ++i) {
    const Station& s = stations[i];
    JacksonStationFigures f;
    f.name = s.name;
    f.arrival_rate = lambda[i];
    f.visits = lambda[i] / out.throughput;
    const double load = lambda[i] * s.service_time;  // Erlangs
    if (s.delay) {
      f.utilisation = load;
      f.mean_response = s.service_time;
    } else {
      f.utilisation = load / s.servers;
      if (f.utilisation >= 1)
        throw std::invalid_argument(fmt::format(
            "jackson: station '{}' is unstable: utilisation rho = arrival rate x service time / servers = "
            "{:g} x {:g} / {} = {:g} >= 1",
            s.name, lambda[i], s.service_time, s.servers, f.utilisation));
      f.p_wait = load > 0 ? erlang_c(s.servers, load) : 0.0;
      f.mean_wait = load > 0 ? f.p_wait * s.service_time / (s.servers - load) : 0.0;
      f.mean_response = f.mean_wait + s.service_time;
    }
    f.mean_queue = lambda[i] * f.mean_wait;
    f.mean_number = lambda[i] * f.mean_response;
    out.mean_number += f.mean_number;
    out.stations.push_back(std::move(f));
  }
  out.mean_response = out.mean_number / out.throughput;
  return out;
}

}  // namespace archsim::analysis

#include "archsim/analysis/mva.hpp"

#include <algorithm>
#include <map>

#include "argument_checks.hpp"

namespace archsim::analysis {

namespace {

constexpr int kMaxMultiServer = 12;  // exact MVA solves 2^M sub-networks (see below)

// Exact MVA of the network restricted to a subset of its stations.
//
// Multi-server stations need the marginal probabilities p_k(j | n), j < c.
// Computing p_k(0 | n) as 1 - (everything else) is the textbook form and is
// numerically unstable: the rounding error of the subtraction is multiplied
// by X D / j at each population step, and by N = 100 users on 16 servers the
// throughput can be wrong by more than half. Instead p_k(0 | n) comes from
// the ratio of normalising constants G_{-k}(n) / G(n), which gives the
// recursion p_k(0 | n) = p_k(0 | n-1) X(n) / X_{-k}(n) (Reiser & Lavenberg
// 1980; Bolch et al., section 8.2), where X_{-k} is the throughput of the
// network without station k. Every step multiplies positive numbers, so it is
// stable; the price is solving the sub-network without each multi-server
// station, recursively: 2^M sub-networks for M multi-server stations
// (memoised by the set of multi-server stations left in).
class MvaSolver {
 public:
  MvaSolver(const std::vector<Station>& stations, const std::vector<double>& demand, int users, double think)
      : stations_(stations), demand_(demand), users_(users), think_(think) {
    for (std::size_t k = 0; k < stations.size(); ++k)
      if (!stations[k].delay && stations[k].servers > 1 && demand[k] > 0) multi_.push_back(k);
  }

  std::size_t multi_server_count() const { return multi_.size(); }
  unsigned all() const { return (1u << multi_.size()) - 1; }

  // Throughputs X(n), n = 1..N, of the sub-network holding every single-server
  // and delay station and the multi-server stations whose bit is set in mask.
  // With `out`, also the full figures (only called for the whole network).
  const std::vector<double>& throughputs(unsigned mask, MvaFigures* out = nullptr) {
    if (out == nullptr) {
      const auto found = memo_.find(mask);
      if (found != memo_.end()) return found->second;
    }
    const std::size_t count = stations_.size();
    std::vector<bool> in(count, true);
    std::vector<int> bit(count, -1);  // index into multi_, or -1
    for (std::size_t b = 0; b < multi_.size(); ++b) {
      bit[multi_[b]] = static_cast<int>(b);
      in[multi_[b]] = (mask >> b) & 1u;
    }
    // The throughputs of the sub-networks without each multi-server station.
    std::vector<const std::vector<double>*> without(count, nullptr);
    for (std::size_t k = 0; k < count; ++k)
      if (in[k] && bit[k] >= 0) without[k] = &throughputs(mask & ~(1u << bit[k]));

    double rest = think_;  // can anyone be anywhere but at station k?
    for (std::size_t k = 0; k < count; ++k)
      if (in[k]) rest += demand_[k];

    std::vector<double> q(count, 0.0), r(count, 0.0), p0(count, 1.0);
    std::vector<std::vector<double>> p(count);  // p_k(j | n), j = 0..c-1
    for (std::size_t k = 0; k < count; ++k)
      if (in[k] && bit[k] >= 0) {
        p[k].assign(static_cast<std::size_t>(stations_[k].servers), 0.0);
        p[k][0] = 1.0;
      }
    std::vector<double> xs;
    xs.reserve(static_cast<std::size_t>(users_));
    if (out != nullptr) {
      out->throughput_by_users.reserve(static_cast<std::size_t>(users_));
      out->response_by_users.reserve(static_cast<std::size_t>(users_));
    }
    double x = 0;
    for (int n = 1; n <= users_; ++n) {
      double response = 0;
      for (std::size_t k = 0; k < count; ++k) {
        if (!in[k]) continue;
        const Station& s = stations_[k];
        if (s.delay) {
          r[k] = demand_[k];
        } else if (bit[k] < 0) {  // one server (or no demand)
          r[k] = demand_[k] * (1.0 + q[k]);
        } else {
          const int c = s.servers;
          double idle = 0;  // sum_{j=0}^{c-2} (c-1-j) p(j | n-1): servers idle, weighted
          for (int j = 0; j <= std::min(c - 2, n - 1); ++j) idle += (c - 1 - j) * p[k][static_cast<std::size_t>(j)];
          r[k] = demand_[k] / c * (1.0 + q[k] + idle);
        }
        response += r[k];
      }
      x = n / (think_ + response);
      xs.push_back(x);
      if (out != nullptr) {
        out->throughput_by_users.push_back(x);
        out->response_by_users.push_back(response);
      }
      for (std::size_t k = 0; k < count; ++k) {
        if (!in[k]) continue;
        q[k] = x * r[k];
        if (bit[k] < 0) continue;
        const int c = stations_[k].servers;
        for (int j = std::min(n, c - 1); j >= 1; --j)  // p(j | n) from p(j-1 | n-1), in place
          p[k][static_cast<std::size_t>(j)] = x * demand_[k] / j * p[k][static_cast<std::size_t>(j - 1)];
        // p(0 | n) = G_{-k}(n) / G(n); with nowhere else to be, it is 0.
        const double x_without = (*without[k])[static_cast<std::size_t>(n - 1)];
        p[k][0] = rest - demand_[k] > 0 ? p[k][0] * x / x_without : 0.0;
      }
    }
    if (out != nullptr) {
      out->throughput = x;
      out->response_time = out->response_by_users.back();
      for (std::size_t k = 0; k < count; ++k) {
        const Station& s = stations_[k];
        MvaStationFigures f;
        f.name = s.name;
        f.demand = demand_[k];
        f.utilisation = s.delay ? x * demand_[k] : x * demand_[k] / s.servers;
        f.residence_time = r[k];
        f.mean_number = q[k];
        out->stations.push_back(std::move(f));
      }
    }
    return memo_[mask] = std::move(xs);
  }

 private:
  const std::vector<Station>& stations_;
  const std::vector<double>& demand_;
  int users_;
  double think_;
  std::vector<std::size_t> multi_;  // indices of the multi-server stations with demand
  std::map<unsigned, std::vector<double>> memo_;
};

}  // namespace

MvaFigures mva(const std::vector<Station>& stations, const std::vector<double>& visits, int users,
               double think_time) {
  validate_stations(stations, "mva");
  const std::size_t k_count = stations.size();
  if (!visits.empty() && visits.size() != k_count)
    throw std::invalid_argument(
        fmt::format("mva: visits must have one entry per station ({}), got {}", k_count, visits.size()));
  detail::require_int_in(users, 1, 10'000'000, "mva: users");
  detail::require_finite_at_least(think_time, 0, "mva: think_time (seconds)");

  std::vector<double> demand(k_count), v(k_count, 1.0);
  double total_demand = 0;
  for (std::size_t k = 0; k < k_count; ++k) {
    if (!visits.empty()) {
      detail::require_finite_at_least(visits[k], 0, fmt::format("mva: visits of station '{}'", stations[k].name));
      v[k] = visits[k];
    }
    demand[k] = v[k] * stations[k].service_time;
    total_demand += demand[k];
  }
  if (total_demand + think_time <= 0)
    throw std::invalid_argument("mva: the total service demand plus think_time must be > 0");

  MvaSolver solver(stations, demand, users, think_time);
  if (solver.multi_server_count() > static_cast<std::size_t>(kMaxMultiServer))
    throw std::invalid_argument(fmt::format(
        "mva: at most {} multi-server stations (servers > 1) are supported, got {}: exact MVA solves 2^M "
        "sub-networks for M of them",
        kMaxMultiServer, solver.multi_server_count()));
  MvaFigures out;
  out.users = users;
  out.think_time = think_time;
  solver.throughputs(solver.all(), &out);
  for (std::size_t k = 0; k < k_count; ++k) {
    MvaStationFigures& f = out.stations[k];
    f.visits = v[k];
    f.throughput = out.throughput * v[k];
    f.mean_response = v[k] > 0 ? f.residence_time / v[k] : stations[k].service_time;
  }
  return out;
}

}  // namespace archsim::analysis

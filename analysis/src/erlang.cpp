#include "archsim/analysis/erlang.hpp"

#include "argument_checks.hpp"

namespace archsim::analysis {

namespace {
constexpr int kMaxServers = 100'000'000;  // the recursion is O(servers)
}

double erlang_b(int servers, double load) {
  detail::require_int_in(servers, 0, kMaxServers, "erlang_b: servers");
  detail::require_finite_at_least(load, 0, "erlang_b: load (Erlangs)");
  double b = 1.0;  // B(0, A)
  for (int k = 1; k <= servers; ++k) b = load * b / (k + load * b);
  return b;
}

double erlang_c(int servers, double load) {
  detail::require_int_in(servers, 1, kMaxServers, "erlang_c: servers");
  detail::require_finite_at_least(load, 0, "erlang_c: load (Erlangs)");
  if (load >= servers)
    throw std::invalid_argument(
        fmt::format("erlang_c: load must be < servers ({}): an M/M/c queue at load {:g} Erlangs is unstable",
                    servers, load));
  const double b = erlang_b(servers, load);
  const double c = servers;
  return c * b / (c - load * (1.0 - b));
}

MmcFigures mmc(double arrival_rate, double service_time, int servers) {
  detail::require_finite_at_least(arrival_rate, 0, "mmc: arrival_rate (per second)");
  detail::require_finite_positive(service_time, "mmc: service_time (seconds)");
  detail::require_int_in(servers, 1, kMaxServers, "mmc: servers");
  const double load = arrival_rate * service_time;
  const double c = servers;
  if (load >= c)
    throw std::invalid_argument(fmt::format(
        "mmc: unstable, utilisation = arrival_rate x service_time / servers = {:g} x {:g} / {} = {:g} >= 1",
        arrival_rate, service_time, servers, load / c));
  MmcFigures f;
  f.utilisation = load / c;
  f.p_wait = erlang_c(servers, load);
  f.mean_wait = f.p_wait * service_time / (c - load);
  f.mean_response = f.mean_wait + service_time;
  f.mean_queue = arrival_rate * f.mean_wait;
  f.mean_number = arrival_rate * f.mean_response;
  return f;
}

}  // namespace archsim::analysis

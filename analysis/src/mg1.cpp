#include "archsim/analysis/mg1.hpp"

#include "argument_checks.hpp"

namespace archsim::analysis {

Mg1Figures mg1(double arrival_rate, double service_mean, double service_variance) {
  detail::require_finite_at_least(arrival_rate, 0, "mg1: arrival_rate (per second)");
  detail::require_finite_positive(service_mean, "mg1: service_mean (seconds)");
  detail::require_finite_at_least(service_variance, 0, "mg1: service_variance (seconds^2)");
  const double rho = arrival_rate * service_mean;
  if (rho >= 1)
    throw std::invalid_argument(
        fmt::format("mg1: unstable, utilisation = arrival_rate x service_mean = {:g} x {:g} = {:g} >= 1",
                    arrival_rate, service_mean, rho));
  const double second_moment = service_variance + service_mean * service_mean;
  Mg1Figures f;
  f.utilisation = rho;
  f.mean_wait = arrival_rate * second_moment / (2.0 * (1.0 - rho));
  f.mean_response = f.mean_wait + service_mean;
  f.mean_queue = arrival_rate * f.mean_wait;
  f.mean_number = arrival_rate * f.mean_response;
  f.service_scv = service_variance / (service_mean * service_mean);
  return f;
}

}  // namespace archsim::analysis

#include "archsim/analysis/availability.hpp"

#include <algorithm>

#include "archsim/analysis/ctmc.hpp"
#include "argument_checks.hpp"

namespace archsim::analysis {

namespace {
constexpr int kMaxComponents = 100'000;

void check_common(int n, double mttf, double mttr, const char* what) {
  detail::require_int_in(n, 1, kMaxComponents, fmt::format("{}: n (components)", what));
  detail::require_finite_positive(mttf, fmt::format("{}: mttf (seconds)", what));
  detail::require_finite_positive(mttr, fmt::format("{}: mttr (seconds)", what));
}
}  // namespace

std::vector<std::vector<double>> k_of_n_generator(int n, double mttf, double mttr, int repair_crews) {
  check_common(n, mttf, mttr, "k_of_n_generator");
  detail::require_int_in(repair_crews, 1, n, "k_of_n_generator: repair_crews");
  const auto size = static_cast<std::size_t>(n) + 1;
  std::vector<std::vector<double>> q(size, std::vector<double>(size, 0.0));
  for (int down = 0; down <= n; ++down) {
    const auto i = static_cast<std::size_t>(down);
    if (down < n) q[i][i + 1] = (n - down) / mttf;                   // one more fails
    if (down > 0) q[i][i - 1] = std::min(down, repair_crews) / mttr;  // one repair completes
    q[i][i] = -((down < n ? q[i][i + 1] : 0.0) + (down > 0 ? q[i][i - 1] : 0.0));
  }
  return q;
}

double k_of_n_availability(int n, int k, double mttf, double mttr, int repair_crews) {
  check_common(n, mttf, mttr, "k_of_n_availability");
  detail::require_int_in(k, 1, n, "k_of_n_availability: k (components needed up)");
  detail::require_int_in(repair_crews, 1, n, "k_of_n_availability: repair_crews");
  const std::vector<double> pi = ctmc_steady_state(k_of_n_generator(n, mttf, mttr, repair_crews));
  double up = 0;
  for (int down = 0; down <= n - k; ++down) up += pi[static_cast<std::size_t>(down)];
  return std::min(up, 1.0);
}

double k_of_n_availability_independent(int n, int k, double mttf, double mttr) {
  check_common(n, mttf, mttr, "k_of_n_availability_independent");
  detail::require_int_in(k, 1, n, "k_of_n_availability_independent: k (components needed up)");
  const double log_a = std::log(mttf / (mttf + mttr));
  const double log_u = std::log(mttr / (mttf + mttr));
  double sum = 0;
  for (int j = k; j <= n; ++j) {
    const double log_choose = std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0);
    sum += std::exp(log_choose + j * log_a + (n - j) * log_u);
  }
  return std::min(sum, 1.0);
}

}  // namespace archsim::analysis

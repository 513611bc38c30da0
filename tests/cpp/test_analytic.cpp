// The closed-form companions (analysis/) against textbook numbers and
// independent closed forms. Each case names the formula it checks and where
// it comes from.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "archsim/analysis/availability.hpp"
#include "archsim/analysis/ctmc.hpp"
#include "archsim/analysis/erlang.hpp"
#include "archsim/analysis/jackson.hpp"
#include "archsim/analysis/mg1.hpp"
#include "archsim/analysis/mva.hpp"

using namespace archsim::analysis;
using Catch::Matchers::Contains;

namespace {

// Erlang B and C by their defining sums (Kleinrock, Queueing Systems Vol. 1,
// sections 3.5 and 3.7), for small c where the factorials are exact enough:
//   B = (A^c / c!) / sum_{k=0}^{c} A^k / k!
//   C = (A^c / c! * c / (c - A)) / (sum_{k=0}^{c-1} A^k / k! + A^c / c! * c / (c - A))
double erlang_b_by_sum(int c, double a) {
  double term = 1, sum = 1;
  for (int k = 1; k <= c; ++k) sum += term *= a / k;
  return term / sum;
}
double erlang_c_by_sum(int c, double a) {
  double term = 1, sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double last = term * c / (c - a);
  return last / (sum + last);
}

// Finite-source queue M/M/c//N (machine repairman with c repairmen; Kleinrock
// Vol. 1, sections 3.8 and 3.10): N users think for Z on average, then need
// one of c servers for D. p_n is proportional to N!/(N-n)! (D/Z)^n / b(n), with
// b(n) = n! for n <= c and c! c^(n-c) beyond; throughput X = sum_n min(n, c) p_n / D.
double finite_source_throughput(int users, int c, double demand, double think) {
  std::vector<double> w(static_cast<std::size_t>(users) + 1);
  w[0] = 1;
  for (int n = 1; n <= users; ++n)
    w[static_cast<std::size_t>(n)] = w[static_cast<std::size_t>(n) - 1] * (users - n + 1) * (demand / think) / std::min(n, c);
  double total = 0, busy = 0;
  for (int n = 0; n <= users; ++n) {
    total += w[static_cast<std::size_t>(n)];
    busy += std::min(n, c) * w[static_cast<std::size_t>(n)];
  }
  return busy / total / demand;
}

}  // namespace

TEST_CASE("analysis::erlang_b: matches the defining sum and the classic tables", "[analysis][quick]") {
  // Kleinrock Vol. 1, section 3.7 (Erlang's loss formula). Tables of Erlang B:
  // B(5 servers, 2 Erlangs) = 0.0367, B(10, 5) = 0.0184; B(1, A) = A / (1 + A).
  CHECK(erlang_b(5, 2.0) == Approx(0.036697247706).epsilon(1e-10));
  CHECK(erlang_b(10, 5.0) == Approx(0.018384570337).epsilon(1e-10));
  CHECK(erlang_b(1, 1.0) == Approx(0.5).epsilon(1e-15));
  CHECK(erlang_b(0, 3.0) == 1.0);
  CHECK(erlang_b(7, 0.0) == 0.0);
  for (int c : {1, 2, 3, 8, 20, 40})
    for (double a : {0.1, 1.0, 2.5, 9.0, 30.0}) CHECK(erlang_b(c, a) == Approx(erlang_b_by_sum(c, a)).epsilon(1e-12));
}

TEST_CASE("analysis::erlang_b: the recursion stays finite where factorials overflow", "[analysis][quick]") {
  // 2000! overflows a double; the recursion does not. With A = c the blocking
  // is about sqrt(2 / (pi c)) (the Jagerman asymptote), 0.0178 for c = 2000.
  const double b = erlang_b(2000, 2000.0);
  CHECK(std::isfinite(b));
  CHECK(b == Approx(std::sqrt(2.0 / (M_PI * 2000))).epsilon(0.02));
}

TEST_CASE("analysis::erlang_c: four servers at 3.2 Erlangs wait with probability 0.5964", "[analysis][quick]") {
  // Erlang's delay formula, Kleinrock Vol. 1, section 3.5; Gross & Harris,
  // Fundamentals of Queueing Theory, section 2.3 (M/M/c): C(4, 3.2) = 0.596432...
  CHECK(erlang_c(4, 3.2) == Approx(0.5964324717874).epsilon(1e-12));
  // M/M/2 at rho = 1/2: C = 2 rho^2 / (1 + rho) = 1/3. M/M/1: C(1, A) = A.
  CHECK(erlang_c(2, 1.0) == Approx(1.0 / 3).epsilon(1e-14));
  CHECK(erlang_c(1, 0.7) == Approx(0.7).epsilon(1e-14));
  for (int c : {1, 2, 5, 16})
    for (double rho : {0.05, 0.5, 0.9, 0.99}) CHECK(erlang_c(c, rho * c) == Approx(erlang_c_by_sum(c, rho * c)).epsilon(1e-11));
}

TEST_CASE("analysis::erlang_c: an overloaded or malformed queue is rejected by name", "[analysis][quick]") {
  CHECK_THROWS_WITH(erlang_c(4, 4.0), Contains("load must be < servers (4)"));
  CHECK_THROWS_WITH(erlang_c(0, 0.5), Contains("servers must be an integer in [1,"));
  CHECK_THROWS_WITH(erlang_b(3, -1.0), Contains("load (Erlangs) must be a finite number >= 0"));
  CHECK_THROWS_WITH(erlang_b(3, NAN), Contains("load"));
}

TEST_CASE("analysis::mmc: M/M/1 and M/M/2 match their closed forms", "[analysis][quick]") {
  // M/M/1 (Kleinrock Vol. 1, section 3.2): W = 1 / (mu - lambda), L = rho / (1 - rho).
  const MmcFigures one = mmc(700, 1.0 / 1000, 1);
  CHECK(one.utilisation == Approx(0.7));
  CHECK(one.p_wait == Approx(0.7));
  CHECK(one.mean_response == Approx(1.0 / 300).epsilon(1e-12));
  CHECK(one.mean_number == Approx(0.7 / 0.3).epsilon(1e-12));
  CHECK(one.mean_queue == Approx(0.49 / 0.3).epsilon(1e-12));
  // M/M/2 (Kleinrock Vol. 1, section 3.5, m = 2): L = 2 rho / (1 - rho^2).
  const double rho = 0.8, mu = 50;
  const MmcFigures two = mmc(2 * rho * mu, 1 / mu, 2);
  CHECK(two.mean_number == Approx(2 * rho / (1 - rho * rho)).epsilon(1e-12));
  CHECK(two.mean_response == Approx(two.mean_number / (2 * rho * mu)).epsilon(1e-12));  // Little
  CHECK_THROWS_WITH(mmc(2000, 0.001, 2), Contains("utilisation") && Contains(">= 1"));
  CHECK_THROWS_WITH(mmc(10, 0, 2), Contains("service_time (seconds) must be a finite number > 0"));
}

TEST_CASE("analysis::mg1: Pollaczek-Khinchine reduces to M/M/1 and M/D/1", "[analysis][quick]") {
  // P-K mean value (Kleinrock Vol. 1, chapter 5; Gross & Harris, section 5.1):
  // Wq = lambda E[S^2] / (2 (1 - rho)). Exponential service (Var = S^2) gives
  // M/M/1's Wq = rho S / (1 - rho); deterministic (Var = 0) gives M/D/1's
  // Wq = rho S / (2 (1 - rho)), half of it.
  const double s = 0.004, lambda = 200;  // rho = 0.8
  const Mg1Figures m = mg1(lambda, s, s * s);
  CHECK(m.mean_wait == Approx(mmc(lambda, s, 1).mean_wait).epsilon(1e-12));
  CHECK(m.mean_wait == Approx(0.8 * s / 0.2).epsilon(1e-12));
  CHECK(m.service_scv == Approx(1.0));
  const Mg1Figures d = mg1(lambda, s, 0);
  CHECK(d.mean_wait == Approx(0.8 * s / 0.4).epsilon(1e-12));
  CHECK(d.mean_number == Approx(0.8 + 0.64 / 0.4).epsilon(1e-12));  // L = rho + rho^2 / (2 (1 - rho))
  CHECK_THROWS_WITH(mg1(300, s, 0), Contains("unstable"));
  CHECK_THROWS_WITH(mg1(10, s, -1), Contains("service_variance"));
}

TEST_CASE("analysis::jackson: a tandem is a sum of M/M/1 sojourns", "[analysis][quick]") {
  // Jackson's theorem (Kleinrock Vol. 1, section 4.8) with Burke's theorem:
  // Poisson 700/s through mu = 1000, 1400, 2000 gives W = 1/300 + 1/700 + 1/1300.
  const std::vector<Station> st{{"A", 1.0 / 1000}, {"B", 1.0 / 1400}, {"C", 1.0 / 2000}};
  const std::vector<std::vector<double>> p{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}};
  const JacksonFigures f = jackson(st, p, {700, 0, 0});
  REQUIRE(f.stations.size() == 3);
  for (const auto& s : f.stations) {
    CHECK(s.arrival_rate == Approx(700).epsilon(1e-12));
    CHECK(s.visits == Approx(1).epsilon(1e-12));
  }
  CHECK(f.stations[1].utilisation == Approx(0.5).epsilon(1e-12));
  CHECK(f.stations[0].mean_response == Approx(1.0 / 300).epsilon(1e-12));
  CHECK(f.mean_response == Approx(1.0 / 300 + 1.0 / 700 + 1.0 / 1300).epsilon(1e-12));
  CHECK(f.throughput == 700);
}

TEST_CASE("analysis::jackson: feedback, multi-server and delay stations", "[analysis][quick]") {
  // One station with feedback probability p (Kleinrock Vol. 1, section 4.8;
  // Gross & Harris, section 4.1): lambda = gamma / (1 - p), and a request
  // makes 1 / (1 - p) visits, so W_total = W_visit / (1 - p).
  const JacksonFigures fb = jackson({{"cpu", 0.002}}, {{0.6}}, {100});
  CHECK(fb.stations[0].arrival_rate == Approx(250).epsilon(1e-12));
  CHECK(fb.stations[0].visits == Approx(2.5).epsilon(1e-12));
  CHECK(fb.mean_response == Approx(2.5 * 0.002 / (1 - 0.5)).epsilon(1e-12));
  // A 4-server station is M/M/4 at its total rate; a delay station adds its
  // service time with no queueing.
  const JacksonFigures f = jackson({{"pool", 0.04, 4}, {"net", 0.01, 1, true}}, {{0, 1}, {0, 0}}, {80, 0});
  CHECK(f.stations[0].p_wait == Approx(0.5964324717874).epsilon(1e-12));
  CHECK(f.stations[0].mean_response == Approx(mmc(80, 0.04, 4).mean_response).epsilon(1e-12));
  CHECK(f.stations[1].mean_response == 0.01);
  CHECK(f.stations[1].mean_number == Approx(0.8));
  CHECK(f.mean_response == Approx(mmc(80, 0.04, 4).mean_response + 0.01).epsilon(1e-12));
}

TEST_CASE("analysis::jackson: errors name the station and the range", "[analysis][quick]") {
  const std::vector<Station> st{{"A", 0.001}, {"B", 0.002}};
  CHECK_THROWS_WITH(jackson(st, {{0, 1}, {0, 0}}, {600, 0}),
                    Contains("station 'B' is unstable") && Contains(">= 1"));
  CHECK_THROWS_WITH(jackson(st, {{0, 1}, {1, 0}}, {10, 0}), Contains("'A', 'B' can never leave"));
  CHECK_THROWS_WITH(jackson(st, {{0, 0.7}, {0.5, 0.6}}, {10, 0}), Contains("from 'B' sum to 1.1"));
  CHECK_THROWS_WITH(jackson(st, {{0, 1.5}, {0, 0}}, {10, 0}), Contains("from 'A' to 'B' must be in [0, 1]"));
  CHECK_THROWS_WITH(jackson(st, {}, {0, 0}), Contains("must not all be 0"));
  CHECK_THROWS_WITH(jackson(st, {}, {1}), Contains("one rate per station (2)"));
  CHECK_THROWS_WITH(jackson({{"A", 0.001}, {"A", 0.002}}, {}, {1, 1}), Contains("'A' appears twice"));
  CHECK_THROWS_WITH(jackson({{"A", 0.001, 0}}, {}, {1}), Contains("station 'A' servers"));
}

TEST_CASE("analysis::mva: one queue and think time is the machine repairman M/M/1//N", "[analysis][quick]") {
  // Exact MVA (Reiser & Lavenberg 1980; Lazowska et al., QSP, chapter 6)
  // against the finite-source formula (Kleinrock Vol. 1, section 3.8).
  for (int users : {1, 2, 5, 10, 40}) {
    const MvaFigures f = mva({{"disk", 0.005}}, {}, users, 0.020);
    CHECK(f.throughput == Approx(finite_source_throughput(users, 1, 0.005, 0.020)).epsilon(1e-12));
    CHECK(f.response_time == Approx(users / f.throughput - 0.020).epsilon(1e-12));  // response time law
    CHECK(f.stations[0].mean_number == Approx(f.throughput * f.response_time).epsilon(1e-12));
  }
  // N = 1: no queueing, R = sum D (Lazowska et al., chapter 6).
  const MvaFigures one = mva({{"A", 0.005}, {"B", 0.003}}, {}, 1, 0.05);
  CHECK(one.response_time == Approx(0.008).epsilon(1e-14));
  CHECK(one.throughput == Approx(1 / 0.058).epsilon(1e-14));
  // Asymptotic bound (Lazowska et al., chapter 5): X -> 1 / D_max.
  CHECK(mva({{"A", 0.005}, {"B", 0.003}}, {}, 2000, 0.05).throughput == Approx(200).epsilon(1e-9));
}

TEST_CASE("analysis::mva: multi-server stations match M/M/c//N exactly", "[analysis][quick]") {
  // Load-dependent exact MVA with marginal probabilities (Bolch et al.,
  // Queueing Networks and Markov Chains, section 8.2; Lazowska et al.,
  // chapter 7) against the finite-source M/M/c//N closed form (Kleinrock
  // Vol. 1, section 3.10). 16 servers and 100 users is where the textbook
  // p(0 | n) = 1 - sum of the others loses two thirds of the throughput.
  for (int c : {2, 3, 8, 16})
    for (int users : {1, 2, 3, 7, 20, 60, 100}) {
      INFO("c = " << c << ", N = " << users);
      const MvaFigures f = mva({{"pool", 0.040, c}}, {}, users, 0.100);
      CHECK(f.throughput == Approx(finite_source_throughput(users, c, 0.040, 0.100)).epsilon(1e-10));
    }
}

TEST_CASE("analysis::mva: visits, delay stations and the history by population", "[analysis][quick]") {
  // A delay station is think time by another name: the throughput is the same
  // as with Z + D, and the delay station's residence time is its demand.
  const MvaFigures with_delay = mva({{"cpu", 0.004}, {"net", 0.010, 1, true}}, {3, 2}, 12, 0.030);
  const MvaFigures as_think = mva({{"cpu", 0.004}}, {3}, 12, 0.050);
  CHECK(with_delay.throughput == Approx(as_think.throughput).epsilon(1e-12));
  CHECK(with_delay.stations[1].residence_time == Approx(0.020).epsilon(1e-14));
  CHECK(with_delay.stations[1].mean_response == Approx(0.010).epsilon(1e-14));
  CHECK(with_delay.stations[0].demand == Approx(0.012));
  CHECK(with_delay.stations[0].throughput == Approx(3 * with_delay.throughput));
  CHECK(with_delay.stations[0].utilisation == Approx(with_delay.throughput * 0.012));
  REQUIRE(with_delay.throughput_by_users.size() == 12);
  CHECK(with_delay.throughput_by_users.back() == with_delay.throughput);
  CHECK(with_delay.throughput_by_users.front() == Approx(1 / (0.030 + 0.012 + 0.020)));
  CHECK_THROWS_WITH(mva({{"cpu", 0.004}}, {}, 0, 0.1), Contains("users must be an integer in [1,"));
  CHECK_THROWS_WITH(mva({{"cpu", 0.004}}, {1, 2}, 3, 0.1), Contains("one entry per station (1)"));
  CHECK_THROWS_WITH(mva({{"cpu", 0.004}}, {-1}, 3, 0.1), Contains("visits of station 'cpu'"));
  CHECK_THROWS_WITH(mva({{"cpu", 0}}, {}, 3, 0), Contains("must be > 0"));
}

TEST_CASE("analysis::ctmc_steady_state: a two-state chain has pi = (b, a) / (a + b)", "[analysis][quick]") {
  // Two states, 0 -> 1 at rate a, 1 -> 0 at rate b: pi_0 = b / (a + b)
  // (Trivedi, 2nd ed., chapter 8; any CTMC text).
  const double a = 0.3, b = 4.5;
  const auto pi = ctmc_steady_state({{-a, a}, {b, -b}});
  CHECK(pi[0] == Approx(b / (a + b)).epsilon(1e-14));
  CHECK(pi[1] == Approx(a / (a + b)).epsilon(1e-14));
  CHECK(ctmc_steady_state({{0.0}}) == std::vector<double>{1.0});
  // A transient state gets probability 0.
  const auto t = ctmc_steady_state({{-1, 1, 0}, {0, -2, 2}, {0, 3, -3}});
  CHECK(t[0] == 0.0);
  CHECK(t[1] == Approx(0.6));
}

TEST_CASE("analysis::ctmc_steady_state: a malformed generator is named precisely", "[analysis][quick]") {
  CHECK_THROWS_WITH(ctmc_steady_state({}), Contains("at least one state"));
  CHECK_THROWS_WITH(ctmc_steady_state({{-1, 1}, {1}}), Contains("row 1 has 1 entries"));
  CHECK_THROWS_WITH(ctmc_steady_state({{-1, 1}, {2, -1}}), Contains("row 1 of Q sums to 1"));
  CHECK_THROWS_WITH(ctmc_steady_state({{1, -1}, {1, -1}}), Contains("Q[0][1] = -1"));
  CHECK_THROWS_WITH(ctmc_steady_state({{-1, 1}, {INFINITY, -1}}), Contains("must be finite"));
  CHECK_THROWS_WITH(ctmc_steady_state({{0, 0}, {0, 0}}), Contains("not unique"));
}

TEST_CASE("analysis::k_of_n_availability: two units and one repairman, and the independent case", "[analysis][quick]") {
  // Trivedi, Probability and Statistics with Reliability, Queuing, and
  // Computer Science Applications (2nd ed.), chapter 8: a two-unit parallel
  // system (1 of 2) with a single repair facility, failure rate l, repair rate m:
  //   A = (m^2 + 2 l m) / (m^2 + 2 l m + 2 l^2).
  const double mttf = 1000, mttr = 10, l = 1 / mttf, m = 1 / mttr;
  CHECK(k_of_n_availability(2, 1, mttf, mttr, 1) ==
        Approx((m * m + 2 * l * m) / (m * m + 2 * l * m + 2 * l * l)).epsilon(1e-12));
  // With a crew per component they are independent (Trivedi, chapter 8):
  // binomial in a = MTTF / (MTTF + MTTR).
  const double a = mttf / (mttf + mttr);
  CHECK(k_of_n_availability_independent(2, 1, mttf, mttr) == Approx(1 - (1 - a) * (1 - a)).epsilon(1e-12));
  CHECK(k_of_n_availability_independent(3, 3, mttf, mttr) == Approx(a * a * a).epsilon(1e-12));
  CHECK(k_of_n_availability_independent(3, 2, mttf, mttr) == Approx(a * a * a + 3 * a * a * (1 - a)).epsilon(1e-12));
  for (int n : {1, 3, 5, 9})
    for (int k = 1; k <= n; ++k) {
      INFO("n = " << n << ", k = " << k);
      CHECK(k_of_n_availability(n, k, 300, 7, n) ==
            Approx(k_of_n_availability_independent(n, k, 300, 7)).epsilon(1e-11));
    }
  // Fewer crews can only lower availability.
  CHECK(k_of_n_availability(5, 3, 50, 10, 1) < k_of_n_availability(5, 3, 50, 10, 5));
  const auto q = k_of_n_generator(3, 100, 5, 2);
  CHECK(q[0][1] == Approx(0.03));
  CHECK(q[3][2] == Approx(0.4));
  CHECK_THROWS_WITH(k_of_n_availability(3, 4, 1, 1, 3), Contains("k (components needed up) must be an integer in [1, 3]"));
  CHECK_THROWS_WITH(k_of_n_availability(3, 2, 1, 1, 0), Contains("repair_crews must be an integer in [1, 3]"));
  CHECK_THROWS_WITH(k_of_n_availability(3, 2, 0, 1, 1), Contains("mttf (seconds) must be a finite number > 0"));
}

"""Validation: closed queueing networks against exact Mean Value Analysis.

N users cycle: think (a delay station, mean Z), then a request that visits
single-server exponential FIFO stations k with service demand D_k. Such a
network has a product-form solution (Gordon & Newell 1967; BCMP 1975), and the
arrival theorem gives exact MVA (Reiser & Lavenberg 1980; Lazowska, Zahorjan,
Graham & Sevcik, Quantitative System Performance, 1984, chapter 6, exact MVA
for single-class models):

    Q_k(0) = 0
    for n = 1..N:
        R_k(n) = D_k (1 + Q_k(n - 1))     residence time at station k
        X(n)   = n / (Z + sum_k R_k(n))   system throughput (interactive response time law)
        Q_k(n) = X(n) R_k(n)              Little's law at station k

    response time R = sum_k R_k(N), utilisation U_k = X D_k.

archsim: ``Closed(users=N, think=Exp(Z))`` is the delay station. For one
station the client calls it directly; for two, the client calls a "front"
service with zero service time and N workers (never all busy: it holds no
contended resource) whose two call steps visit the stations in turn.
"""

import math

import pytest

import archsim as sim
from conftest import Estimate, check_fingerprint, figure, mean_latency, measured_seconds, simulate, throughput

Z = 0.050  # think time, s
TWO = {"A": 0.005, "B": 0.003}  # demands, s
ONE = {"A": 0.005}
Z_ONE = 0.020

# case -> (stations, think, users, batch seconds, seeds)
CASES = {
    "two-stations-N1": (TWO, Z, 1, 250.0, (61, 62)),
    "two-stations-N5": (TWO, Z, 5, 50.0, (63, 64)),
    "two-stations-N20": (TWO, Z, 20, 25.0, (65, 66)),
    "one-station-N10": (ONE, Z_ONE, 10, 25.0, (67, 68)),
}


def mva(demands: dict[str, float], think: float, users: int):
    """Exact MVA: (throughput, response time, {station: residence time}, {station: mean number})."""
    Q = {k: 0.0 for k in demands}
    for n in range(1, users + 1):
        R = {k: d * (1 + Q[k]) for k, d in demands.items()}
        X = n / (think + sum(R.values()))
        Q = {k: X * r for k, r in R.items()}
    return X, sum(R.values()), R, Q


def test_mva_reference_values():
    # N = 1: no queueing, R = sum D. Large N: X -> 1 / max D (asymptotic bounds,
    # Lazowska et al. chapter 5). Machine repairman M/M/1//N cross-check: the
    # finite-source formula p_0 = 1 / sum_n N!/(N-n)! (D/Z)^n gives U = 1 - p_0 = X D.
    X, R, _, _ = mva(TWO, Z, 1)
    assert R == pytest.approx(0.008) and X == pytest.approx(1 / 0.058)
    assert mva(TWO, Z, 500)[0] == pytest.approx(200, rel=1e-6)
    n, d, z = 10, ONE["A"], Z_ONE
    p0 = 1 / sum(math.factorial(n) / math.factorial(n - k) * (d / z) ** k for k in range(n + 1))
    assert mva(ONE, Z_ONE, n)[0] * d == pytest.approx(1 - p0, rel=1e-12)


def closed_model(case: str) -> sim.Model:
    stations, think, users = CASES[case][:3]
    m = sim.Model(f"closed-{case}")
    refs = [m.service(k, workers=1, service_time=sim.Exp(d)) for k, d in stations.items()]
    if len(refs) == 1:
        target = refs[0]
    else:
        target = m.service("front", workers=users, calls=[sim.Call(s) for s in refs])
    m.client("users", target=target, workload=sim.Closed(users=users, think=sim.Exp(think)))
    return m


@pytest.mark.parametrize("case", list(CASES))
def test_closed_network_throughput_and_response_time_match_exact_mva(case):
    stations, think, users, batch, seeds = CASES[case]
    X, R, Rk, Qk = mva(stations, think, users)

    r = simulate(lambda: closed_model(case), seeds=seeds, batch=batch)
    Xm = throughput(r, "users")
    Xm.check(X, f"MVA {case} X (/s)", max_rel_se=0.004)
    mean_latency(r, "users").check(R, f"MVA {case} R (s)", max_rel_se=0.006)
    T = measured_seconds(r)
    for k, d in stations.items():
        Wk = mean_latency(r, k)
        Wk.check(Rk[k], f"MVA {case} R_{k} (s)", max_rel_se=0.008)
        # Q_k = X R_k sample path by sample path: R_k's relative error.
        Estimate(figure(r, k, "mean_in_flight"), Qk[k] * Wk.se / Wk.value).check(
            Qk[k], f"MVA {case} Q_{k}", max_rel_se=0.008)
        # U_k = (sum of service times) / T: the count's error (X's) and the
        # service times' own (variance X E[S^2] / T, E[S^2] = 2 D^2).
        se_u = math.hypot(d * Xm.se, math.sqrt(X * 2 * d**2 / T))
        Estimate(figure(r, k, "utilisation"), se_u).check(X * d, f"MVA {case} U_{k}", max_rel_se=0.004)
    if len(stations) > 1:
        for one in r:  # the front never queues
            assert one.component("front")["mean_queue"] == 0


@pytest.mark.parametrize("case", list(CASES))
def test_closed_network_fingerprint_is_pinned(case):
    check_fingerprint(f"closed-{case}", closed_model(case), seed=CASES[case][4][0])

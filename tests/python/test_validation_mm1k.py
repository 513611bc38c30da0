"""Validation: the M/M/1/K queue (M/M/1 with room for K requests in the system,
one in service and K - 1 waiting; an arrival finding K present is rejected),
rho = lambda / mu, any rho > 0 (stable for rho >= 1 too).

Kleinrock, Queueing Systems Vol. 1, section 3.6; Gross & Harris, Fundamentals
of Queueing Theory (4th ed.), section 2.4 (M/M/c/K with c = 1):

    p_n = (1 - rho) rho^n / (1 - rho^(K+1)),  n = 0..K
    blocking probability (PASTA)   P_K = (1 - rho) rho^K / (1 - rho^(K+1))
    mean number in system          L = rho / (1 - rho) - (K + 1) rho^(K+1) / (1 - rho^(K+1))
    accepted throughput            lambda (1 - P_K)
    mean response time (accepted)  W = L / (lambda (1 - P_K))      (Little)
    utilisation                    1 - p_0 = lambda (1 - P_K) / mu

archsim: workers=1, queue_limit=K-1 (queue_limit counts waiting requests per
instance, excluding the one in service); a rejected request is an error of kind
"rejected" at the service and the client.
"""

import math

import pytest

import archsim as sim
from conftest import (Estimate, check_fingerprint, error_fraction, figure, mean_latency, measured_seconds,
                      simulate, throughput)

MU = 1000.0
K = 5

# rho -> (batch seconds, seeds)
CASES = {0.8: (15.0, (41, 42)), 1.2: (10.0, (43, 44))}


def blocking(rho: float, k: int) -> float:
    return (1 - rho) * rho**k / (1 - rho ** (k + 1))


def mean_in_system(rho: float, k: int) -> float:
    return rho / (1 - rho) - (k + 1) * rho ** (k + 1) / (1 - rho ** (k + 1))


def test_mm1k_formulas_agree_with_the_stationary_distribution():
    for rho in (0.5, 0.8, 1.2, 3.0):
        p = [rho**n for n in range(K + 1)]
        p = [x / sum(p) for x in p]
        assert blocking(rho, K) == pytest.approx(p[K])
        assert mean_in_system(rho, K) == pytest.approx(sum(n * x for n, x in enumerate(p)))


def mm1k_model(rho: float) -> sim.Model:
    m = sim.Model(f"mm1k-K{K}-rho{rho}")
    s = m.service("server", workers=1, queue_limit=K - 1, service_time=sim.Exp(rate=MU))
    m.client("load", target=s, workload=sim.Open(rate=rho * MU))
    return m


@pytest.mark.parametrize("rho", sorted(CASES))
def test_mm1k_blocking_probability_and_mean_number(rho):
    batch, seeds = CASES[rho]
    lam = rho * MU
    PK = blocking(rho, K)
    L = mean_in_system(rho, K)
    label = f"M/M/1/{K} rho={rho}"

    r = simulate(lambda: mm1k_model(rho), seeds=seeds, batch=batch)
    for one in r:
        row = one.component("server")
        assert row["errors"] == row["errors_rejected"] > 0  # every error is a rejection
        assert one.component("load")["errors_rejected"] == row["errors_rejected"]
        assert one.latency("server").max() > 0
    error_fraction(r, "server").check(PK, f"{label} P_K (blocking)", max_rel_se=0.01)
    throughput(r, "server").check(lam * (1 - PK), f"{label} accepted throughput (/s)", max_rel_se=0.005)
    W = mean_latency(r, "server")
    W.check(L / (lam * (1 - PK)), f"{label} W accepted (s)", max_rel_se=0.005)
    # L is tied to W by Little's law sample path by sample path.
    Estimate(figure(r, "server", "mean_in_flight"), lam * (1 - PK) * W.se).check(L, f"{label} L", max_rel_se=0.005)
    # The queue never holds more than K - 1: its time average is below K - 1.
    assert figure(r, "server", "mean_queue") < K - 1
    # Utilisation = (sum of the accepted service times) / T. Were the accepted
    # stream Poisson, its variance would be lambda (1 - P_K) E[S^2] / T (compound
    # Poisson); blocking only makes the accepted stream more regular.
    u_theory = lam * (1 - PK) / MU
    se_u = math.sqrt(lam * (1 - PK) * 2 / MU**2 / measured_seconds(r))
    Estimate(figure(r, "server", "utilisation"), se_u).check(u_theory, f"{label} utilisation", max_rel_se=0.005)


@pytest.mark.parametrize("rho", sorted(CASES))
def test_mm1k_fingerprint_is_pinned(rho):
    check_fingerprint(f"mm1k-K{K}-rho{rho}", mm1k_model(rho), seed=CASES[rho][1][0])

"""Validation: the M/M/c queue (Poisson arrivals at rate lambda, c identical
exponential servers of rate mu sharing one FIFO queue), offered load a = lambda/mu,
utilisation rho = a/c < 1.

Erlang's C formula, the probability that an arrival must wait (Kleinrock,
Queueing Systems Vol. 1, section 3.5; Gross & Harris, Fundamentals of Queueing
Theory (4th ed.), section 2.3):

    C(c, a) = [a^c / c! * 1/(1 - rho)] / [sum_{k=0}^{c-1} a^k / k! + a^c / c! * 1/(1 - rho)]

and, the wait of a waiting customer being exponential with rate c mu - lambda,

    Wq = C(c, a) / (c mu - lambda)           mean wait in queue
    Lq = lambda Wq = C(c, a) rho / (1 - rho)  mean number waiting (Little)
    W  = Wq + 1/mu                            mean response time

so P(wait) can be measured two ways: Wq (c mu - lambda) with Wq = W - 1/mu, and
Lq (c mu - lambda) / lambda with Lq the time-averaged queue length.

archsim: one service instance with c workers is an M/M/c station (its queue is
per instance and shared by the instance's workers).
"""

import math

import pytest

import archsim as sim
from conftest import Estimate, check_fingerprint, figure, mean_latency, measured_seconds, scaled, simulate

MU = 1000.0  # per server, per second

# c -> (rho, batch seconds, seeds, max relative standard error)
CASES = {4: (0.8, 30.0, (21, 22), 0.007), 16: (0.85, 24.0, (23, 24), 0.008)}


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load a (Erlang C)."""
    rho = a / c
    tail = a**c / math.factorial(c) / (1 - rho)
    return tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)


def test_erlang_c_formula_agrees_with_the_erlang_b_recursion():
    # An independent route (Gross & Harris section 2.5; Kleinrock section 3.7):
    # Erlang B by the recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), and
    # C = c B / (c - a (1 - B)). For c = 1, C = rho; for c = 2, a = 1, C = 1/3.
    for c, a in [(1, 0.7), (2, 1.0), (4, 3.2), (10, 8.0), (16, 13.6), (50, 45.0)]:
        b = 1.0
        for k in range(1, c + 1):
            b = a * b / (k + a * b)
        assert erlang_c(c, a) == pytest.approx(c * b / (c - a * (1 - b)), rel=1e-12)
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)


def mmc_model(c: int) -> sim.Model:
    rho = CASES[c][0]
    m = sim.Model(f"mmc-c{c}")
    s = m.service("server", workers=c, service_time=sim.Exp(rate=MU))
    m.client("load", target=s, workload=sim.Open(rate=rho * c * MU))
    return m


@pytest.mark.parametrize("c", sorted(CASES))
def test_mmc_wait_probability_and_mean_wait_follow_erlang_c(c):
    rho, batch, seeds, max_rel_se = CASES[c]
    lam = rho * c * MU
    a = lam / MU
    C = erlang_c(c, a)
    Wq_theory = C / (c * MU - lam)
    label = f"M/M/{c} rho={rho}"

    r = simulate(lambda: mmc_model(c), seeds=seeds, batch=batch)
    W = mean_latency(r, "server")
    Wq = scaled(W, 1.0, -1 / MU)  # W - 1/mu; its error is W's
    Wq.check(Wq_theory, f"{label} Wq (s)", max_rel_se=max_rel_se)
    scaled(Wq, c * MU - lam).check(C, f"{label} P(wait) = Wq(c mu - lambda)", max_rel_se=max_rel_se)

    # Lq = lambda Wq sample path by sample path: the same relative error as Wq.
    Lq = Estimate(figure(r, "server", "mean_queue"), lam * Wq.se)
    Lq.check(C * rho / (1 - rho), f"{label} Lq", max_rel_se=max_rel_se)
    scaled(Lq, (c * MU - lam) / lam).check(C, f"{label} P(wait) = Lq(c mu - lambda)/lambda", max_rel_se=max_rel_se)

    # Utilisation per worker (busy workers / c): a compound Poisson sum, variance lambda E[S^2] / (c^2 T).
    se_u = math.sqrt(lam * 2 / MU**2 / measured_seconds(r)) / c
    Estimate(figure(r, "server", "utilisation"), se_u).check(rho, f"{label} utilisation", max_rel_se=0.002)
    assert all(one.component("server")["errors"] == 0 for one in r)


@pytest.mark.parametrize("c", sorted(CASES))
def test_mmc_fingerprint_is_pinned(c):
    check_fingerprint(f"mmc-c{c}", mmc_model(c), seed=CASES[c][2][0])

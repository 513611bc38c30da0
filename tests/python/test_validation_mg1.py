"""Validation: the M/G/1 queue (Poisson arrivals at rate lambda, one server,
service times S i.i.d. with any distribution, FIFO), rho = lambda E[S] < 1.

The Pollaczek-Khinchine mean-value formula (Kleinrock, Queueing Systems Vol. 1,
chapter 5, "The queue M/G/1"; Gross & Harris, Fundamentals of Queueing Theory,
the M/G/1 section of the chapter on general service patterns):

    Wq = lambda E[S^2] / (2 (1 - rho)),   E[S^2] = Var[S] + E[S]^2
    W  = Wq + E[S],   Lq = lambda Wq,   utilisation = rho

Cases: M/D/1 (constant service: E[S^2] = E[S]^2, so Wq = rho E[S] / (2 (1 - rho)),
half the M/M/1 wait) and M/G/1 with log-normal service (median 1 ms, p99 5 ms:
sigma = 0.692, squared coefficient of variation e^(sigma^2) - 1 = 0.61).
E[S] and Var[S] come from Distribution.mean() / variance(), themselves checked
against the closed forms below.
"""

import math

import pytest

import archsim as sim
from conftest import Estimate, check_fingerprint, figure, mean_latency, measured_seconds, scaled, simulate

RHO = 0.8

# name -> (service time, batch seconds, seeds, max relative standard error of Wq)
CASES = {
    "md1": (sim.Const("1ms"), 25.0, (31, 32), 0.008),
    "mg1-lognormal": (sim.LogNormal(median="1ms", p99="5ms"), 60.0, (33, 34), 0.007),
}


def test_service_moments_match_closed_forms():
    # Log-normal with median m and p99 q: mu = ln m, sigma = ln(q/m) / z_0.99;
    # mean e^(mu + sigma^2/2), variance (e^(sigma^2) - 1) mean^2 (Johnson, Kotz & Balakrishnan).
    sigma = math.log(5) / 2.3263478740408408
    mean = 1e-3 * math.exp(sigma**2 / 2)
    d = CASES["mg1-lognormal"][0]
    assert d.mean() == pytest.approx(mean, rel=1e-9)
    assert d.variance() == pytest.approx((math.exp(sigma**2) - 1) * mean**2, rel=1e-9)
    assert CASES["md1"][0].mean() == pytest.approx(1e-3, rel=1e-12)
    assert CASES["md1"][0].variance() == 0


def mg1_model(name: str) -> sim.Model:
    service = CASES[name][0]
    m = sim.Model(name)
    s = m.service("server", workers=1, service_time=service)
    m.client("load", target=s, workload=sim.Open(rate=RHO / service.mean()))
    return m


@pytest.mark.parametrize("name", sorted(CASES))
def test_mg1_mean_wait_follows_pollaczek_khinchine(name):
    service, batch, seeds, max_rel_se = CASES[name]
    ES = service.mean()
    ES2 = service.variance() + ES**2
    lam = RHO / ES
    Wq_theory = lam * ES2 / (2 * (1 - RHO))

    r = simulate(lambda: mg1_model(name), seeds=seeds, batch=batch)
    W = mean_latency(r, "server")
    W.check(Wq_theory + ES, f"{name} rho={RHO} W (s)", max_rel_se=max_rel_se)
    Wq = scaled(W, 1.0, -ES)
    Wq.check(Wq_theory, f"{name} rho={RHO} Wq (s)", max_rel_se=max_rel_se)
    # Lq = lambda Wq sample path by sample path: Wq's relative error.
    Estimate(figure(r, "server", "mean_queue"), lam * Wq.se).check(lam * Wq_theory, f"{name} rho={RHO} Lq",
                                                                    max_rel_se=max_rel_se)
    # Busy time / T = (sum of service times begun) / T: variance lambda E[S^2] / T.
    se_u = math.sqrt(lam * ES2 / measured_seconds(r))
    Estimate(figure(r, "server", "utilisation"), se_u).check(RHO, f"{name} rho={RHO} utilisation",
                                                             max_rel_se=0.002)
    if name == "md1":
        # Every response time is the wait plus exactly 1 ms, never less.
        assert all(one.latency("server").min() >= 1e-3 for one in r)


@pytest.mark.parametrize("name", sorted(CASES))
def test_mg1_fingerprint_is_pinned(name):
    check_fingerprint(name, mg1_model(name), seed=CASES[name][2][0])

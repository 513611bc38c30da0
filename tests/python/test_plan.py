"""archsim.plan on an M/M/c sizing question whose answer comes from Erlang C.

Poisson arrivals at lambda = 800/s to one service with c workers and
exponential service of mean 4 ms (mu = 250/s): M/M/c, stable for c >= 4.
The response time R = W + S: the wait W is 0 with probability 1 - C(c, a)
and otherwise exponential with rate theta = c mu - lambda, independent of the
request's own service time S (Gross & Harris, Fundamentals of Queueing
Theory, 4th ed., section 2.3; Erlang C: C(c, a), a = lambda / mu = 3.2). So

    P(R > t) = (1 - C) e^(-mu t) + C (mu e^(-theta t) - theta e^(-mu t)) / (mu - theta)

and the p99 is the root of P(R > t) = 0.01. The smallest c whose p99 is under
the SLO is the known answer; plan must find it from simulation alone.
"""

import math

import pytest
from scipy import optimize

import archsim as sim
from archsim import analytic

RATE, MEAN = 800.0, 0.004
MU = 1 / MEAN


def mmc_response_tail(c: int, t: float, rate: float = RATE) -> float:
    C = analytic.erlang_c(servers=c, load=rate / MU)
    theta = c * MU - rate
    both = (MU * math.exp(-theta * t) - theta * math.exp(-MU * t)) / (MU - theta)
    return (1 - C) * math.exp(-MU * t) + C * both


def mmc_p99(c: int, rate: float = RATE) -> float:
    return optimize.brentq(lambda t: mmc_response_tail(c, t, rate) - 0.01, 1e-6, 1.0, xtol=1e-12)


def pool(workers: int = 1) -> sim.Model:
    m = sim.Model("pool")
    svc = m.service("pool", workers=workers, service_time=sim.Exp(MEAN))
    m.client("web", target=svc, workload=sim.Open(rate=100))
    return m


def test_mmc_p99_formula():
    # c = 1: R is exponential with rate mu - lambda (M/M/1), so p99 = ln(100) / (mu - lambda).
    assert mmc_p99(1, rate=50) == pytest.approx(math.log(100) / (MU - 50), rel=1e-9)
    assert [round(mmc_p99(c) * 1e3, 2) for c in (4, 5, 6)] == [P99_MS[4], P99_MS[5], P99_MS[6]]


# p99 of the response time in ms by workers, from mmc_p99 (checked above).
P99_MS = {4: 27.57, 5: 19.63, 6: 18.69}
SLO_MS = 23.0  # between c = 5 (19.63) and c = 4 (27.57): the answer is 5


def test_plan_finds_the_erlang_c_answer_for_a_p99_slo():
    p = sim.plan(pool(), param="pool.workers", slo=f"p99 < {SLO_MS}ms", load=RATE, replications=5,
                 duration="40s", warmup="2s", seed=1)
    assert p.answer == 5, p.curve
    curve = p.curve.set_index("value")
    assert bool(curve.at[5, "meets"]) and not bool(curve.at[4, "meets"])
    # The simulated p99 is the theory's within a few per cent: 2 % at utilisation 0.64 (c = 5); at 0.8
    # (c = 4) 40 s runs are short for a p99 (long busy periods), so within 10 %.
    assert curve.at[5, "simulated"] == pytest.approx(P99_MS[5] / 1e3, rel=0.02), curve
    assert curve.at[4, "simulated"] == pytest.approx(P99_MS[4] / 1e3, rel=0.10), curve
    assert p.start in curve.index  # the search began at the analytic estimate
    assert p.at == "web" and p.slo.metric == "p99"


def test_plan_for_a_mean_slo_starts_at_the_exact_estimate():
    # Mean response: 6.98 ms at c = 4, 4.64 ms at c = 5 (Erlang C): the answer to "mean < 5ms" is 5, and the
    # analytic estimate is exact for M/M/c, so the search starts there.
    p = sim.plan(pool(), param="pool.workers", slo="mean < 5ms", load=RATE, replications=4, duration="20s")
    assert p.start == 5 and p.answer == 5
    assert p.curve.set_index("value").at[5, "analytic"] == pytest.approx(
        analytic.mmc(RATE, MEAN, servers=5)["mean_response"], rel=1e-12)


def test_plan_with_a_build_function_and_bad_arguments():
    p = sim.plan(lambda c: pool(workers=c), param="workers", slo="mean<=5.5ms", load=RATE, replications=3,
                 duration="10s")
    assert p.answer == 5
    assert pool().analyze().components.at["pool", "throughput"] == 100  # plan left the model's own rate alone
    for kwargs, match in [(dict(slo="p98 < 1s"), "slo must read"), (dict(slo="p99 > 1s"), "slo must read"),
                          (dict(param="pool.threads"), "field one of instances, workers"),
                          (dict(param="db.workers"), "no service named 'db'"),
                          (dict(replications=1), "replications must be an integer >= 2"),
                          (dict(load=-3), "load must be a rate > 0"), (dict(at="nobody"), "not a client")]:
        args = dict(param="pool.workers", slo="p99 < 20ms") | kwargs
        with pytest.raises(ValueError, match=match):
            sim.plan(pool(), **args)

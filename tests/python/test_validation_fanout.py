"""Validation: parallel fan-out ("the tail at scale").

A request fans out to n independent leaves at once and waits for all of them,
so its latency is the maximum of the n leaf latencies. With leaves that never
queue (more workers than can be busy) and i.i.d. leaf times with CDF F,

    P(max <= t) = F(t)^n                          (order statistics: David &
                                                   Nagaraja, Order Statistics, 3rd ed., section 2.1)

* A fraction p of slow responses: each leaf time is fast with probability
  1 - p and slow with probability p, so for fast < t < slow
      P(max > t) = 1 - (1 - p)^n
  (Dean & Barroso, "The Tail at Scale", CACM 56(2), 2013: with n = 100 and
  p = 1 %, 63 % of requests are slow).
* Exponential leaves of rate mu: F(t) = 1 - e^(-mu t), so the q-quantile of
  the max is t_q = -ln(1 - q^(1/n)) / mu, and by Renyi's representation of
  exponential order statistics E[max] = H_n / mu, Var[max] = (sum_{k<=n} 1/k^2) / mu^2.

Requests are independent (the leaves never queue), so a fraction measured
over N requests has the binomial standard error sqrt(P (1 - P) / N) and the
mean the standard error sqrt(Var[max] / N).
"""

import math

import numpy as np
import pytest

import archsim as sim
from conftest import (PERCENTILE_RESOLUTION, Estimate, assert_littles_law, check_fingerprint, mean_latency,
                      percentile_latency, simulate)

LEAF_WORKERS = 1_000_000  # leaves never queue
FAST, SLOW = 0.001, 0.010  # s

# (n, p) -> (rate per second, batch seconds, seeds)
SLOW_FRACTION_CASES = {(10, 0.05): (1000.0, 2.5, (71, 72)), (100, 0.01): (1000.0, 0.5, (73, 74))}


def slow_fraction_model(n: int, p: float) -> sim.Model:
    m = sim.Model(f"fanout-n{n}-p{p}")
    leaf_time = sim.Mixture([1 - p, p], [sim.Const(FAST), sim.Const(SLOW)])
    leaves = [m.service(f"leaf{i}", workers=LEAF_WORKERS, service_time=leaf_time) for i in range(n)]
    fan = m.service("fan", workers=LEAF_WORKERS, calls=[sim.Parallel([sim.Call(x) for x in leaves], wait="all")])
    m.client("load", target=fan, workload=sim.Open(rate=SLOW_FRACTION_CASES[(n, p)][0]))
    return m


def fraction_above(h: sim.LatencyHistogram, t: float) -> float:
    """Fraction of recorded latencies above t (t not inside a bucket holding values)."""
    edges, cum = h.cdf()
    below = cum[edges <= t]
    return 1.0 - (below[-1] if len(below) else 0.0)


@pytest.mark.parametrize("n,p", sorted(SLOW_FRACTION_CASES))
def test_fan_out_is_slow_with_probability_one_minus_one_minus_p_to_the_n(n, p):
    rate, batch, seeds = SLOW_FRACTION_CASES[(n, p)]
    r = simulate(lambda: slow_fraction_model(n, p), seeds=seeds, batch=batch)
    h = sim.LatencyHistogram()
    for one in r:
        h.merge(one.latency("fan"))
    # Every latency is exactly one of the two leaf times: fan-out adds nothing.
    assert h.min() == FAST and h.max() == SLOW
    P = 1 - (1 - p) ** n
    N = h.count
    Estimate(fraction_above(h, (FAST + SLOW) / 2), math.sqrt(P * (1 - P) / N)).check(
        P, f"fan-out n={n} p={p} P(max > 5ms)", max_rel_se=0.006)
    # The leaves themselves: a fraction p of slow responses each.
    leaf = sim.LatencyHistogram()
    for one in r:
        for i in range(n):
            leaf.merge(one.latency(f"leaf{i}"))
    # (a few more than n N: leaf calls of requests still waiting for a slow leaf at the end)
    assert n * N <= leaf.count <= n * N * 1.001
    Estimate(fraction_above(leaf, (FAST + SLOW) / 2), math.sqrt(p * (1 - p) / leaf.count)).check(
        p, f"fan-out n={n} leaves P(slow)", max_rel_se=0.006)


EXP_N, EXP_MU = 8, 1000.0


def exp_leaves_model() -> sim.Model:
    m = sim.Model(f"fanout-exp-n{EXP_N}")
    leaves = [m.service(f"leaf{i}", workers=LEAF_WORKERS, service_time=sim.Exp(rate=EXP_MU)) for i in range(EXP_N)]
    fan = m.service("fan", workers=LEAF_WORKERS, calls=[sim.Parallel([sim.Call(x) for x in leaves])])
    m.client("load", target=fan, workload=sim.Open(rate=2000))
    return m


def test_fan_out_to_exponential_leaves_has_the_max_order_statistic_distribution():
    r = simulate(exp_leaves_model, seeds=(75, 76), batch=2.5)
    N = sum(one.latency("fan").count for one in r)
    mean = sum(1 / k for k in range(1, EXP_N + 1)) / EXP_MU
    var = sum(1 / k**2 for k in range(1, EXP_N + 1)) / EXP_MU**2
    m = mean_latency(r, "fan")
    Estimate(m.value, math.sqrt(var / N)).check(mean, f"fan-out Exp n={EXP_N} E[max] (s)", max_rel_se=0.003)
    for q in (50, 90, 99):
        t_q = -math.log(1 - (q / 100) ** (1 / EXP_N)) / EXP_MU
        percentile_latency(r, "fan", q).check(t_q, f"fan-out Exp n={EXP_N} p{q} of max (s)", max_rel_se=0.006,
                                              resolution=PERCENTILE_RESOLUTION)


def test_round_robin_fan_out_to_n_instances_visits_each_instance_once():
    # A Parallel of n round_robin calls to a service with n single-worker
    # instances sends one call to each instance (the service keeps one picker
    # per target and strategy). At light load (a request a second on average,
    # 1 ms service) a request then takes exactly 1 ms, barring rare (0.1 %)
    # overlaps with the previous one; were all n calls sent to one instance they
    # would queue behind each other and take n ms.
    n = 4
    m = sim.Model("fanout-instances")
    leaf = m.service("leaf", instances=n, workers=1, service_time=sim.Const("1ms"))
    fan = m.service("fan", workers=100, calls=[sim.Parallel([sim.Call(leaf, strategy="round_robin")] * n)])
    m.client("load", target=fan, workload=sim.Open(rate=1))
    r = sim.run(m, until_requests=2_000, seed=1, progress=False)
    assert r.requests_completed == 2_000
    assert_littles_law(r)
    h = r.latency("fan")
    assert abs(h.percentile(99) - 0.001) <= 0.001 * PERCENTILE_RESOLUTION  # (a bucket midpoint)
    assert h.min() == 0.001 and h.mean() < 0.00101
    assert list(r.instances("leaf")["completed"]) == [2_000] * n


@pytest.mark.parametrize("n,p", sorted(SLOW_FRACTION_CASES))
def test_fan_out_fingerprint_is_pinned(n, p):
    check_fingerprint(f"fanout-n{n}-p{p}", slow_fraction_model(n, p), seed=SLOW_FRACTION_CASES[(n, p)][2][0])


def test_fan_out_exp_fingerprint_is_pinned():
    check_fingerprint(f"fanout-exp-n{EXP_N}", exp_leaves_model(), seed=75)

"""Validation: an autoscaler settles at the instance count its target implies.

The rule (the Kubernetes Horizontal Pod Autoscaler's; kubernetes.io/docs/tasks/
run-application/horizontal-pod-autoscale, "Algorithm details"):

    desired = ceil(n * observed / target), clamped to [min, max]

with n the active instances and observed their utilisation averaged over the
interval. With Poisson arrivals at rate lambda, mean service time S and c workers
per instance, offered load is lambda S busy workers whatever n is (while n c
exceeds it), so observed = lambda S / (n c) and the rule's fixed point is

    n* = ceil(lambda S / (c u))

reached in one decision from any n that is not saturated. The loads below put
lambda S / (c u) half-way between two integers (2.5 and 4.5), so the interval
average's noise (a few tenths of a percent of utilisation over 30 s) is many
standard deviations from moving the ceiling.

Settled at n*, random routing splits the Poisson stream into n* independent
Poisson streams of rate lambda / n* (Kleinrock, Queueing Systems Vol. 1, section
2.4, decomposition of a Poisson process; Gross & Harris, Fundamentals of
Queueing Theory, section 2.10), so each instance is an M/M/c queue: utilisation
rho = lambda S / (n* c), and mean response time from Erlang's C formula
(Kleinrock section 3.5; Gross & Harris section 2.3):

    W = C(c, a) / (c mu - lambda / n*) + 1 / mu,   a = lambda S / n*.
"""

import math

import numpy as np
import pytest

import archsim as sim
from conftest import check_fingerprint, figure, mean_latency, simulate
from test_validation_mmc import erlang_c

S = 0.020         # mean service time, s
C = 8             # workers per instance
U = 0.6           # target utilisation
LOW, HIGH = 600.0, 1080.0  # arrivals per second: lambda S / (c u) = 2.5 and 4.5
INTERVAL, COOLDOWN, DELAY = 30.0, 60.0, 20.0  # s


def settled_count(lam: float) -> int:
    return math.ceil(lam * S / (C * U))


def step_model(schedule, instances: int) -> sim.Model:
    m = sim.Model("autoscale-step")
    api = m.service("api", instances=instances, workers=C, service_time=sim.Exp(S),
                    autoscale=sim.Autoscale(target_utilisation=U, min=2, max=8, interval=INTERVAL,
                                            cooldown=COOLDOWN, provisioning_delay=DELAY))
    lb = m.balancer("lb", target=api, strategy="random")
    m.client("load", target=lb, workload=sim.Open(schedule[0][1], schedule=schedule))
    return m


def test_the_fixed_points_of_the_loads_used_here():
    assert (settled_count(LOW), settled_count(HIGH)) == (3, 5)
    # Half-way between integers, and neither load saturates the count before the step.
    assert LOW * S / (C * U) == pytest.approx(2.5) and HIGH * S / (C * U) == pytest.approx(4.5)
    assert HIGH * S / (settled_count(LOW) * C) < 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_step_up_and_down_settles_at_ceil_lambda_s_over_c_u(seed):
    up, down, end = 150.0, 300.0, 420.0  # steps on evaluation instants (multiples of INTERVAL)
    m = step_model([(0, LOW), (up, HIGH), (down, LOW)], instances=settled_count(LOW))
    res = sim.run(m, duration=end, seed=seed, progress=False)
    decisions = res.scaling("api")
    # One decision per step, at the first evaluation whose interval lies wholly after it:
    # the bound is one interval (cooldowns have passed by then), plus the provisioning delay
    # before the new instances take requests.
    assert list(decisions["time_s"]) == [up + INTERVAL, down + INTERVAL]
    assert list(decisions["from"]) == [3, 5] and list(decisions["to"]) == [5, 3]
    # The observed utilisation that drove them: lambda S / (n c) at the old count.
    assert decisions["observed"].iloc[0] == pytest.approx(HIGH * S / (3 * C), rel=0.03)
    assert decisions["observed"].iloc[1] == pytest.approx(LOW * S / (5 * C), rel=0.03)
    n = res.timeseries("api", "instances", window="10s")
    assert (n[n.index < up + INTERVAL] == 3).all()
    assert (n[(n.index >= up + INTERVAL) & (n.index < up + INTERVAL + DELAY)] == 3).all()  # provisioning
    assert (n[(n.index >= up + INTERVAL + DELAY) & (n.index < down + INTERVAL)] == 5).all()
    assert (n[n.index >= down + INTERVAL] == 3).all()  # draining instances take no new requests
    p = res.timeseries("api", "provisioning", window="10s")
    assert (p[(p.index >= up + INTERVAL) & (p.index < up + INTERVAL + DELAY)] == 2).all()
    assert res.availability("load") == 1.0  # scale-in drains: no request is lost


def settled_model() -> sim.Model:
    # Starts at the low count under the high load; settles at 5 by INTERVAL + DELAY = 50 s.
    return step_model([(0, HIGH)], instances=settled_count(LOW))


def test_settled_utilisation_and_latency_match_mmc_per_instance():
    n = settled_count(HIGH)
    lam_i = HIGH / n  # per instance
    mu = 1 / S
    # 12 warm-up batches of 10 s cover the scaling at 30 s and the provisioning until 50 s.
    results = simulate(settled_model, seeds=(11, 12), batch=10.0, warmup_batches=12)
    for r in results:
        d = r.scaling("api")
        assert list(d["to"]) == [n] and d["time_s"].iloc[0] == INTERVAL
        inst = r.instances("api")
        active = inst[inst.completed > 0]
        assert len(active) == n
        # Per instance: rho = lambda S / (n c); Poisson splitting makes each exactly M/M/c.
        np.testing.assert_allclose(active.utilisation, lam_i * S / C, rtol=0.03)
        assert (inst[inst.completed == 0].utilisation == 0).all()
    assert figure(results, "api", "utilisation") == pytest.approx(HIGH * S / (n * C), rel=0.01)
    a = lam_i / mu
    W = erlang_c(C, a) / (C * mu - lam_i) + 1 / mu
    mean_latency(results, "api").check(W, f"autoscaled M/M/{C} x {n} W (s)", max_rel_se=0.01)


@pytest.mark.parametrize("metric", ["utilisation", "queue"])
def test_fingerprint(metric):
    # Fast evaluations, so that the pinned 10^4 requests see scaling up, provisioning and draining.
    target = {"target_utilisation": U} if metric == "utilisation" else {"target_queue": 0.5}
    m = sim.Model(f"autoscale-{metric}")
    api = m.service("api", instances=2, workers=C, service_time=sim.Exp(S),
                    autoscale=sim.Autoscale(**target, min=2, max=8, interval="500ms", cooldown="1s",
                                            provisioning_delay="1s"))
    lb = m.balancer("lb", target=api, strategy="p2c")
    m.client("load", target=lb, workload=sim.Open(HIGH, schedule=[(0, HIGH), (5, LOW)]))
    check_fingerprint(f"autoscale_{metric}", m, seed=5)

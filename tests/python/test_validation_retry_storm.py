"""A retry storm: a metastable failure, and its fix.

A dependency with capacity mu = 4 workers / 4 ms = 1000 requests/s serves
lambda = 700 requests/s (utilisation 0.7) behind a 50 ms per-attempt timeout
and 3 attempts. A slowdown (service times x3 for 2 s) builds a queue whose
wait exceeds the timeout. From then on, without a retry budget, every call
makes 3 attempts and the dependency, which still finishes abandoned attempts,
is offered 3 x 700 = 2100/s > mu: the queue keeps growing after the slowdown
ends and no request succeeds again (Bronson et al., "Metastable Failures in
Distributed Systems", HotOS 2021; Brooker, "Timeouts, retries and backoff with
jitter", Amazon Builders' Library). With a retry budget of 10 % the offered
load is at most 1.1 x 700 = 770/s < mu, so the backlog drains at >= 230/s and
the system returns to its level before the slowdown; jitter spreads the
retries that remain. Both outcomes are asserted with fixed seeds.
"""

import pytest

import archsim as sim


def storm_model(budget, jitter):
    m = sim.Model("retry-storm")
    db = m.service("db", workers=4, service_time=sim.Exp("4ms"))
    retry = sim.Retry(attempts=3, backoff="10ms", jitter=jitter, budget=budget)
    app = m.service("app", workers=100_000, calls=[sim.Call(db, timeout="50ms", retry=retry)])
    m.client("web", target=app, workload=sim.Open(rate=700))
    return m


SLOWDOWN = [sim.Slow("db", factor=3, at="20s", duration="2s")]


def run(budget, jitter, seed):
    return sim.run(storm_model(budget, jitter), duration="60s", warmup="5s", seed=seed, progress=False,
                   faults=SLOWDOWN)


@pytest.mark.parametrize("seed", [1, 2])
def test_without_budget_or_jitter_a_short_slowdown_becomes_a_sustained_overload(seed):
    r = run(None, "none", seed)
    tput = r.timeseries("web", "throughput", window="5s")
    assert tput.loc[5.0:15.0].min() > 0.95 * 700  # healthy before the slowdown
    assert tput.loc[30.0:55.0].max() < 0.05 * 700  # and never again after it
    app = r.component("app")
    # 3 attempts per call for the 40 s after the slowdown, 1 for the 15 s before it
    assert app["amplification"] == pytest.approx((15 * 1 + 40 * 3) / 55, rel=0.02)
    assert r.recovery("web", window="5s").status[0] == "did not recover"


@pytest.mark.parametrize("seed", [1, 2])
def test_with_a_retry_budget_and_jitter_the_same_slowdown_passes(seed):
    r = run(0.1, "full", seed)
    rec = r.recovery("web", window="5s")
    assert rec.status[0] == "recovered"
    assert rec.recovery_s[0] <= 20
    tput = r.timeseries("web", "throughput", window="5s")
    assert tput.loc[45.0:55.0].min() == pytest.approx(700, rel=0.05)
    app = r.component("app")
    first = app["calls"] - app["retries"]
    assert app["retries"] <= 0.1 * first + 1  # the budget holds over the run

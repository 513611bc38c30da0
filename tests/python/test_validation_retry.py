"""Timeouts and retries against theory.

Retry load amplification: with independent per-try failure probability p and up
to r retries, a logical call makes E[attempts] = sum_{k=0}^{r} p^k tries and
fails only if all r+1 fail, with probability p^(r+1) (geometric trials; e.g.
Brooker, "Timeouts, retries and backoff with jitter", Amazon Builders' Library).

A timeout bounds what the caller waits: with Exp(mean m) service and timeout T at
an uncongested dependency, P(timeout) = exp(-T/m), and no successful call takes
longer than T.
"""

import math

import pytest

import archsim as sim

from conftest import assert_littles_law


def retry_model(p: float, attempts: int, budget=None) -> sim.Model:
    m = sim.Model("retry")
    db = m.service("db", workers=256, service_time=sim.Exp("1ms"), error_probability=p)
    app = m.service("app", workers=256,
                    calls=[sim.Call(db, retry=sim.Retry(attempts=attempts, backoff="1ms", budget=budget))])
    m.client("web", target=app, workload=sim.Open(rate=2000))
    return m


@pytest.mark.parametrize("p,retries", [(0.1, 1), (0.3, 2), (0.5, 4)])
def test_retry_amplification_is_the_geometric_sum(p, retries):
    r = sim.run(retry_model(p, retries + 1), duration="60s", warmup="1s", seed=11, progress=False)
    assert_littles_law(r)
    app = r.component("app")
    n = app["calls"] - app["retries"]  # logical calls
    expected = sum(p ** k for k in range(retries + 1))
    # attempts per call is a sum of n i.i.d. truncated geometrics: standard error from its variance
    second = sum((2 * k + 1) * p ** k for k in range(retries + 1))  # E[A^2] = sum (2k+1) P(A > k)
    se = math.sqrt((second - expected ** 2) / n)
    assert abs(app["amplification"] - expected) < 5 * se
    fail = p ** (retries + 1)
    se_fail = math.sqrt(fail * (1 - fail) / n)
    assert abs((1 - app["availability"]) - fail) < 5 * se_fail + 1e-9


def test_a_retry_budget_caps_retries_per_first_attempt():
    r = sim.run(retry_model(0.5, 5, budget=0.1), duration="30s", seed=3, progress=False)
    app = r.component("app")
    first = app["calls"] - app["retries"]
    assert app["retries"] <= 0.1 * first + 1
    assert app["retries"] >= 0.09 * first  # the budget is used, not ignored


def test_no_retry_without_an_error_marked_retryable():
    m = sim.Model("no-retry")
    db = m.service("db", workers=64, service_time=sim.Exp("1ms"), error_probability=0.5)
    app = m.service("app", workers=64, calls=[sim.Call(db, retry=sim.Retry(attempts=3, on=("timeout",)))])
    m.client("web", target=app, workload=sim.Open(rate=500))
    app_row = sim.run(m, duration="10s", seed=5, progress=False).component("app")
    assert app_row["retries"] == 0
    assert app_row["errors_error"] > 0


@pytest.mark.parametrize("timeout_ms", [5, 15])
def test_a_timeout_bounds_latency_and_fires_with_the_exponential_tail_probability(timeout_ms):
    m = sim.Model("timeout")
    db = m.service("db", workers=1000, service_time=sim.Exp("10ms"))
    app = m.service("app", workers=1000, calls=[sim.Call(db, timeout=f"{timeout_ms}ms")])
    m.client("web", target=app, workload=sim.Open(rate=1000))
    r = sim.run(m, duration="30s", warmup="1s", seed=7, progress=False)
    app_row = r.component("app")
    assert app_row["max"] <= timeout_ms / 1000
    n = app_row["completed"] + app_row["errors"]
    p = math.exp(-timeout_ms / 10)
    assert abs(app_row["errors_timeout"] / n - p) < 5 * math.sqrt(p * (1 - p) / n)
    # the dependency still finishes the abandoned attempts: its own figures are untouched
    assert r.component("db")["errors"] == 0


def test_timeouts_are_retried_and_late_replies_are_ignored():
    m = sim.Model("timeout-retry")
    db = m.service("db", workers=1000, service_time=sim.Exp("10ms"))
    app = m.service("app", workers=1000,
                    calls=[sim.Call(db, timeout="10ms", retry=sim.Retry(attempts=3, backoff="1ms"))])
    m.client("web", target=app, workload=sim.Open(rate=1000))
    app_row = sim.run(m, duration="30s", warmup="1s", seed=9, progress=False).component("app")
    p = math.exp(-1)  # per-try timeout probability
    expected = 1 + p + p * p
    n = app_row["calls"] - app_row["retries"]
    assert abs(app_row["amplification"] - expected) < 0.02
    assert abs(app_row["errors_timeout"] / n - p ** 3) < 5 * math.sqrt(p ** 3 / n)


@pytest.mark.parametrize("jitter", ["none", "full", "equal", "decorrelated"])
def test_every_jitter_kind_runs_and_is_deterministic(jitter):
    def build():
        m = sim.Model("jitter")
        db = m.service("db", workers=64, service_time=sim.Exp("1ms"), error_probability=0.3)
        app = m.service("app", workers=64, calls=[sim.Call(db, retry=sim.Retry(attempts=4, backoff="2ms",
                                                                                 cap="20ms", jitter=jitter))])
        m.client("web", target=app, workload=sim.Open(rate=500))
        return m
    a = sim.run(build(), duration="5s", seed=1, progress=False)
    b = sim.run(build(), duration="5s", seed=1, progress=False)
    assert a.fingerprint() == b.fingerprint()
    assert a.component("app")["retries"] > 0


def test_backoff_delays_the_retry():
    # one failing try with a 50 ms backoff: the latency of a retried call exceeds 50 ms
    m = sim.Model("backoff")
    db = m.service("db", workers=64, service_time=sim.Const("1ms"), error_probability=0.5)
    app = m.service("app", workers=64, calls=[sim.Call(db, retry=sim.Retry(attempts=2, backoff="50ms"))])
    m.client("web", target=app, workload=sim.Open(rate=200))
    r = sim.run(m, duration="10s", seed=2, progress=False)
    h = r.latency("app")
    assert h.percentile(40) == pytest.approx(0.001, rel=0.01)   # most calls succeed at once
    assert h.percentile(90) == pytest.approx(0.052, rel=0.01)   # 1 ms + 50 ms + 1 ms


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.Retry(attempts=0), "attempts"),
    (lambda: sim.Retry(jitter="fuzzy"), "jitter"),
    (lambda: sim.Retry(on=("oops",)), "on"),
    (lambda: sim.Retry(budget=-1), "budget"),
    (lambda: sim.Call("db", timeout=0), "timeout"),
    (lambda: sim.Call("db", timeout="-5ms"), "timeout"),
    (lambda: sim.Call("db", retry=3), "retry"),
])
def test_bad_policy_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()


def test_a_circuit_breaker_during_an_outage_sends_only_its_probes():
    # The dependency always fails: the breaker opens after 5 failures, then each
    # open_for (1 s) lets one probe through, which fails and reopens it. Over
    # 20 s that is 5 + about 20 attempts instead of 20,000.
    m = sim.Model("breaker")
    db = m.service("db", workers=64, service_time=sim.Const("1ms"), error_probability=1.0)
    app = m.service("app", workers=64,
                    calls=[sim.Call(db, breaker=sim.CircuitBreaker(consecutive_failures=5, open_for="1s"))])
    m.client("web", target=app, workload=sim.Open(rate=1000))
    r = sim.run(m, duration="20s", seed=1, progress=False)
    app_row = r.component("app")
    assert 5 + 18 <= app_row["calls"] <= 5 + 21
    assert app_row["errors_circuit_open"] == app_row["arrivals"] - app_row["calls"]


def test_a_healthy_dependency_never_trips_the_breaker():
    m = sim.Model("breaker-ok")
    db = m.service("db", workers=64, service_time=sim.Exp("1ms"))
    app = m.service("app", workers=64, calls=[sim.Call(db, breaker=sim.CircuitBreaker(failure_rate=0.5))])
    m.client("web", target=app, workload=sim.Open(rate=1000))
    app_row = sim.run(m, duration="10s", seed=1, progress=False).component("app")
    assert app_row["errors"] == 0 and app_row["calls"] == app_row["arrivals"]


def test_a_bulkhead_caps_attempts_in_flight_and_rejects_the_rest():
    m = sim.Model("bulkhead")
    db = m.service("db", workers=1, service_time=sim.Exp("10ms"))
    app = m.service("app", workers=64, calls=[sim.Call(db, bulkhead=3)])
    m.client("web", target=app, workload=sim.Open(rate=200))
    r = sim.run(m, duration="20s", seed=1, progress=False)
    db_row, app_row = r.component("db"), r.component("app")
    assert r.instances("db").mean_in_flight.max() <= 3
    assert db_row["errors_rejected"] == 0            # the caller refuses before sending
    assert app_row["errors_rejected"] > 0
    assert app_row["calls"] == db_row["arrivals"]


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.CircuitBreaker(), "consecutive_failures"),
    (lambda: sim.CircuitBreaker(failure_rate=1.5), "failure_rate"),
    (lambda: sim.CircuitBreaker(consecutive_failures=0), "consecutive_failures"),
    (lambda: sim.CircuitBreaker(failure_rate=0.5, window=0), "window"),
    (lambda: sim.CircuitBreaker(failure_rate=0.5, open_for=0), "open_for"),
    (lambda: sim.Call("db", bulkhead=0), "bulkhead"),
    (lambda: sim.Call("db", breaker=3), "breaker"),
])
def test_bad_breaker_and_bulkhead_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()

"""Hedged requests and idempotency against theory.

Hedging after a fixed delay d (Dean & Barroso, "The Tail at Scale", CACM
2013): with Exp(mean m) service at an uncongested dependency, a hedge goes out
when the first attempt has not replied by d, with probability e^(-d/m), and
the call takes T = min(X1, d + X2), so for t >= d

    P(T > t) = e^(-t/m) e^(-(t-d)/m)   and the p-quantile is (m ln(1/(1-p)) + d) / 2.

Hedging at the q-th percentile of the observed latency hedges a share
1 - q/100 of the attempts. Duplicate effects: a non-idempotent call whose
dependency completes every attempt it receives has one duplicate per extra
attempt (retry after a timeout, or hedge), and none when the retried
attempts failed at the dependency (they had no effect).
"""

import math

import pytest

import archsim as sim


def hedged(hedge, rate=1000.0, idempotent=True, timeout=None, retry=None, error_probability=0.0):
    m = sim.Model("hedge")
    db = m.service("db", instances=2, workers=1000, service_time=sim.Exp("10ms"),
                   error_probability=error_probability)
    app = m.service("app", workers=1000, calls=[sim.Call(db, hedge=hedge, idempotent=idempotent,
                                                          timeout=timeout, retry=retry)])
    m.client("web", target=app, workload=sim.Open(rate=rate))
    return m


def test_a_fixed_delay_hedge_fires_with_the_tail_probability_and_cuts_the_tail():
    d, mean = 0.010, 0.010
    r = sim.run(hedged(sim.Hedge(delay="10ms")), duration="30s", warmup="1s", seed=1, progress=False)
    app = r.component("app")
    first = app["calls"] - app["hedges"]
    p = math.exp(-d / mean)
    assert abs(app["hedges"] / first - p) < 5 * math.sqrt(p * (1 - p) / first)
    for q in (90, 99):
        theory = (mean * math.log(1 / (1 - q / 100)) + d) / 2
        assert r.latency("app").percentile(q) == pytest.approx(theory, rel=0.03)
    assert app["amplification"] == pytest.approx(1 + p, rel=0.01)
    assert app["errors"] == 0  # the losing copy's reply is ignored, not counted
    # every copy reaches the db (up to the attempts that straddle the end of the warm-up)
    assert abs(r.component("db")["arrivals"] - app["calls"]) <= 10


def test_a_percentile_hedge_hedges_the_slowest_share_of_attempts():
    r = sim.run(hedged(sim.Hedge(percentile=90)), duration="30s", warmup="2s", seed=2, progress=False)
    app = r.component("app")
    first = app["calls"] - app["hedges"]
    assert app["hedges"] / first == pytest.approx(0.10, abs=0.01)


def test_hedged_copies_of_a_non_idempotent_call_are_duplicate_effects():
    r = sim.run(hedged(sim.Hedge(delay="10ms"), idempotent=False), duration="10s", seed=3, progress=False)
    app = r.component("app")
    # every copy completes at the db: each hedge is one duplicate, bar the hedged calls with a copy
    # still at the db at the end. By Little's law about 1000/s * e^-1 * 15 ms = 5.5 of them (from
    # the hedge, both copies run until the later of two Exp(10 ms) finishes: 1.5 x 10 ms on
    # average); 20 is 6 Poisson standard deviations above that.
    assert app["hedges"] - 20 <= app["duplicates"] <= app["hedges"]
    assert sim.run(hedged(sim.Hedge(delay="10ms")), duration="10s", seed=3,
                   progress=False).component("app")["duplicates"] == 0


def test_a_retry_after_a_timeout_duplicates_but_a_retry_after_an_error_does_not():
    r = sim.run(hedged(None, idempotent=False, timeout="10ms", retry=sim.Retry(attempts=2, backoff="1ms")),
                duration="10s", seed=4, progress=False)
    app = r.component("app")
    assert app["retries"] > 0
    assert app["retries"] - 5 <= app["duplicates"] <= app["retries"]  # the timed-out try still completed
    r = sim.run(hedged(None, idempotent=False, retry=sim.Retry(attempts=3, backoff="1ms"), error_probability=0.5),
                duration="10s", seed=4, progress=False)
    app = r.component("app")
    assert app["retries"] > 1000 and app["duplicates"] == 0


def test_hedging_is_deterministic_and_off_by_default():
    a = sim.run(hedged(sim.Hedge(percentile=95)), duration="5s", seed=5, progress=False)
    b = sim.run(hedged(sim.Hedge(percentile=95)), duration="5s", seed=5, progress=False)
    assert a.fingerprint() == b.fingerprint()
    plain = sim.run(hedged(None), duration="5s", seed=5, progress=False)
    assert plain.component("app")["hedges"] == 0 and plain.fingerprint() != a.fingerprint()


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.Hedge(), "delay=... or percentile"),
    (lambda: sim.Hedge(delay="1ms", percentile=90), "delay=... or percentile"),
    (lambda: sim.Hedge(percentile=100), "Hedge.percentile"),
    (lambda: sim.Hedge(delay="-1ms"), "Hedge.delay"),
    (lambda: sim.Hedge(percentile=90, min_samples=0), "Hedge.min_samples"),
    (lambda: sim.Call("db", hedge="fast"), "Call.hedge"),
    (lambda: sim.Call("db", idempotent="no"), "Call.idempotent"),
])
def test_bad_hedge_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()

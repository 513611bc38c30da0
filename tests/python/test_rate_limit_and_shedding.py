"""Rate limiting and load shedding on a service.

A token bucket of rate r admits at most r * T + burst requests in time T, and
under an offered Poisson load lambda >> r it admits close to r per second
(every token is used soon after it appears). Per-tenant buckets give each
tenant its own r. Shedding by queue time bounds what an admitted request can
wait: with constant service s and max_queue_time q, no successful latency
exceeds q + s.
"""

import pytest

import archsim as sim


def limited(rate_limit, tenants=1, offered=1000.0):
    m = sim.Model("limited")
    api = m.service("api", workers=64, service_time=sim.Exp("1ms"), rate_limit=rate_limit)
    m.client("web", target=api, workload=sim.Open(rate=offered), tenants=tenants)
    return m


def test_a_token_bucket_admits_its_rate_under_overload():
    r = sim.run(limited(sim.RateLimit(rate=200, burst=10)), duration="60s", seed=1, progress=False)
    api = r.component("api")
    assert api["completed"] <= 200 * 60 + 10
    assert api["completed"] >= 0.98 * 200 * 60
    assert api["errors_rejected"] == api["arrivals"] - api["completed"]


def test_below_its_rate_a_token_bucket_admits_everything():
    r = sim.run(limited(sim.RateLimit(rate=2000, burst=100), offered=500), duration="30s", seed=2, progress=False)
    assert r.component("api")["errors"] == 0


def test_per_tenant_buckets_give_each_tenant_its_own_rate():
    shared = sim.run(limited(sim.RateLimit(rate=100, burst=5), tenants=4), duration="30s", seed=3, progress=False)
    own = sim.run(limited(sim.RateLimit(rate=100, burst=5, per_tenant=True), tenants=4), duration="30s", seed=3,
                  progress=False)
    assert shared.component("api")["completed"] == pytest.approx(100 * 30, rel=0.02)
    assert own.component("api")["completed"] == pytest.approx(4 * 100 * 30, rel=0.02)


def test_shedding_by_queue_time_bounds_the_latency_of_served_requests():
    m = sim.Model("shed")
    api = m.service("api", workers=1, service_time=sim.Const("10ms"), max_queue_time="50ms")
    m.client("web", target=api, workload=sim.Open(rate=150))  # overloaded: rho = 1.5
    r = sim.run(m, duration="30s", seed=4, progress=False)
    row = r.component("api")
    assert row["max"] <= 0.050 + 0.010 + 1e-9
    assert row["errors_rejected"] > 0
    # served requests keep the single worker busy: throughput stays near capacity
    assert row["throughput"] == pytest.approx(100, rel=0.05)


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.RateLimit(rate=-1), "rate"),
    (lambda: sim.RateLimit(rate=10, burst=0.5), "burst"),
    (lambda: sim.RateLimit(rate=10, per_tenant="yes"), "per_tenant"),
    (lambda: sim.Model("m").service("s", rate_limit=100), "rate_limit"),
    (lambda: sim.Model("m").service("s", max_queue_time="-1s"), "max_queue_time"),
])
def test_bad_rate_limit_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()

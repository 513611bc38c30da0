"""model.analyze(): which models it estimates exactly, which parts it
approximates (warnings) and which it refuses, and its arithmetic on small
models worked out by hand."""

import math

import pytest

import archsim as sim
from archsim import analytic


def one_service(service_time=sim.Exp("4ms"), workers=2, rate=300.0, **kwargs) -> sim.Model:
    m = sim.Model("one")
    s = m.service("checkout", workers=workers, service_time=service_time, **kwargs)
    m.client("web", target=s, workload=sim.Open(rate=rate))
    return m


def messages(est):
    return [(f.severity, f.component, f.message) for f in est.findings]


def test_exponential_service_is_exact_mmc():
    est = one_service().analyze()
    assert est.exact and est.findings == []
    ref = analytic.mmc(300, "4ms", servers=2)
    row = est.components.loc["checkout"]
    assert row["mean"] == pytest.approx(ref["mean_response"], rel=1e-12)
    assert row["mean_queue"] == pytest.approx(ref["mean_queue"], rel=1e-12)
    assert row["mean_in_flight"] == pytest.approx(ref["mean_number"], rel=1e-12)
    assert list(est.components.columns) == ["kind", "throughput", "utilisation", "mean_queue", "mean_in_flight",
                                            "mean"]
    assert "exact" in est.report() and "checkout" in est.report()


def test_non_exponential_service_time_is_a_warning_naming_its_cv():
    est = one_service(sim.LogNormal(median="3ms", p99="20ms")).analyze()
    [(severity, component, message)] = messages(est)
    assert (severity, component) == ("warning", "checkout")
    assert message.startswith("checkout: service_time LogNormal(")
    cv = math.sqrt(sim.LogNormal(median="3ms", p99="20ms").variance()) / sim.LogNormal(median="3ms", p99="20ms").mean()
    assert f"has CV {cv:.2g}; the estimate assumes exponential service" in message
    assert math.isfinite(est.components.at["checkout", "mean"])
    assert one_service(sim.Erlang(1, "4ms")).analyze().exact  # Erlang-1 is exponential


def test_infinite_variance_is_refused_and_leaves_its_callers_without_estimate():
    m = sim.Model("heavy")
    db = m.service("db", service_time=sim.Pareto(shape=1.5, scale="1ms"))
    other = m.service("other", service_time=sim.Exp("1ms"))
    app = m.service("app", workers=100, calls=[sim.Call(db)])
    m.client("web", target=app, workload=sim.Open(rate=10))
    m.client("side", target=other, workload=sim.Open(rate=10))
    est = m.analyze()
    refused = [f for f in est.findings if f.severity == "refused"]
    assert [(f.component, "infinite variance" in f.message) for f in refused] == [("db", True)]
    c = est.components
    assert c[["mean"]].loc[["db", "app", "web"]].isna().all().all()
    assert c.at["other", "mean"] == pytest.approx(analytic.mmc(10, "1ms")["mean_response"])
    assert not est.exact


def test_model_level_refusals_mixed_and_time_varying_workloads():
    m = sim.Model("mixed")
    s = m.service("s", service_time=sim.Exp("1ms"))
    m.client("a", target=s, workload=sim.Open(rate=10))
    m.client("b", target=s, workload=sim.Closed(users=3, think="1s"))
    est = m.analyze()
    assert [(f.severity, f.component) for f in est.findings] == [("refused", None)]
    assert "mixed network" in est.findings[0].message
    assert est.components["mean"].isna().all()

    m = sim.Model("diurnal")
    s = m.service("s", service_time=sim.Exp("1ms"))
    m.client("a", target=s, workload=sim.Open(rate=10, schedule=[("1m", 50)]))
    est = m.analyze()
    assert [(f.severity, f.component) for f in est.findings] == [("refused", "a")]
    assert "rate changes over time" in est.findings[0].message


def test_overload_is_reported_with_an_infinite_response():
    est = one_service(rate=600).analyze()  # 600/s x 4 ms = 2.4 Erlangs on 2 workers
    [(severity, component, message)] = messages(est)
    assert (severity, component) == ("warning", "checkout")
    assert "overloaded: 600/s x 4 ms = 2.4 Erlangs on 2 workers (utilisation 1.2 >= 1)" in message
    assert est.components.at["checkout", "mean"] == math.inf
    assert est.components.at["web", "mean"] == math.inf


def test_policies_and_limits_are_warnings():
    m = sim.Model("policies")
    db = m.service("db", service_time=sim.Exp("1ms"), queue_limit=10, error_probability=0.01)
    m.service("app", workers=50, calls=[sim.Call(db, timeout="50ms", retry=sim.Retry(attempts=2))])
    m.client("web", target="app", workload=sim.Open(rate=100))
    text = [f.message for f in m.analyze().findings]
    assert text == [
        "db: queue_limit 10 is not modelled; the estimate assumes an unbounded queue (no rejections)",
        "db: error_probability 0.01 is not modelled; the estimate assumes every request succeeds and makes its calls",
        "app: the call to db has a timeout and retries, not modelled; the estimate assumes every call succeeds at "
        "the first attempt",
    ]


def test_held_workers_and_pooling_warnings():
    m = sim.Model("held")
    db = m.service("db", service_time=sim.Exp("2ms"))
    app = m.service("app", instances=2, workers=1, service_time=sim.Exp("1ms"), calls=[sim.Call(db)])
    m.balancer("lb", target=app, strategy="least_outstanding")
    m.client("web", target="lb", workload=sim.Open(rate=200))
    msgs = [f.message for f in m.analyze().findings]
    assert msgs[0] == ("app: least_outstanding over 2 instances is modelled as one pooled queue of 2 x 1 servers "
                       "(optimistic)")
    assert msgs[1].startswith("app: workers are held during its calls (mean holding ")
    # app's holding time is its own 1 ms plus db's M/M/1 response at 200/s: 2 ms / (1 - 0.4).
    holding = 0.001 + 0.002 / (1 - 0.4)
    assert m.analyze().components.at["app", "utilisation"] == pytest.approx(200 * holding / 2, rel=1e-12)


def test_per_operation_service_times_and_parallel_steps():
    m = sim.Model("ops")
    fast = m.service("fast", workers=1000, service_time=sim.Exp("1ms"))
    slow = m.service("slow", workers=1000, service_time=sim.Exp("3ms"))
    svc = m.service("svc", workers=1000, service_time={"default": sim.Exp("1ms"), "write": sim.Exp("5ms")},
                    calls=[sim.Parallel([fast, slow])])
    m.client("web", target=svc, workload=sim.Open(rate=10), mix={"read": 3, "write": 1})
    est = m.analyze()
    assert [f.message for f in est.findings] == [
        "svc: a parallel step waits for all of 2 calls; the estimate assumes independent, exponential branch "
        "response times"]
    # E[max(Exp(1 ms), Exp(3 ms))] = 1 + 3 - 1 / (1/1 + 1/3) = 3.25 ms (delay stations: no waiting);
    # svc's own time: 3/4 x 1 ms + 1/4 x 5 ms = 2 ms.
    assert est.components.at["svc", "mean"] == pytest.approx(0.002 + 0.00325, rel=1e-6)


def test_compare_rejects_what_is_not_an_estimate():
    r = sim.run(one_service(), duration="2s", seed=1, progress=False)
    with pytest.raises(ValueError, match="expected the result of model.analyze"):
        r.compare({"mean": 1})
    m = sim.Model("other")
    m.client("x", target=m.service("y"))
    with pytest.raises(ValueError, match="component 'y' of the estimate is not in this result"):
        r.compare(m.analyze())


def test_analyze_refuses_a_model_with_errors():
    m = sim.Model("broken")
    m.client("web", target="nowhere")
    with pytest.raises(ValueError, match="analyze: the model has errors"):
        m.analyze()


def test_caches_and_shard_routers_are_refused_with_what_they_load_and_new_policies_are_flagged():
    m = sim.Model("data")
    db = m.service("db", instances=4, service_time=sim.Exp(0.001))
    users = m.shards("users", backend=db, routing="hash")
    front = m.cache("front", capacity=100, ttl="1s", backend=users)
    app = m.service("app", service_time=sim.Exp(0.001), lifo_above=3, backpressure=sim.Backpressure(high=10, low=5),
                    calls=[sim.Call(front, hedge=sim.Hedge(delay="5ms"))])
    m.client("web", target=app, workload=sim.Open(rate=10))
    est = m.analyze()
    refused = {f.component for f in est.findings if f.severity == "refused"}
    assert refused == {"front", "users"}
    warnings = " ".join(f.message for f in est.findings if f.severity == "warning")
    assert "LIFO" in warnings and "backpressure" in warnings and "hedged" in warnings
    # The database's load depends on the cache's hit ratio: no estimate for it, nor for its callers.
    assert est.components[["mean"]].isna().all().all()

"""Autoscaling: the API and its errors, scenario files, the results (instance count over
time, decisions, utilisation while instances come and go), draining, routing only to
active instances. The settled count against theory is in test_validation_autoscale.py."""

import json

import numpy as np
import pytest

import archsim as sim


def model(autoscale, rate=1080.0, schedule=None, strategy="round_robin", instances=2, via="balancer"):
    m = sim.Model("scaled")
    api = m.service("api", instances=instances, workers=8, service_time=sim.Exp("20ms"), autoscale=autoscale)
    target = m.balancer("lb", target=api, strategy=strategy) if via == "balancer" else api
    m.client("load", target=target, workload=sim.Open(rate, schedule=schedule), strategy=strategy)
    return m


FAST = dict(interval="1s", cooldown="2s", provisioning_delay="1s")


def test_instance_count_over_time_and_decisions_are_results():
    res = sim.run(model(sim.Autoscale(target_utilisation=0.6, min=2, max=8, **FAST)), duration=30, seed=1)
    d = res.scaling("api")
    assert list(d.columns) == ["time_s", "from", "to", "reason", "metric", "observed", "target"]
    assert d["reason"].iloc[0] == "scale_up" and d["to"].iloc[0] > 2
    assert (d["metric"] == "utilisation").all() and (d["target"] == 0.6).all()
    n = res.timeseries("api", "instances")
    assert n.iloc[0] == 2 and n.iloc[-1] == 5  # ceil(1080 * 0.02 / (8 * 0.6)) = ceil(4.5)
    assert n.min() >= 2 and n.max() <= 8
    # The series is the time average per window of the active count: coarser windows average it.
    coarse = res.timeseries("api", "instances", window="10s")
    assert coarse.iloc[0] == pytest.approx(n.iloc[:10].mean())
    data = json.loads(res.to_json())
    assert data["autoscaling"]["api"]["decisions"][0]["to"] == d["to"].iloc[0]
    assert data["autoscaling"]["api"]["counts"][0] == {"time_s": 0.0, "active": 2, "provisioning": 0, "draining": 0}
    report = res.report()
    assert "autoscaling" in report and "utilisation 0.6" in report


def test_requests_go_only_to_active_instances():
    for strategy in ("round_robin", "random", "least_outstanding", "p2c"):
        for via in ("balancer", "client"):
            res = sim.run(model(sim.Autoscale(target_utilisation=0.9, min=1, max=8, interval="1h"), rate=100,
                                strategy=strategy, via=via), duration=20, seed=1)
            inst = res.instances("api")
            assert list(inst.completed > 0) == [True, True] + [False] * 6, (strategy, via)
            assert list(inst.in_service) == [1.0, 1.0] + [0.0] * 6


def test_scale_in_drains_and_loses_no_request():
    # With a network delay, requests are in flight to an instance when it starts draining.
    m = model(sim.Autoscale(target_utilisation=0.6, min=2, max=8, **FAST), schedule=[(0, 1080), (10, 200)])
    m.network(same_zone="2ms")
    res = sim.run(m, duration=30, seed=3)
    d = res.scaling("api")
    assert (d.reason == "scale_down").any()
    assert res.availability("load") == 1.0
    drained = res.timeseries("api", "draining", window="1s")
    assert drained.max() > 0 and drained.iloc[-1] == 0  # draining instances stop once idle


def test_utilisation_is_over_the_time_in_service():
    res = sim.run(model(sim.Autoscale(target_utilisation=0.6, min=2, max=8, **FAST)), duration=60, warmup=10,
                  seed=2)
    inst = res.instances("api")
    busy = (inst.utilisation * inst.in_service).sum()  # worker-time busy / workers
    assert res.component("api")["utilisation"] == pytest.approx(busy / inst.in_service.sum())
    # Offered load 1080 x 20 ms = 21.6 busy workers of 8 per instance.
    assert busy * 8 == pytest.approx(21.6, rel=0.05)


def test_queue_policy_scales_on_waiting_requests():
    res = sim.run(model(sim.Autoscale(target_queue=2, min=1, max=8, **FAST), instances=1), duration=20, seed=1)
    d = res.scaling("api")
    assert d["metric"].iloc[0] == "queue" and d["observed"].iloc[0] > 2
    assert d["to"].iloc[0] == min(8, int(np.ceil(1 * d["observed"].iloc[0] / 2 - 1e-9)))


def test_cooldown_holds_further_scaling():
    a = sim.Autoscale(target_utilisation=0.6, min=1, max=8, interval="1s", cooldown="5s", provisioning_delay="3s")
    d = sim.run(model(a, instances=1), duration=30, seed=1).scaling("api")
    assert (np.diff(d["time_s"]) >= 5).all()
    a = sim.Autoscale(target_utilisation=0.6, min=1, max=8, interval="1s", cooldown="5s", scale_up_cooldown=0,
                      provisioning_delay="3s")
    d = sim.run(model(a, instances=1), duration=30, seed=1).scaling("api")
    ups = d[d.reason == "scale_up"]["time_s"]
    assert (np.diff(ups) < 5).any()  # provisioning instances count: no overshoot in between


def test_provisioning_instances_count_towards_the_current_number():
    # While new instances provision, the active ones stay saturated; asking again for the same
    # count must not start more.
    a = sim.Autoscale(target_utilisation=0.6, min=2, max=8, interval="1s", cooldown=0, provisioning_delay="10s")
    res = sim.run(model(a), duration=30, seed=1)
    d = res.scaling("api")
    assert d["time_s"].iloc[0] == 1.0
    assert res.timeseries("api", "provisioning").max() <= 6


def test_without_autoscale_results_have_no_autoscaling_and_no_in_service():
    m = sim.Model("fixed")
    api = m.service("api", instances=2, workers=2, service_time=sim.Exp("10ms"))
    m.client("load", target=api, workload=sim.Open(100))
    res = sim.run(m, duration=5, seed=1)
    assert "autoscaling" not in res.to_dict()
    assert "in_service" not in res.instances().columns
    assert "autoscaling" not in res.report()
    with pytest.raises(ValueError, match="'api' has no autoscaler"):
        res.scaling("api")
    with pytest.raises(ValueError, match="autoscaling metric"):
        res.timeseries("api", "instances")


@pytest.mark.parametrize("kwargs, message", [
    (dict(max=3), "give one of target_utilisation"),
    (dict(target_utilisation=0.5, target_queue=1, max=3), "give one of target_utilisation"),
    (dict(target_utilisation=1.5, max=3), r"target_utilisation must be a number in \(0, 1\]"),
    (dict(target_queue=0, max=3), r"target_queue must be a number in \(0, 1e\+?0?9\]"),
    (dict(target_utilisation=0.5, min=0, max=3), r"Autoscale.min must be an integer in \[1, 1000000\]"),
    (dict(target_utilisation=0.5, min=4, max=3), r"min \(4\) must be <= max \(3\)"),
    (dict(target_utilisation=0.5, max=3, interval=0), "Autoscale.interval must be > 0"),
    (dict(target_utilisation=0.5, max=3, cooldown="soon"), "Autoscale.cooldown"),
    (dict(target_utilisation=0.5, max=3, tolerance=1), r"tolerance must be a number in \[0, 1\)"),
])
def test_bad_arguments_name_the_field(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sim.Autoscale(**kwargs)


def test_service_errors():
    m = sim.Model("m")
    with pytest.raises(ValueError, match=r"instances \(5\) must be <= autoscale max \(3\)"):
        m.service("a", instances=5, autoscale=sim.Autoscale(target_queue=1, max=3))
    with pytest.raises(ValueError, match="autoscale must be an archsim.Autoscale"):
        m.service("b", autoscale={"max": 3})


def test_instances_is_raised_to_min():
    res = sim.run(model(sim.Autoscale(target_utilisation=0.6, min=3, max=8, interval="1h"), instances=1, rate=10),
                  duration=5, seed=1)
    assert res.timeseries("api", "instances").iloc[0] == 3


def test_a_shard_router_cannot_route_to_an_autoscaled_backend():
    m = sim.Model("m")
    db = m.service("db", instances=2, autoscale=sim.Autoscale(target_queue=1, max=4))
    sh = m.shards("sh", backend=db)
    m.client("c", target=sh)
    with pytest.raises(ValueError, match="backend 'db' autoscales; a shard router needs a fixed set"):
        sim.run(m, duration=1)


SCENARIO = """
name: scaled
duration: 30s
seed: 4
components:
  api:
    kind: service
    instances: 2
    workers: 8
    service_time: {Exp: 20ms}
    autoscale: {target_utilisation: 0.6, min: 2, max: 8, interval: 1s, cooldown: 2s, provisioning_delay: 1s}
  web: {kind: client, target: api, workload: {Open: {rate: 1080}}}
"""


def test_scenario_files_load_and_round_trip():
    m = sim.loads(SCENARIO)
    again = sim.loads(m.to_yaml())
    assert again == m
    assert sim.run(m, **m.options).fingerprint() == sim.run(again, **again.options).fingerprint()
    assert "autoscale: {target_utilisation: 0.6" in m.to_yaml()


@pytest.mark.parametrize("autoscale, message", [
    ("{target_utilisation: 1.5, max: 3}", r"autoscale.target_utilisation: expected a number in \(0, 1\]"),
    ("{target_utilisation: 0.5, maxx: 3}", "did you mean 'max'"),
    ("{target_utilisation: 0.5}", "Autoscale needs 'max'"),
    ("{target_utilisation: 0.5, max: 3, interval: 0}", "autoscale.interval: expected a duration > 0"),
])
def test_scenario_errors_name_the_field(autoscale, message):
    text = SCENARIO.replace(
        "{target_utilisation: 0.6, min: 2, max: 8, interval: 1s, cooldown: 2s, provisioning_delay: 1s}", autoscale)
    with pytest.raises(sim.ScenarioError, match=message):
        sim.loads(text)


def test_same_seed_same_fingerprint():
    a = sim.Autoscale(target_utilisation=0.6, min=2, max=8, **FAST)
    r1, r2 = (sim.run(model(a, strategy="p2c"), duration=20, seed=9) for _ in range(2))
    assert r1.fingerprint() == r2.fingerprint()


def test_the_analytic_estimate_warns_that_autoscaling_is_not_modelled():
    a = sim.analyze(model(sim.Autoscale(target_utilisation=0.6, min=3, max=8), instances=2))
    assert "api: autoscaling is not modelled; the estimate holds its 3 starting instances fixed" in \
        [f.message for f in a.findings]

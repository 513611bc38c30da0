"""Deployments: versions, canaries, blue-green switches, feature flags, rolling restarts,
their timeline, their errors and their scenario form."""

import json
import math

import numpy as np
import pytest

import archsim as sim


def model(workers: int = 64, rate: float = 200.0, instances: int = 1) -> sim.Model:
    m = sim.Model("shop")
    api = m.service("api", instances=instances, workers=workers, service_time=sim.Exp("5ms"))
    m.client("web", target=api, workload=sim.Open(rate=rate))
    return m


def run(deployments, duration=30, seed=1, **kw):
    return sim.run(kw.pop("m", None) or model(**kw), duration=duration, seed=seed, progress=False,
                   deployments=deployments)


def test_no_deployment_changes_nothing():
    plain = sim.run(model(), duration=10, seed=3, progress=False)
    empty = sim.run(model(), duration=10, seed=3, progress=False, deployments=[])
    assert plain.fingerprint() == empty.fingerprint()
    assert plain.deployments.empty and plain.versions().empty
    assert "deployment" not in plain.report() and "deployments" not in plain.to_dict()


def test_deployments_are_deterministic():
    d = [sim.Canary("api", sim.Version("v2", error_probability=0.2), share=0.1, at=2, window=2,
                    max_error_rate=0.05)]
    assert run(d, seed=4).fingerprint() == run(d, seed=4).fingerprint()
    assert run(d, seed=4).fingerprint() != run(d, seed=5).fingerprint()


def test_good_canary_is_promoted_after_its_time():
    d = [sim.Canary("api", sim.Version("v2", service_time=sim.Exp("4ms")), share=0.1, at=2, window=3,
                    min_requests=20, max_p99="100ms", promote_after=7)]
    res = run(d)
    t = res.deployments
    assert list(t.kind) == ["canary_started", "promoted"]
    assert t.time.tolist() == [2.0, 11.0]  # the first judgement at or after 2 + 7 s: 2 + 3 x 3
    assert t.share.tolist() == [0.1, 1.0]
    share = res.version_share("api")
    assert (share.loc[share.index >= 11, "v2"] == 1).all() and (share.loc[share.index < 2, "v2"] == 0).all()


def test_canary_waits_for_min_requests():
    # 10% of 200/s is ~20 requests per 1 s window: a judgement needs three windows' worth.
    d = [sim.Canary("api", sim.Version("v2", error_probability=1.0), share=0.1, at=1, window=1, min_requests=55,
                    max_error_rate=0.5)]
    t = run(d).deployments
    rolled = t[t.kind == "rolled_back"]
    assert len(rolled) == 1 and rolled.time.iloc[0] in (3.0, 4.0, 5.0)
    assert rolled.event.iloc[0] == "rolled back: error rate 100% > 50%"


def test_blue_green_ramp_moves_the_share_linearly():
    res = run([sim.BlueGreen("api", sim.Version("v2"), at=5, ramp=10)], duration=20, rate=2000)
    t = res.deployments
    assert list(t.kind) == ["switch_started", "switched"] and t.time.tolist() == [5.0, 15.0]
    share = res.version_share("api")["v2"]
    # The share in window [5 + k, 6 + k) averages (k + 0.5) / 10 of the ~2000 requests.
    for k in range(10):
        assert share.loc[5.0 + k] == pytest.approx((k + 0.5) / 10, abs=4.5 * math.sqrt(0.25 / 2000) + 1e-9)
    assert (share.loc[:4.0] == 0).all() and (share.loc[15.0:] == 1).all()


def test_blue_green_at_once_switches_behaviour():
    res = run([sim.BlueGreen("api", sim.Version("v2", service_time=sim.Const("20ms")), at=5)], duration=10)
    assert res.deployments.event.tolist() == ["switched to v2"]
    v = res.versions("api").set_index("version")
    assert v.at["v2", "mean"] == pytest.approx(0.020, rel=0.01) and v.at["v2", "p99"] == pytest.approx(0.020, rel=0.01)
    assert v.at["v1", "arrivals"] + v.at["v2", "arrivals"] == res.summary().set_index("component").at["api", "arrivals"]


def test_version_per_op_service_time_changes_only_that_op():
    m = sim.Model("ops")
    api = m.service("api", workers=64, service_time={"default": sim.Const("1ms"), "write": sim.Const("3ms")})
    m.client("web", target=api, workload=sim.Open(rate=200), mix={"read": 0.5, "write": 0.5})
    res = sim.run(m, duration=10, seed=1, progress=False, deployments=[
        sim.BlueGreen("api", sim.Version("v2", service_time={"read": sim.Const("2ms")}), at=0)])
    s = res.summary(by_op=True).set_index(["component", "op"])
    assert s.at[("api", "read"), "mean"] == pytest.approx(0.002, rel=0.01)
    assert s.at[("api", "write"), "mean"] == pytest.approx(0.003, rel=0.01)  # the service's own


def test_feature_flag_adds_time_and_errors_while_on():
    res = run([sim.FeatureFlag("api", "slow-path", at=10, duration=10, extra_time=sim.Const("10ms"),
                               error_probability=0.5)], duration=30, m=_const_model())
    t = res.deployments
    assert t.event.tolist() == ["flag slow-path on", "flag slow-path off"] and t.time.tolist() == [10.0, 20.0]
    assert t.share.isna().all()
    mean = res.timeseries("api", "mean")
    assert mean.loc[:9.0].to_numpy() == pytest.approx(0.001, rel=0.02)
    assert mean.loc[10.0:19.0].to_numpy() == pytest.approx(0.011, rel=0.02)
    assert mean.loc[21.0:].to_numpy() == pytest.approx(0.001, rel=0.02)  # window 20 ends flagged requests
    errors = res.timeseries("api", "error_rate")
    assert errors.loc[:9.0].sum() == 0 and errors.loc[20.0:].sum() == 0
    assert errors.loc[10.0:19.0].mean() == pytest.approx(0.5, abs=0.05)


def test_feature_flag_replaces_an_ops_service_time():
    m = sim.Model("ops")
    api = m.service("api", workers=64, service_time=sim.Const("1ms"))
    m.client("web", target=api, workload=sim.Open(rate=200), mix={"read": 0.5, "search": 0.5})
    res = sim.run(m, duration=10, seed=1, progress=False,
                  deployments=[sim.FeatureFlag("api", "new-search", service_time={"search": sim.Const("7ms")})])
    s = res.summary(by_op=True).set_index(["component", "op"])
    assert s.at[("api", "search"), "mean"] == pytest.approx(0.007, rel=0.01)
    assert s.at[("api", "read"), "mean"] == pytest.approx(0.001, rel=0.01)


def _const_model() -> sim.Model:
    m = sim.Model("const")
    api = m.service("api", workers=64, service_time=sim.Const("1ms"))
    m.client("web", target=api, workload=sim.Open(rate=500))
    return m


def test_rolling_restart_takes_one_batch_down_at_a_time():
    res = run([sim.RollingRestart("api", at=5, batch=2, restart_time=3, pause=1)], duration=30, instances=4)
    t = res.deployments
    assert t.kind.tolist() == ["rolling_restart"] + ["restart_started"] * 2 + ["restarted"] * 2 \
        + ["restart_started"] * 2 + ["restarted"] * 2
    assert t.time.tolist() == [5.0, 5.0, 5.0, 8.0, 8.0, 9.0, 9.0, 12.0, 12.0]
    assert t.event.iloc[1] == "instance 0 down for restart" and t.event.iloc[8] == "instance 3 restarted"
    faults = res.faults
    assert faults.kind.tolist() == ["restart"] * 4 and faults.target.tolist() == [f"api[{i}]" for i in range(4)]
    # Requests sent to a restarting instance fail as unavailable; none before or after.
    errors = res.timeseries("api", "errors")
    assert errors.loc[5.0:11.0].sum() > 0 and errors.loc[:4.0].sum() == 0 and errors.loc[12.0:].sum() == 0
    assert res.summary().set_index("component").at["api", "errors_unavailable"] == errors.sum()


def test_rolling_restart_stops_at_the_end_of_the_run():
    res = run([sim.RollingRestart("api", at=5, restart_time=10)], duration=20, instances=3)
    assert res.faults.target.tolist() == ["api[0]", "api[1]"]
    assert res.deployments.kind.tolist() == ["rolling_restart", "restart_started", "restarted", "restart_started"]


def test_results_reach_json_and_report():
    d = [sim.Canary("api", sim.Version("v2", error_probability=0.5), share=0.2, at=1, window=2, min_requests=10,
                    max_error_rate=0.1)]
    res = run(d, duration=10)
    data = json.loads(res.to_json())
    assert [e["kind"] for e in data["deployments"]] == ["canary_started", "rolled_back"]
    assert [v["version"] for v in data["versions"]] == ["v1", "v2"]
    report = res.report()
    assert "deployment timeline" in report and "rolled back: error rate" in report
    assert "v2" in report


def test_html_report_has_the_timeline(tmp_path):
    d = [sim.Canary("api", sim.Version("v2", error_probability=0.5), share=0.2, at=1, window=2, min_requests=10,
                    max_error_rate=0.1)]
    run(d, duration=10).to_html(tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text()
    assert 'id="deployments"' in html and "rolled back: error rate" in html
    run([], duration=5).to_html(tmp_path / "plain.html")
    assert 'id="deployments"' not in (tmp_path / "plain.html").read_text()


# -- errors name the field and the accepted values -----------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: sim.Version("v1"), "the service's own configuration"),
    (lambda: sim.Version(""), "Version.name must be a non-empty string"),
    (lambda: sim.Version("v2", error_probability=2), "error_probability must be a probability in [0, 1]"),
    (lambda: sim.Canary("api", sim.Version("v2"), share=1.0), "Canary.share must be a fraction in (0, 1)"),
    (lambda: sim.Canary("api", "v2"), "Canary.version must be an archsim.Version"),
    (lambda: sim.Canary("api", sim.Version("v2"), window=0), "Canary.window must be > 0"),
    (lambda: sim.Canary("api", sim.Version("v2"), min_requests=0), "Canary.min_requests must be an integer >= 1"),
    (lambda: sim.Canary("api", sim.Version("v2"), max_error_rate=1.5), "Canary.max_error_rate"),
    (lambda: sim.Canary("api", sim.Version("v2"), max_p99="fast"), "Canary.max_p99"),
    (lambda: sim.BlueGreen("api[0]", sim.Version("v2")), "BlueGreen.service must be a service"),
    (lambda: sim.FeatureFlag("api", "f"), "changes nothing: give extra_time, service_time or error_probability"),
    (lambda: sim.FeatureFlag("api", "f", duration=0, extra_time="1ms"), "duration must be > 0"),
    (lambda: sim.RollingRestart("api", batch=0), "RollingRestart.batch must be an integer in [1, 10000000]"),
    (lambda: sim.RollingRestart("api", restart_time=0), "RollingRestart.restart_time must be > 0"),
])
def test_bad_arguments_name_the_field(make, message):
    with pytest.raises(ValueError) as e:
        make()
    assert message in str(e.value)


@pytest.mark.parametrize("deployments, message", [
    ([sim.Canary("nope", sim.Version("v2"))], "names service 'nope', which is not in the model"),
    ([sim.Canary("web", sim.Version("v2"))], "'web' is a client; versions and flags apply to services"),
    ([sim.RollingRestart("web")], "'web' is a client, whose instances cannot restart"),
    ([sim.Canary("api", sim.Version("v2"), at=100)], "after the run ends"),
    ([sim.BlueGreen("api", sim.Version("v2"), at=1), sim.BlueGreen("api", sim.Version("v2"), at=5)],
     "already has a version 'v2'"),
    ([sim.FeatureFlag("api", "f", extra_time="1ms"), sim.FeatureFlag("api", "f", error_probability=0.1)],
     "already has a flag 'f'"),
    (["canary"], "deployments: expected a deployment"),
])
def test_bad_deployments_are_refused_before_the_run(deployments, message):
    with pytest.raises(ValueError) as e:
        sim.run(model(), duration=30, seed=1, progress=False, deployments=deployments)
    assert message in str(e.value)


def test_successive_deployments_build_on_each_other():
    d = [sim.BlueGreen("api", sim.Version("v2", service_time=sim.Const("2ms")), at=2),
         sim.Canary("api", sim.Version("v3", service_time=sim.Const("3ms")), share=0.5, at=5, window=2,
                    min_requests=10, promote_after=2),
         sim.BlueGreen("api", sim.Version("v4", service_time=sim.Const("4ms")), at=12)]
    res = run(d, duration=15, m=_const_model())
    assert res.deployments.kind.tolist() == ["switched", "canary_started", "promoted", "switched"]
    means = res.timeseries("api", "mean")
    assert means.loc[3.0] == pytest.approx(0.002, rel=0.02)
    assert means.loc[5.0] == pytest.approx(0.0025, rel=0.1)  # half v2, half v3
    assert means.loc[8.0] == pytest.approx(0.003, rel=0.02)
    assert means.loc[13.0] == pytest.approx(0.004, rel=0.02)


def test_a_new_version_supersedes_one_still_moving_traffic():
    d = [sim.Canary("api", sim.Version("v2"), share=0.5, at=1, window=100),
         sim.BlueGreen("api", sim.Version("v3"), at=5, ramp=10),
         sim.BlueGreen("api", sim.Version("v4"), at=10)]
    res = run(d, duration=20)
    t = res.deployments
    assert t.kind.tolist() == ["canary_started", "superseded", "switch_started", "superseded", "switched"]
    assert t.event.iloc[1] == "v2 superseded by v3: its requests go to v1 again"
    assert t.event.iloc[3] == "v3 superseded by v4: its requests go to v1 again"
    share = res.version_share("api")
    assert (share.loc[11.0:, "v4"] == 1).all() and (share.loc[10.0:, "v3"] == 0).all()


# -- scenario files ---------------------------------------------------------------------------
SCENARIO = """
name: shop
duration: 30s
seed: 4
components:
  api: {kind: service, workers: 32, service_time: {Exp: 5ms}}
  web: {kind: client, target: api, workload: {Open: {rate: 200}}}
deployments:
  - Canary:
      service: api
      version: {name: v2, error_probability: 0.3}
      share: 0.1
      at: 5s
      window: 5s
      min_requests: 20
      max_error_rate: 0.05
  - FeatureFlag: {service: api, name: new-search, at: 10s, duration: 5s, extra_time: 2ms}
  - RollingRestart: {service: api, at: 20s, restart_time: 2s}
"""


def test_scenario_deployments_load_run_and_round_trip():
    m = sim.loads(SCENARIO)
    d = m.options["deployments"]
    assert [type(x).__name__ for x in d] == ["Canary", "FeatureFlag", "RollingRestart"]
    res = sim.run(m, **m.options)
    assert "rolled_back" in set(res.deployments.kind)
    again = sim.loads(m.to_yaml())
    assert again == m
    assert sim.run(again, **again.options).fingerprint() == res.fingerprint()


@pytest.mark.parametrize("bad, message", [
    ("share: 0.1", "share: 1.5"),
    ("version: {name: v2, error_probability: 0.3}", "version: {name: v2, error_probabilty: 0.3}"),
    ("service: api\n", "service: apx\n"),
])
def test_scenario_deployment_errors_have_positions(bad, message):
    text = SCENARIO.replace(bad, message, 1)
    with pytest.raises(sim.ScenarioError) as e:
        sim.loads(text, "shop.yaml")
    problem = e.value.problems[0]
    assert problem.path.startswith("deployments[0].Canary") and problem.line > 1
    assert {"share: 1.5": "expected a number in (0, 1]", "error_probabilty": "did you mean 'error_probability'",
            "apx": "did you mean 'api'"}[next(k for k in ("share: 1.5", "error_probabilty", "apx") if k in text)] \
        in problem.message


def test_scenario_runtime_errors_point_at_deployments():
    text = SCENARIO.replace("at: 20s, restart_time", "at: 40s, restart_time")
    with pytest.raises(sim.ScenarioError) as e:
        sim.loads(text, "shop.yaml")
    assert e.value.problems[0].path == "deployments" and "after the run ends" in e.value.problems[0].message


def test_describe_lists_the_deployments():
    from archsim.reference import describe

    text = describe()
    for name in ("Canary", "BlueGreen", "FeatureFlag", "RollingRestart", "Version"):
        assert name in text
    assert "max_error_rate" in describe("Canary")

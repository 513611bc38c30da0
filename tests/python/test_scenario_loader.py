"""Scenario files: the loader's errors (positions, paths, did-you-mean, all at once),
and the round trip between YAML and the Python builder."""

from __future__ import annotations

import textwrap

import pytest

import archsim as sim
from archsim.scenario import ScenarioError

BASE = """\
name: shop
duration: 10s
warmup: 1s
seed: 4
components:
  db:
    kind: service
    workers: 8
    service_time: {Exp: 1ms}
  api:
    kind: service
    instances: 2
    workers: 16
    service_time: {LogNormal: {median: 2ms, p99: 20ms}}
    calls:
      - Call:
          target: db
          timeout: 50ms
          retry: {attempts: 3, backoff: 10ms, jitter: full}
  web:
    kind: client
    target: api
    workload: {Open: {rate: 200}}
    keys: {Zipf: {n: 1000, exponent: 0.9}}
    mix: {read: 0.9, write: 0.1}
slo:
  - {component: web, percentile: 99, threshold: 200ms}
  - {component: web, availability: 0.99, window: 5s}
"""


def problems(text: str) -> list:
    with pytest.raises(ScenarioError) as e:
        sim.loads(textwrap.dedent(text), "s.yaml")
    return e.value.problems


def build_base() -> sim.Model:
    m = sim.Model("shop")
    db = m.service("db", workers=8, service_time=sim.Exp("1ms"))
    api = m.service("api", instances=2, workers=16, service_time=sim.LogNormal(median="2ms", p99="20ms"),
                    calls=[sim.Call(db, timeout="50ms", retry=sim.Retry(attempts=3, backoff="10ms", jitter="full"))])
    m.client("web", target=api, workload=sim.Open(rate=200), keys=sim.Zipf(1000, 0.9),
             mix={"read": 0.9, "write": 0.1})
    m.run_options(duration="10s", warmup="1s", seed=4)
    m.slo("web", percentile=99, threshold="200ms")
    m.slo("web", availability=0.99, window="5s")
    return m


# -- round trip ----------------------------------------------------------------------------------
def test_a_scenario_loads_into_the_model_the_builder_makes():
    loaded = sim.loads(BASE)
    built = build_base()
    assert loaded == built
    a = sim.run(loaded, **loaded.options)
    b = sim.run(built, **built.options)
    assert a.fingerprint() == b.fingerprint()


def test_models_that_differ_in_one_parameter_are_not_equal():
    other = sim.loads(BASE.replace("workers: 8", "workers: 9"))
    assert other != build_base()


def test_to_yaml_round_trips_to_an_equal_model_with_the_same_fingerprint():
    m = build_base()
    m.zone("za", "r1")
    m.zone("zb", "r2")
    m.host("h1", "za")
    m.network(same_zone=sim.Exp("100us"), cross_zone="1ms", cross_region=sim.Uniform("10ms", "20ms"),
              links=[sim.Link("za", "zb", latency=sim.Const("5ms"), loss=0.01)])
    m.service("cache", instances=3, workers=2, queue_limit=10, hosts=["h1"],
              service_time={"read": sim.Gamma(2, "1ms"), "default": sim.Erlang(3, "2ms")},
              calls=[sim.Parallel([sim.Call("db", op="write"), "db"], wait=1)], error_probability=0.01,
              rate_limit=sim.RateLimit(rate=500, burst=20, per_tenant=True), max_queue_time="20ms")
    lb = m.balancer("edge", target="api", strategy="p2c", zones=["zb"])
    m.client("batch", target=lb, workload=sim.Closed(users=5, think=sim.Exp("100ms")), deadline="1s", tenants=3,
             keys=sim.UniformKeys(50))
    m.client("burst", target="cache", workload=sim.Open(100, schedule=[("2s", 300)],
                                                        bursts=[sim.Burst(at="5s", duration="1s", factor=3)]))
    m.service("x", calls=[sim.Call("db", breaker=sim.CircuitBreaker(consecutive_failures=5, open_for="1s"),
                                   bulkhead=4, strategy="p2c")],
              service_time=sim.Mixture([1, 3], [sim.Normal("2ms", "1ms"), sim.Pareto(2.5, "1ms")]))
    m.client("x-client", target="x", workload=sim.Open(5))
    m.zone("zc", "r2")
    m.run_options(faults=[sim.Crash("db[0]", at="3s", duration="1s"), sim.Slow("api", factor=2, at="4s"),
                          sim.Partition("r1", ["zb", "zc"], at="2s", duration="1s", one_way=True),
                          sim.LinkLatency("za", "zb", latency=sim.Exp("5ms"), at="1s"),
                          sim.DropResponses("db", probability=0.01), sim.ErrorResponses("x", probability=0.02),
                          sim.CorruptResponses("cache[1]", probability=0.5, at="1s", duration="2s"),
                          sim.RandomCrashes("api", mttf="3s", mttr=sim.Const("100ms"))])
    m.slo("batch", availability=0.9, name="batch availability")
    text = m.to_yaml()
    again = sim.loads(text)
    assert again == m
    assert again.to_yaml() == text
    a = sim.run(m, **m.options)
    b = sim.run(again, **again.options)
    assert a.fingerprint() == b.fingerprint()


def test_replications_and_a_detected_warmup_round_trip():
    m = sim.loads(BASE.replace("warmup: 1s", "warmup: mser5\nreplications: 4"))
    assert m.options["warmup"] == "mser5" and m.options["replications"] == 4
    assert sim.loads(m.to_yaml()) == m
    problems_ = problems(BASE.replace("warmup: 1s", "warmup: mser6"))
    assert "warmup" in problems_[0].path


def test_durations_written_either_way_give_equal_models():
    a = sim.loads(BASE)
    b = sim.loads(BASE.replace("{Exp: 1ms}", "{Exp: {mean: 0.001}}").replace("duration: 10s", "duration: 10"))
    assert a == b


def test_overrides_change_values_and_add_missing_ones():
    m = sim.loads(BASE, overrides=["api.workers=32", "seed=9", "db.queue_limit=5",
                                   "api.calls[0].Call.retry.attempts=5"])
    built = build_base()
    assert m != built
    services = {args["name"]: args for kind, args in m._calls if kind == "service"}
    assert services["api"]["workers"] == 32
    assert services["db"]["queue_limit"] == 5
    assert services["api"]["calls"][0].retry.attempts == 5
    assert m.options["seed"] == 9


def test_an_override_with_a_bad_value_points_at_the_option():
    with pytest.raises(ScenarioError) as e:
        sim.loads(BASE, "s.yaml", overrides=["api.workers=lots"])
    (p,) = e.value.problems
    assert p.file == "--set api.workers=lots"
    assert p.path == "components.api.workers"


# -- errors --------------------------------------------------------------------------------------
def test_every_problem_is_reported_at_once_with_position_path_and_did_you_mean():
    ps = problems(BASE.replace("workers: 8", "wrokers: 8").replace("jitter: full", "jitter: fuller")
                  .replace("target: api", "target: apj").replace("{Exp: 1ms}", "{Exp: -1ms}"))
    text = "\n".join(str(p) for p in ps)
    assert len(ps) == 4, text
    by_path = {p.path: p for p in ps}
    p = by_path["components.db.wrokers"]
    assert (p.line, p.column) == (8, 5)
    assert "did you mean 'workers'" in p.message and "accepted:" in p.message
    assert "did you mean 'full'" in by_path["components.api.calls[0].Call.retry.jitter"].message
    p = by_path["components.web.target"]
    assert "unknown target 'apj'" in p.message and "did you mean 'api'" in p.message
    assert p.line == 22
    assert "components.db.service_time.Exp.mean" in by_path
    assert str(p).startswith("s.yaml:22:13: components.web.target: ")


def test_unknown_keys_at_every_level_are_errors():
    ps = problems(BASE.replace("seed: 4", "sead: 4").replace("kind: client", "kind: client\n    rate: 5")
                  .replace("{Zipf: {n: 1000, exponent: 0.9}}", "{Zipf: {n: 1000, exponnent: 0.9}}"))
    paths = sorted(p.path for p in ps)
    assert paths == ["components.web.keys.Zipf.exponnent", "components.web.rate", "sead"]
    assert "did you mean 'seed'" in next(p for p in ps if p.path == "sead").message


def test_an_unknown_type_in_a_variant_names_the_kind_and_the_accepted_types():
    ps = problems(BASE.replace("{Zipf: {n: 1000, exponent: 0.9}}", "{Zpif: {n: 1000}}")
                  .replace("{Open: {rate: 200}}", "{Steady: {rate: 200}}"))
    messages = {p.path: p.message for p in ps}
    assert messages["components.web.keys.Zpif"] == ("unknown key chooser type 'Zpif' (did you mean 'Zipf'?); "
                                                    "accepted: UniformKeys, Zipf")
    assert messages["components.web.workload.Steady"].startswith("unknown workload type 'Steady'")


def test_wrong_types_name_what_was_expected():
    ps = problems(BASE.replace("workers: 8", "workers: [8]").replace("instances: 2", "instances: two")
                  .replace("mix: {read: 0.9, write: 0.1}", "mix: [read]"))
    messages = {p.path: p.message for p in ps}
    assert "expected a single value, got a list" in messages["components.db.workers"]
    assert "expected an integer in [1, 10_000_000], got 'two'" in messages["components.api.instances"]
    assert "expected a mapping" in messages["components.web.mix"]


def test_huge_numbers_are_range_errors():
    ps = problems(BASE.replace("workers: 8", "workers: 100000000000000000000000000000")
                  .replace("rate: 200", "rate: 1e400").replace("duration: 10s", "duration: 1e300h"))
    messages = {p.path: p.message for p in ps}
    assert "expected an integer in [1, 1_000_000]" in messages["components.db.workers"]
    assert "expected a number in [0, 1e+10], got inf" in messages["components.web.workload.Open.rate"]
    assert "duration" in messages


def test_negative_durations_are_errors():
    ps = problems(BASE.replace("warmup: 1s", "warmup: -1s").replace("timeout: 50ms", "timeout: -50ms"))
    paths = {p.path for p in ps}
    assert paths == {"warmup", "components.api.calls[0].Call.timeout"}
    assert all("duration" in p.message for p in ps)


def test_a_truncated_file_is_a_clean_error():
    for cut in (len(BASE) // 3, len(BASE) // 2, len(BASE) - 40, 17):
        with pytest.raises(ScenarioError) as e:
            sim.loads(BASE[:cut], "t.yaml")
        assert e.value.problems and all(str(p).startswith("t.yaml:") for p in e.value.problems)


def test_invalid_yaml_reports_its_line():
    (p,) = problems("components:\n  db: {kind: service\n  web: [\n")
    assert "not valid YAML" in p.message and p.line >= 2


def test_a_cycle_of_synchronous_calls_names_the_cycle():
    text = BASE.replace("service_time: {Exp: 1ms}", "service_time: {Exp: 1ms}\n    calls: [api]")
    (p,) = problems(text)
    assert "cycle of synchronous calls" in p.message and "api" in p.message and "db" in p.message
    assert p.path.startswith("components.")


def test_unknown_references_suggest_the_nearest_name():
    ps = problems(BASE.replace("- Call:\n          target: db", "- Call:\n          target: dbb")
                  + "faults:\n  - Crash: {target: 'apii[0]', at: 1s}\n")
    messages = {p.path: p.message for p in ps}
    assert "did you mean 'db'" in messages["components.api.calls[0].Call.target"]
    assert "did you mean 'api'" in messages["faults[0].Crash.target"]


def test_a_misspelt_type_or_kind_suggests_the_right_one():
    ps = problems(BASE.replace("{Exp: 1ms}", "{exp: 1ms}").replace("kind: client", "kind: cleint"))
    messages = {p.path: p.message for p in ps}
    assert "did you mean 'Exp'" in messages["components.db.service_time.exp"]
    assert "did you mean 'client'" in messages["components.web.kind"]


def test_duplicate_keys_and_missing_sections_are_errors():
    ps = problems(BASE.replace("    workers: 8\n", "    workers: 8\n    workers: 9\n"))
    assert any("given twice" in p.message for p in ps)
    (p,) = problems("duration: 1s\n")
    assert "components" in p.message
    (p,) = problems(BASE.replace("duration: 10s\n", ""))
    assert "duration" in p.message and "until_requests" in p.message


def test_builder_checks_become_positioned_problems():
    # The builder's own check (a breaker needs a trigger) is reported at the breaker.
    ps = problems(BASE.replace("retry: {attempts: 3, backoff: 10ms, jitter: full}", "breaker: {window: 5}"))
    (p,) = ps
    assert p.path == "components.api.calls[0].Call.breaker"
    assert "consecutive_failures" in p.message


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    with pytest.raises(ScenarioError) as e:
        sim.load(tmp_path / "missing.yaml")
    assert "cannot read" in str(e.value)
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScenarioError):
        sim.load(tmp_path / "bin.yaml")


def test_alias_bombs_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    bomb += "components: {web: {kind: client, target: [*i]}}\n"
    with pytest.raises(ScenarioError):
        sim.loads(bomb)

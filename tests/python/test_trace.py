"""Request traces: Chrome trace event JSON, sampling by correlation id, determinism."""

from __future__ import annotations

import json

import pytest

import archsim as sim
from archsim.cli import main


def model() -> sim.Model:
    m = sim.Model("traced")
    db = m.service("db", workers=2, queue_limit=2, service_time=sim.Exp("4ms"))
    api = m.service("api", instances=2, workers=8, service_time=sim.Exp("1ms"),
                    calls=[sim.Call(db, timeout="5ms", retry=sim.Retry(attempts=3, backoff="1ms"))])
    m.client("web", target=api, workload=sim.Open(rate=400))
    return m


def test_spans_carry_correlation_id_attempt_and_error():
    res = sim.run(model(), duration="3s", seed=1, trace=1.0)
    spans = res.trace.to_pandas()
    assert set(spans.component) == {"web", "api", "db"}
    web = spans[spans.component == "web"]
    # every client request is its own correlation id; each hop of it shares the id
    assert (web.correlation_id == web.request_id).all()
    assert set(spans.correlation_id) == set(web.correlation_id)
    db = spans[spans.component == "db"]
    assert db.attempt.max() >= 2, "retries appear as attempts > 1"
    assert {"timeout", "rejected"} & set(spans.error)
    # one finished client span per completed client request
    assert web.finished.sum() == res.requests_completed


def test_chrome_trace_json_has_complete_events_with_the_args(tmp_path):
    res = sim.run(model(), duration="1s", seed=1, trace=1.0)
    path = tmp_path / "t.json"
    res.trace.write(path)
    doc = json.loads(path.read_text())
    events = [e for e in doc["traceEvents"] if e["ph"] == "X"]
    assert len(events) == len(res.trace)
    e = events[0]
    assert {"name", "ts", "dur", "pid", "tid", "args"} <= set(e)
    assert {"correlation_id", "attempt", "error", "request_id", "parent_id", "op"} <= set(e["args"])
    assert all(ev["dur"] >= 0 for ev in events)


def test_sampling_is_by_correlation_id_deterministic_and_changes_no_figure():
    plain = sim.run(model(), duration="3s", seed=1)
    a = sim.run(model(), duration="3s", seed=1, trace=0.05)
    b = sim.run(model(), duration="3s", seed=1, trace=0.05)
    assert a.fingerprint() == plain.fingerprint()
    assert a.trace.to_pandas().equals(b.trace.to_pandas())
    spans = a.trace.to_pandas()
    n = plain.requests_completed
    traced = spans.correlation_id.nunique()
    assert abs(traced - 0.05 * n) < 5 * (n * 0.05 * 0.95) ** 0.5
    with pytest.raises(ValueError, match="trace"):
        sim.run(model(), duration="1s", trace=0)


def test_cli_writes_a_trace(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(model().to_yaml() + "duration: 1s\n")
    out = tmp_path / "trace.json"
    assert main(["run", str(scenario), "--trace", str(out), "--trace-sample", "0.5", "-q"]) == 0
    doc = json.loads(out.read_text())
    assert any(e["ph"] == "X" for e in doc["traceEvents"])

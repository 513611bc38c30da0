"""The Result of a run: summary table, per-op latency histograms, instances,
time series (every metric, coarsening), JSON export, component records,
availability, Little's law and errors for unknown names."""

import json
import math

import numpy as np
import pandas as pd
import pytest

import archsim as sim

METRICS = ("throughput", "errors", "error_rate", "mean", "p50", "p90", "p99", "p999")
NUMERIC = ["arrivals", "completed", "errors", "throughput", "mean", "p50", "p90", "p99", "p999", "max",
           "availability", "errors_timeout", "errors_rejected", "errors_unavailable", "errors_circuit_open",
           "errors_dropped", "errors_error", "utilisation", "mean_queue", "mean_in_flight", "littles_L",
           "littles_lambda_W"]


def build():
    """web -> lb -> api (2 instances, bounded queue) -> db; reads and writes; some rejections."""
    m = sim.Model("results")
    db = m.service("db", workers=4, service_time={"read": sim.Exp("1ms"), "write": sim.Exp("3ms")})
    api = m.service("api", instances=2, workers=2, queue_limit=3, service_time=sim.Exp("4ms"), calls=[sim.Call(db)])
    lb = m.balancer("lb", target=api, strategy="round_robin")
    m.client("web", target=lb, workload=sim.Open(rate=700), mix={"read": 0.7, "write": 0.3})
    return m


@pytest.fixture(scope="module")
def result():
    return sim.run(build(), duration="6s", warmup="1s", seed=11, window="500ms")


def row(result, name, op="all"):
    df = result.summary(by_op=op != "all")
    return df[(df.component == name) & (df.op == op)].iloc[0]


# -- run-level fields ------------------------------------------------------------

def test_run_level_fields(result):
    assert result.model == "results"
    assert result.seed == 11
    assert result.stop_reason == "time_limit"
    assert result.measured_seconds == pytest.approx(5.0)
    assert result.events > result.requests_completed > 3000
    assert result.fingerprint() in repr(result)


# -- summary ---------------------------------------------------------------------

def test_summary_has_one_row_per_component_with_numeric_columns(result):
    df = result.summary()
    assert list(df.component) == ["db", "api", "lb", "web"]  # declaration order
    assert list(df.kind) == ["service", "service", "balancer", "client"]
    assert set(df.op) == {"all"}
    for col in NUMERIC:
        assert col in df.columns, col
        assert pd.api.types.is_numeric_dtype(df[col]), col


def test_summary_by_op_adds_a_row_per_operation(result):
    df = result.summary(by_op=True)
    for name in ("db", "api", "lb", "web"):
        ops = df[df.component == name].op.tolist()
        assert ops == ["all", "read", "write"], name
        part = df[df.component == name].set_index("op")
        for col in ("arrivals", "completed", "errors", "errors_rejected"):
            assert part.loc["all", col] == part.loc["read", col] + part.loc["write", col], (name, col)
    for col in NUMERIC[:18]:
        assert pd.api.types.is_numeric_dtype(df[col]), col


def test_summary_figures_are_consistent(result):
    df = result.summary(by_op=True)
    for _, r in df.iterrows():
        where = (r.component, r.op)
        assert r.p50 <= r.p90 <= r.p99 <= r.p999 <= r["max"] * 1.01, where
        assert 0 < r["mean"] < r["max"], where
        assert r.throughput == pytest.approx(r.completed / result.measured_seconds), where
        assert r.availability == pytest.approx(r.completed / (r.completed + r.errors)), where
        assert r.errors == sum(r[f"errors_{k}"] for k in
                               ("timeout", "rejected", "unavailable", "circuit_open", "dropped", "error")), where
    web, api = row(result, "web"), row(result, "api")
    assert api.errors_rejected > 0  # the bounded queue does overflow at this load
    assert web.errors_rejected == api.errors_rejected
    assert 0 < api.utilisation <= 1
    assert math.isnan(web.utilisation)  # a client has no workers


def test_reads_and_writes_have_their_own_latency(result):
    read, write = result.latency("db", "read"), result.latency("db", "write")
    assert read.mean() == pytest.approx(0.001, rel=0.1)
    assert write.mean() == pytest.approx(0.003, rel=0.1)
    assert read.count == row(result, "db", "read").completed
    assert write.count == row(result, "db", "write").completed
    merged = result.latency("db")
    assert merged.count == read.count + write.count
    assert merged.mean() == pytest.approx((read.mean() * read.count + write.mean() * write.count) / merged.count)
    assert merged.percentile(99) == pytest.approx(row(result, "db").p99)


def test_latency_histograms_nest_along_the_call_path(result):
    # Each hop contains the one below it (without a network the outer hops add nothing).
    assert result.latency("web").mean() >= result.latency("lb").mean() >= result.latency("api").mean() \
        > result.latency("db").mean() + 0.002
    edges, cdf = result.latency("web").cdf()
    assert len(edges) == len(cdf) > 10
    assert np.all(np.diff(edges) > 0) and np.all(np.diff(cdf) >= 0)
    assert cdf[-1] == pytest.approx(1.0)


def test_instances_lists_each_instance_with_its_host(result):
    df = result.instances("api")
    assert list(df.instance) == ["api[0]", "api[1]"]
    assert set(df.columns) >= {"component", "instance", "host", "completed", "utilisation", "mean_queue",
                               "mean_in_flight"}
    assert df.host.nunique() == 2
    # Round-robin: the two instances finish about the same number of requests.
    assert abs(df.completed.iloc[0] - df.completed.iloc[1]) < 0.1 * df.completed.mean()
    assert df.utilisation.mean() == pytest.approx(row(result, "api").utilisation)
    assert len(result.instances()) == 1 + 2 + 1 + 1


def test_component_record_and_availability(result):
    rec = result.component("api")
    assert isinstance(rec, dict)
    assert rec["component"] == "api" and rec["kind"] == "service"
    assert rec["p99"] == row(result, "api").p99
    assert result.availability("web") == pytest.approx(rec["availability"])
    assert 0.5 < result.availability("web") < 1.0
    assert result.availability("db") == 1.0


@pytest.mark.parametrize("name", ["db", "api", "web"])
def test_littles_law_holds_in_a_stable_run(result, name):
    # L = lambda W (Little 1961): time-averaged requests in the component equal the
    # rate of finished requests times their mean time inside.
    L, lam_w = result.littles_law(name)
    assert L > 0
    assert L == pytest.approx(lam_w, rel=0.03)


# -- time series -----------------------------------------------------------------

def test_timeseries_windows_cover_the_measured_span(result):
    ts = result.timeseries("web", "throughput")
    assert isinstance(ts, pd.Series)
    assert ts.name == "throughput"
    assert ts.index.name == "time_s"
    np.testing.assert_allclose(ts.index, np.arange(1.0, 6.0, 0.5))
    # Window sums add up to the summary's counts.
    assert (ts * 0.5).sum() == pytest.approx(row(result, "web").completed)
    assert result.timeseries("web", "errors").sum() == row(result, "web").errors


@pytest.mark.parametrize("metric", METRICS)
def test_every_timeseries_metric_is_numeric_and_plausible(result, metric):
    ts = result.timeseries("api", metric)
    assert len(ts) == 10
    assert pd.api.types.is_float_dtype(ts)
    assert not ts.isna().any()
    if metric == "throughput":
        assert ts.mean() == pytest.approx(row(result, "api").throughput)
    elif metric == "error_rate":
        assert ((ts >= 0) & (ts <= 1)).all() and ts.max() > 0
    elif metric == "errors":
        assert ts.sum() == row(result, "api").errors
    else:
        overall = row(result, "api")[metric]
        assert 0.5 * overall < ts.median() < 2 * overall


def test_timeseries_percentiles_are_ordered_in_every_window(result):
    p = {m: result.timeseries("web", m) for m in ("p50", "p90", "p99", "p999")}
    assert (p["p50"] <= p["p90"]).all() and (p["p90"] <= p["p99"]).all() and (p["p99"] <= p["p999"]).all()


def test_timeseries_per_op(result):
    reads = result.timeseries("db", "throughput", op="read")
    writes = result.timeseries("db", "throughput", op="write")
    both = result.timeseries("db", "throughput")
    np.testing.assert_allclose(reads + writes, both)
    assert result.timeseries("db", "mean", op="write").mean() > result.timeseries("db", "mean", op="read").mean()


def test_timeseries_coarsens_to_a_multiple_of_the_run_window(result):
    fine = result.timeseries("web", "throughput")
    coarse = result.timeseries("web", "throughput", window="1s")
    np.testing.assert_allclose(coarse.index, [1, 2, 3, 4, 5])
    np.testing.assert_allclose(coarse.to_numpy(), fine.to_numpy().reshape(-1, 2).mean(axis=1))
    errors = result.timeseries("web", "errors", window=1.0)
    fine_errors = result.timeseries("web", "errors").to_numpy()
    np.testing.assert_allclose(errors.to_numpy(), fine_errors.reshape(-1, 2).sum(axis=1))
    # Coarse latencies come from merged histograms: the mean is count-weighted, not averaged.
    counts = fine.to_numpy().reshape(-1, 2) * 0.5
    means = result.timeseries("web", "mean").to_numpy().reshape(-1, 2)
    np.testing.assert_allclose(result.timeseries("web", "mean", window="1s").to_numpy(),
                               (means * counts).sum(axis=1) / counts.sum(axis=1), rtol=1e-9)
    p99 = result.timeseries("web", "p99", window="1s")
    assert (p99.to_numpy() <= result.timeseries("web", "p99").to_numpy().reshape(-1, 2).max(axis=1) * 1.01).all()
    assert result.timeseries("web", "throughput", window="500ms").equals(fine)


@pytest.mark.parametrize("window", ["300ms", "750ms", "250ms", 0])
def test_timeseries_rejects_a_window_that_is_not_a_multiple(result, window):
    with pytest.raises(ValueError, match="multiple of the run's window"):
        result.timeseries("web", "throughput", window=window)


def test_timeseries_rejects_an_unknown_metric_listing_the_accepted_ones(result):
    with pytest.raises(ValueError) as info:
        result.timeseries("web", "p42")
    assert "'p42'" in str(info.value)
    for metric in METRICS:
        assert metric in str(info.value)


def test_timeseries_rejects_an_unknown_metric_even_without_data():
    m = sim.Model("idle")
    s = m.service("s")
    m.client("web", target=s, workload=sim.Open(rate=0))
    r = sim.run(m, duration="1s", seed=1)
    with pytest.raises(ValueError, match="p42"):
        r.timeseries("web", "p42")


# -- JSON --------------------------------------------------------------------------

def _no_constants(name):
    raise ValueError(f"not standard JSON: {name}")


def test_to_json_round_trips_with_the_fingerprint(result, tmp_path):
    text = result.to_json()
    data = json.loads(text)
    assert data["fingerprint"] == result.fingerprint()
    assert data["model"] == "results" and data["seed"] == 11
    assert data["stop_reason"] == "time_limit"
    assert data["requests_completed"] == result.requests_completed
    assert data["measured_seconds"] == pytest.approx(5.0)
    assert len(data["summary"]) == len(result.summary(by_op=True))
    web = next(r for r in data["summary"] if r["component"] == "web" and r["op"] == "all")
    assert web["completed"] == row(result, "web").completed
    assert web["p99"] == pytest.approx(row(result, "web").p99)
    assert web["utilisation"] is None  # NaN becomes null
    assert [i["instance"] for i in data["instances"]] == result.instances().instance.tolist()
    path = tmp_path / "out.json"
    assert result.to_json(path) == text
    assert json.loads(path.read_text()) == data


def test_to_json_is_standard_json_without_nan(result):
    data = json.loads(result.to_json(), parse_constant=_no_constants)
    assert all(i["utilisation"] is None for i in data["instances"] if i["component"] in ("lb", "web"))


def test_same_seed_same_fingerprint_different_seed_different(result):
    again = sim.run(build(), duration="6s", warmup="1s", seed=11, window="500ms")
    assert again.fingerprint() == result.fingerprint()
    assert again.to_json() == result.to_json()
    other = sim.run(build(), duration="6s", warmup="1s", seed=12, window="500ms")
    assert other.fingerprint() != result.fingerprint()


def test_report_mentions_every_component(result):
    text = result.report()
    assert result.fingerprint() in text
    for name in ("db", "api", "lb", "web"):
        assert f"\n{name} " in text


# -- unknown names -------------------------------------------------------------------

@pytest.mark.parametrize("lookup", [
    lambda r: r.latency("apii"),
    lambda r: r.component("apii"),
    lambda r: r.availability("apii"),
    lambda r: r.littles_law("apii"),
    lambda r: r.timeseries("apii", "p99"),
    lambda r: r.instances("apii"),
], ids=["latency", "component", "availability", "littles_law", "timeseries", "instances"])
def test_unknown_component_names_raise_key_error_listing_the_known_ones(result, lookup):
    with pytest.raises(KeyError) as info:
        lookup(result)
    message = str(info.value)
    assert "'apii'" in message
    for name in ("db", "api", "lb", "web"):
        assert f"'{name}'" in message


def test_an_op_a_component_never_saw_raises_key_error_listing_the_ops_it_saw(result):
    with pytest.raises(KeyError) as info:
        result.latency("db", "scan")
    assert "'scan'" in str(info.value) and "'read'" in str(info.value) and "'write'" in str(info.value)
    with pytest.raises(KeyError):
        result.timeseries("db", "p99", op="scan")

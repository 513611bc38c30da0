"""Sweeps: the grid, identical results under every executor (serial, processes, Dask),
failing points, tidy tables and their CSV / Parquet round trip, CIs over seeds."""

import math
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.stats

import archsim as sim


def build(workers: int, rate: float = 200.0) -> sim.Model:
    m = sim.Model("mmc")
    api = m.service("api", workers=workers, service_time=sim.Exp("10ms"))
    m.client("web", target=api, workload=sim.Open(rate=rate))
    return m


def build_failing(workers: int) -> sim.Model:
    if workers == 3:
        raise RuntimeError("no model for 3 workers")
    return build(workers)


def build_not_a_model(workers: int):
    return "not a model"


def web_p99(res: sim.Result) -> float:
    return res.latency("web").percentile(99)


PARAMS = {"workers": [3, 4], "rate": [150.0, 250.0]}
RUN = dict(duration=20, warmup=2)


@pytest.fixture(scope="module")
def serial():
    return sim.sweep(build, params=PARAMS, seeds=[1, 2, 3], executor=None, progress=False, **RUN)


def test_grid_covers_every_combination_and_seed_in_order(serial):
    pts = serial.points
    assert len(pts) == 12 and serial.errors.empty
    assert list(pts[["workers", "rate", "seed"]].itertuples(index=False, name=None))[:4] == [
        (3, 150.0, 1), (3, 150.0, 2), (3, 150.0, 3), (3, 250.0, 1)]
    # Every point is the plain run of its model and seed.
    direct = sim.run(build(4, 250.0), seed=2, progress=False, **RUN)
    assert pts[(pts.workers == 4) & (pts.rate == 250.0) & (pts.seed == 2)].fingerprint.item() == direct.fingerprint()


def test_process_pool_gives_identical_results(serial):
    pooled = sim.sweep(build, params=PARAMS, seeds=[1, 2, 3], executor="processes", workers=2, progress=False,
                       **RUN)
    assert pooled.fingerprint() == serial.fingerprint()
    assert len(set(pooled.points.worker)) >= 1
    pd.testing.assert_frame_equal(pooled.to_pandas(), serial.to_pandas())


def test_dask_local_cluster_gives_identical_results(serial):
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this test module
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") \
            as cluster, distributed.Client(cluster) as client:
        on_dask = sim.sweep(build, params=PARAMS, seeds=[1, 2, 3], executor=client, progress=False, **RUN)
    assert on_dask.fingerprint() == serial.fingerprint()
    pd.testing.assert_frame_equal(on_dask.to_pandas(), serial.to_pandas())


def test_failing_points_report_their_error_and_the_others_come_back():
    for executor in (None, "processes"):
        with pytest.warns(RuntimeWarning, match="1 of 3 points failed"):
            sw = sim.sweep(build_failing, params={"workers": [2, 3, 4]}, executor=executor, progress=False, **RUN)
        assert len(sw) == 3
        errors = sw.errors
        assert list(errors.workers) == [3]
        assert "RuntimeError: no model for 3 workers" in errors.error.item()
        assert sorted(set(sw.to_pandas().workers)) == [2, 4]
    with pytest.warns(RuntimeWarning, match="failed"):
        sw = sim.sweep(build_not_a_model, params={"workers": [1]}, progress=False, **RUN)
    assert "returned str, not an archsim.Model" in sw.errors.error.item()


def test_tidy_table_has_one_row_per_run_component_op_metric_and_round_trips(serial, tmp_path):
    df = serial.to_pandas()
    assert list(df.columns[:3]) == ["workers", "rate", "seed"]
    assert {"component", "kind", "op", "metric", "value"} <= set(df.columns)
    assert not df.duplicated(["workers", "rate", "seed", "component", "op", "metric"]).any()
    one = df[(df.workers == 3) & (df.rate == 150.0) & (df.seed == 1)]
    direct = sim.run(build(3, 150.0), seed=1, progress=False, **RUN).summary(by_op=True)
    row = direct[(direct.component == "web") & (direct.op == "all")].iloc[0]
    got = one[(one.component == "web") & (one.op == "all")].set_index("metric").value
    for metric in ("throughput", "p99", "availability", "completed"):
        assert got[metric] == row[metric]
    serial.to_csv(tmp_path / "s.csv")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "s.csv"), df, check_dtype=False)
    serial.to_parquet(tmp_path / "s.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "s.parquet"), df)


def test_summary_is_mean_and_student_t_interval_over_seeds(serial):
    s = serial.summary("web", "p99")
    assert list(s.columns[:2]) == ["workers", "rate"] and len(s) == 4
    df = serial.to_pandas()
    vals = df[(df.workers == 4) & (df.rate == 250.0) & (df.component == "web") & (df.op == "all")
              & (df.metric == "p99")].value.to_numpy()
    row = s[(s.workers == 4) & (s.rate == 250.0)].iloc[0]
    assert row["mean"] == pytest.approx(vals.mean())
    assert row["half_width"] == pytest.approx(scipy.stats.t.ppf(0.975, 2) * vals.std(ddof=1) / math.sqrt(3))
    with pytest.raises(KeyError, match="no component 'nope'"):
        serial.summary("nope", "p99")
    with pytest.raises(KeyError, match="metrics"):
        serial.summary("web", "p98")


def test_collect_runs_in_the_worker():
    sw = sim.sweep(build, params={"workers": [2, 4]}, executor="processes", collect=web_p99, progress=False, **RUN)
    direct = [sim.run(build(w), seed=0, progress=False, **RUN).latency("web").percentile(99) for w in (2, 4)]
    assert sw.collected == direct
    assert np.all(np.diff(sw.collected) < 0)  # more workers, shorter tail


def test_bad_sweep_arguments_name_the_field():
    with pytest.raises(ValueError, match="executor must be None, 'processes'"):
        sim.sweep(build, params={"workers": [1]}, executor="threads", duration=1)
    with pytest.raises(ValueError, match=r"params\['workers'\] must be a list"):
        sim.sweep(build, params={"workers": 4}, duration=1)
    with pytest.raises(ValueError, match="seeds="):
        sim.sweep(build, params={"workers": [1]}, seed=3, duration=1)
    with pytest.raises(ValueError, match="seeds must be"):
        sim.sweep(build, params={"workers": [1]}, seeds=[-1], duration=1)
    with pytest.raises(ValueError, match="reserved"):
        sim.sweep(build, params={"seed": [1]}, duration=1)


def test_progress_bar_counts_the_points_on_stderr(capsys):
    sim.sweep(build, params={"workers": [2, 4]}, executor=None, progress=True, **RUN)
    err = capsys.readouterr().err
    assert "sweep" in err and "2/2" in err
    sim.sweep(build, params={"workers": [2, 4]}, executor=None, progress=False, **RUN)
    assert capsys.readouterr().err == ""

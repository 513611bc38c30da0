"""Running well from Python: the GIL is free during a run, Ctrl-C stops a run and keeps its
figures, tidy tables of one result, and the typing stubs of archsim._core are current."""

import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

import pytest

import archsim as sim
from archsim import _core

ROOT = pathlib.Path(__file__).resolve().parents[2]


def busy_model() -> sim.Model:
    m = sim.Model("busy")
    q = m.service("q", workers=4, service_time=sim.Exp("1ms"))
    m.client("web", target=q, workload=sim.Open(rate=3000))
    return m


def _options(duration_s: float):
    o = _core.RunOptions()
    o.duration = int(duration_s * 1e9)
    o.seed = 1
    return o


def test_the_gil_is_released_while_a_run_computes():
    # The run gets no progress callback, so if it held the GIL the main thread could not run
    # one Python statement until it finished.
    spec, opts = busy_model()._to_spec(), _options(60)
    started = threading.Event()
    ran = {}

    def worker():
        started.set()
        t0 = time.perf_counter()
        ran["result"] = _core.run_model(spec, opts, None)
        ran["seconds"] = time.perf_counter() - t0

    t = threading.Thread(target=worker)
    t.start()
    started.wait()
    spins, first, last = 0, None, None
    while t.is_alive():
        now = time.perf_counter()
        first = first if first is not None else now
        last = now
        spins += 1
    t.join()
    assert ran["result"].stop_reason == "time_limit"
    assert spins > 1000, spins
    assert last - first > 0.5 * ran["seconds"], (last - first, ran["seconds"])


def test_ctrl_c_stops_a_run_cleanly_and_keeps_the_figures_so_far(ctrl_c_raises):
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.warns(RuntimeWarning, match="interrupted"):
            res = sim.run(busy_model(), duration="100h", seed=1, progress=False, max_events=10**8)
    finally:
        timer.cancel()
    assert res.stop_reason == "cancelled"
    assert 0 < res.measured_seconds < 100 * 3600
    row = res.component("web")
    assert row["completed"] > 0 and row["throughput"] == pytest.approx(3000, rel=0.1)


def test_result_to_pandas_is_tidy_and_matches_the_summary():
    res = sim.run(busy_model(), duration=5, seed=2, progress=False)
    df = res.to_pandas(rate=3000)
    assert list(df.columns) == ["rate", "model", "seed", "component", "kind", "op", "metric", "value"]
    assert not df.duplicated(["component", "op", "metric"]).any()
    s = res.summary(by_op=True)
    web = s[(s.component == "web") & (s.op == "all")].iloc[0]
    got = df[(df.component == "web") & (df.op == "all")].set_index("metric").value
    for metric in ("p99", "throughput", "completed", "errors"):
        assert got[metric] == web[metric]
    assert "utilisation" not in set(df[df.component == "web"].metric)  # NaN figures are left out
    with pytest.raises(ValueError, match="clashes"):
        res.to_pandas(metric=1)


def test_stubs_of_core_are_current(tmp_path):
    pytest.importorskip("pybind11_stubgen")
    subprocess.run([sys.executable, "-m", "pybind11_stubgen", "archsim._core", "-o", str(tmp_path)], check=True,
                   capture_output=True)
    fresh = tmp_path / "archsim" / "_core"
    checked_in = ROOT / "python" / "archsim" / "_core"
    names = sorted(p.name for p in fresh.glob("*.pyi"))
    assert names == sorted(p.name for p in checked_in.glob("*.pyi")), "regenerate with scripts/stubs.sh"
    for name in names:
        assert (checked_in / name).read_text() == (fresh / name).read_text(), (
            f"python/archsim/_core/{name} is out of date; regenerate with bash scripts/stubs.sh")
    assert (ROOT / "python" / "archsim" / "py.typed").exists()

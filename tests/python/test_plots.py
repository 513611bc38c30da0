"""Plots: each draws what its data says (lines, bands, shaded fault windows, cells)."""

import shutil

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import archsim as sim  # noqa: E402
from archsim import plots  # noqa: E402


def build(workers: int, rate: float = 150.0) -> sim.Model:
    m = sim.Model("plots")
    api = m.service("api", workers=workers, service_time=sim.Exp("10ms"))
    m.client("web", target=api, workload=sim.Open(rate=rate))
    return m


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def two_runs():
    return {w: sim.run(build(w), duration=20, seed=1, progress=False) for w in (2, 4)}


def test_latency_cdf_draws_one_step_line_per_run_ending_at_one(two_runs):
    ax = plots.latency_cdf({f"{w} workers": r for w, r in two_runs.items()}, "web")
    lines = ax.get_lines()
    assert [l.get_label() for l in lines] == ["2 workers", "4 workers"]
    for line, res in zip(lines, two_runs.values()):
        x, y = line.get_data()
        assert y[-1] == pytest.approx(1.0) and np.all(np.diff(y) >= 0)
        assert x[-1] == pytest.approx(res.latency("web").max() * 1e3, rel=0.01)


def test_percentile_curve_passes_through_the_histogram_percentiles(two_runs):
    ax = plots.percentiles(list(two_runs.values()), "web")
    x, y = ax.get_lines()[0].get_data()
    h = two_runs[2].latency("web")
    i = np.argmin(np.abs(x - 2.0))  # two nines: p99
    assert y[i] == pytest.approx(h.percentile(100 * (1 - 10 ** -x[i])) * 1e3)
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["p50", "p90", "p99"]


def test_timeseries_shades_each_fault_window():
    m = sim.Model("faulty")
    api = m.service("api", instances=2, workers=2, service_time=sim.Exp("10ms"))
    m.client("web", target=api, workload=sim.Open(rate=100))
    res = sim.run(m, duration=30, seed=1, progress=False,
                  faults=[sim.Crash("api[0]", at=5, duration=5), sim.Slow("api", factor=3, at=15, duration=5)])
    ax = plots.timeseries(res, "web", "p99")
    spans = [p for p in ax.patches]
    assert len(spans) == 2
    extents = sorted((round(p.get_x(), 6), round(p.get_x() + p.get_width(), 6)) for p in spans)
    assert extents == [(5.0, 10.0), (15.0, 20.0)]
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"crash api[0]", "slow api[0], api[1]", "web p99"} <= labels


def test_timeseries_labels_a_fault_once_however_many_windows_it_had():
    m = sim.Model("flaky")
    api = m.service("api", instances=2, workers=2, service_time=sim.Exp("10ms"))
    m.client("web", target=api, workload=sim.Open(rate=100))
    res = sim.run(m, duration=30, seed=1, progress=False,
                  faults=[sim.Crash("api[0]", at=t, duration=1) for t in (3, 9, 15, 21)])
    ax = plots.timeseries(res, "web", "p99")
    assert len(ax.patches) == 4
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["web p99", "crash api[0] (4 windows)"]


def test_sweep_curve_band_is_the_confidence_interval_and_heatmap_cells_the_means():
    sw = sim.sweep(build, params={"workers": [2, 3], "rate": [100.0, 150.0]}, seeds=[1, 2, 3], executor=None,
                   progress=False, duration=10)
    ax = plots.sweep_curve(sw, "workers", "web", "p99", hue="rate")
    s = sw.summary("web", "p99")
    first = s[s.rate == 100.0].sort_values("workers")
    x, y = ax.get_lines()[0].get_data()
    assert list(x) == [2, 3] and np.allclose(y, first["mean"] * 1e3)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert np.isclose(band.min(), first["ci_low"].min() * 1e3) and np.isclose(band.max(), first["ci_high"].max() * 1e3)
    ax = plots.heatmap(sw, "workers", "rate", "web", "p99")
    grid = ax.images[0].get_array()
    assert grid.shape == (2, 2)
    assert grid[0, 0] == pytest.approx(s[(s.workers == 2) & (s.rate == 100.0)]["mean"].item() * 1e3)
    with pytest.raises(ValueError, match="not a parameter"):
        plots.sweep_curve(sw, "threads", "web", "p99")


class _FakeDot:
    """A model stand-in with a fixed DOT text, to test rendering alone."""

    model = "fake"

    def to_dot(self):
        return 'digraph g { "web" -> "api"; }'


def test_architecture_renders_with_dot_or_returns_the_dot_text(monkeypatch):
    text = plots.architecture(_FakeDot(), render=False)
    assert text == 'digraph g { "web" -> "api"; }'
    if shutil.which("dot"):
        diagram = plots.architecture(_FakeDot())
        assert "<svg" in diagram._repr_svg_() and "web" in diagram.svg
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert plots.architecture(_FakeDot()) == text
    with pytest.raises(RuntimeError, match="graphviz"):
        plots.architecture(_FakeDot(), render=True)

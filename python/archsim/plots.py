"""Plots of results with matplotlib (``pip install archsim[plot]``).

    from archsim import plots
    plots.latency_cdf({"2 workers": r2, "4 workers": r4}, "web")
    plots.percentiles({"before": a, "after": b}, "web")
    plots.timeseries(res, "web", "p99")            # fault windows shaded
    plots.sweep_curve(sw, "workers", "web", "p99", hue="rate")   # mean with CI band
    plots.heatmap(sw, "workers", "rate", "web", "p99")
    plots.architecture(model)                      # rendered by graphviz `dot`, else DOT text

Every function takes an optional matplotlib ``ax`` and returns the axes it drew on.
Latencies are plotted in milliseconds.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter

import numpy as np

__all__ = ["latency_cdf", "percentiles", "timeseries", "sweep_curve", "heatmap", "architecture", "Diagram"]


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(7, 4))[1]


def _labelled(results) -> dict:
    """{label: result} from a dict, a list (labelled by model and seed) or one result."""
    if isinstance(results, dict):
        return dict(results)
    if not isinstance(results, (list, tuple)):
        results = [results]
    labels = [f"{r.model} seed {r.seed}" if hasattr(r, "seed") else r.model for r in results]
    if len(set(labels)) < len(labels):  # same model and seed: number them
        labels = [f"{i}: {label}" for i, label in enumerate(labels)]
    return dict(zip(labels, results))


def latency_cdf(results, component: str, op: str | None = None, ax=None, log: bool = True):
    """Latency CDFs at ``component``, one line per result (a Result, a ReplicatedResult for
    the replications pooled, a list, or a ``{label: result}`` dict).

    Example::

        plots.latency_cdf({"round robin": rr, "p2c": p2c}, "web")
    """
    ax = _axes(ax)
    for label, res in _labelled(results).items():
        edges, frac = res.latency(component, op).cdf()
        ax.step(edges * 1e3, frac, where="post", label=label)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(f"latency at {component} (ms)")
    ax.set_ylabel("fraction of requests")
    ax.set_ylim(0, 1.01)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


_NINES = np.array([50, 90, 99, 99.9, 99.99])


def percentiles(results, component: str, op: str | None = None, ax=None, max_nines: float = 4.0):
    """Latency against percentile on a "nines" axis (50, 90, 99, 99.9, ...), one line per
    result: the tail is spread out where a CDF squeezes it.

    Example::

        plots.percentiles({"no retries": a, "3 retries": b}, "web")
    """
    ax = _axes(ax)
    nines = np.linspace(0.0, max_nines, 200)  # -log10(1 - q)
    qs = 100 * (1 - 10.0 ** -nines)
    for label, res in _labelled(results).items():
        h = res.latency(component, op)
        if not h.count:
            continue
        usable = qs <= 100 * (1 - 1 / h.count)  # no percentile finer than one request
        ax.plot(nines[usable], [h.percentile(q) * 1e3 for q in qs[usable]], label=label)
    ticks = _NINES[_NINES <= 100 * (1 - 10.0 ** -max_nines) + 1e-9]
    ax.set_xticks(-np.log10(1 - ticks / 100))
    ax.set_xticklabels([f"p{q:g}" for q in ticks])
    ax.set_xlabel("percentile")
    ax.set_ylabel(f"latency at {component} (ms)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def timeseries(result, component: str, metric: str = "p99", window=None, op: str | None = None, ax=None,
               faults: bool = True):
    """``metric`` at ``component`` per time window, with the fault windows of the result's
    fault log shaded and labelled. Latency metrics are in ms.

    Example::

        res = sim.run(m, duration="5m", seed=1, faults=[sim.Crash("db[0]", at="2m", duration="30s")])
        plots.timeseries(res, "web", "p99")
    """
    ax = _axes(ax)
    s = result.timeseries(component, metric, window=window, op=op)
    latency = metric in ("mean", "p50", "p90", "p99", "p999")
    ax.plot(s.index, s.to_numpy() * (1e3 if latency else 1.0), label=f"{component} {metric}")
    if faults:
        end_of_run = (result._raw.measured_to) / 1e9
        log = result.faults.fillna({"end": end_of_run})
        colours = {"crash": "tab:red", "slow": "tab:orange"}
        # One span per window: a fault on a service logs each of its instances.
        windows = [(kind, start, end, f"{kind} {', '.join(g.target)}")
                   for (kind, start, end), g in log.groupby(["kind", "start", "end"], sort=False)]
        repeats = Counter(label for *_, label in windows)
        labelled = set()  # one legend entry per fault, however many windows it had (random crashes)
        for kind, start, end, label in windows:
            shown = None if label in labelled else label + (f" ({repeats[label]} windows)" if repeats[label] > 1 else "")
            labelled.add(label)
            ax.axvspan(start, end, color=colours.get(kind, "tab:grey"), alpha=0.2, label=shown)
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel(f"{metric} (ms)" if latency else metric)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best")
    return ax


def sweep_curve(sweep, x: str, component: str, metric: str, hue: str | None = None, op: str = "all", ax=None,
                confidence: float = 0.95, scale: float | None = None):
    """The mean of ``metric`` at ``component`` against parameter ``x``, one line per value of
    ``hue``, with a band for its Student-t confidence interval over the seeds. Latency
    metrics are shown in ms unless ``scale`` is given.

    Example::

        sw = sim.sweep(build, params={"workers": [2, 4, 8], "rate": [100, 200]}, seeds=range(5), duration=60)
        plots.sweep_curve(sw, "workers", "web", "p99", hue="rate")
    """
    for name in (x, hue):
        if name is not None and name not in sweep.param_names:
            raise ValueError(f"sweep_curve: {name!r} is not a parameter of the sweep; parameters: {sweep.param_names}")
    ax = _axes(ax)
    if scale is None:
        scale = 1e3 if metric in ("mean", "p50", "p90", "p99", "p999", "max") else 1.0
    s = sweep.summary(component, metric, op=op, confidence=confidence)
    groups = [(None, s)] if hue is None else list(s.groupby(hue, sort=False))
    for value, g in groups:
        g = g.groupby(x, sort=True)[["mean", "ci_low", "ci_high"]].mean()  # other parameters averaged
        label = f"{component} {metric}" if hue is None else f"{hue}={value}"
        line, = ax.plot(g.index, g["mean"] * scale, marker="o", label=label)
        ax.fill_between(g.index, g["ci_low"] * scale, g["ci_high"] * scale, color=line.get_color(), alpha=0.2)
    ax.set_xlabel(x)
    ax.set_ylabel(f"{metric} at {component}" + (" (ms)" if scale == 1e3 else ""))
    ax.set_title(f"mean and {confidence:.0%} CI over seeds", fontsize="small")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def heatmap(sweep, x: str, y: str, component: str, metric: str, op: str = "all", ax=None, annotate: bool = True,
            scale: float | None = None):
    """The mean of ``metric`` at ``component`` over the grid of parameters ``x`` and ``y``,
    each cell annotated with mean +- CI half width. Latency metrics are shown in ms.

    Example::

        plots.heatmap(sw, "workers", "rate", "web", "p99")
    """
    for name in (x, y):
        if name not in sweep.param_names:
            raise ValueError(f"heatmap: {name!r} is not a parameter of the sweep; parameters: {sweep.param_names}")
    ax = _axes(ax)
    if scale is None:
        scale = 1e3 if metric in ("mean", "p50", "p90", "p99", "p999", "max") else 1.0
    s = sweep.summary(component, metric, op=op)
    mean = s.pivot_table(index=y, columns=x, values="mean") * scale
    half = s.pivot_table(index=y, columns=x, values="half_width", dropna=False) * scale
    im = ax.imshow(mean.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(mean.columns)), [f"{v:g}" if isinstance(v, float) else str(v) for v in mean.columns])
    ax.set_yticks(range(len(mean.index)), [f"{v:g}" if isinstance(v, float) else str(v) for v in mean.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.figure.colorbar(im, ax=ax, label=f"{metric} at {component}" + (" (ms)" if scale == 1e3 else ""))
    if annotate:
        for i in range(mean.shape[0]):
            for j in range(mean.shape[1]):
                m, h = mean.iat[i, j], half.reindex_like(mean).iat[i, j]
                text = f"{m:.3g}" + ("" if np.isnan(h) else f"\n±{h:.2g}")
                ax.text(j, i, text, ha="center", va="center", fontsize="x-small", color="white")
    return ax


class Diagram:
    """An architecture diagram rendered by graphviz: shows itself in a notebook (SVG).

    ``dot`` is the DOT source, ``svg`` the rendered picture; ``save(path)`` writes either.
    """

    def __init__(self, dot: str, svg: str):
        self.dot = dot
        self.svg = svg

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path) -> None:
        """Write the SVG (a path ending in .svg) or the DOT source (.dot / .gv)."""
        text = self.dot if str(path).endswith((".dot", ".gv")) else self.svg
        with open(path, "w") as f:
            f.write(text)

    def __repr__(self) -> str:
        return f"<Diagram: {self.dot.count('->')} edges; .dot, .svg, .save(path)>"


def architecture(model, render: bool | None = None):
    """The component graph of ``model`` (``Model.to_dot()``, written with Boost.Graph's
    graphviz writer). Rendered to SVG as a ``Diagram`` when graphviz's ``dot`` program is
    installed (or ``render=True``), otherwise returned as DOT text.

    Example::

        plots.architecture(m)        # in a notebook: the picture
        print(plots.architecture(m, render=False))   # the DOT text
    """
    to_dot = getattr(model, "to_dot", None)
    if to_dot is None:
        raise NotImplementedError("architecture: this archsim build has no Model.to_dot() yet")
    dot = to_dot()
    program = shutil.which("dot")
    if render is False or (render is None and program is None):
        return dot
    if program is None:
        raise RuntimeError("architecture: render=True needs graphviz's `dot` program (apt install graphviz)")
    done = subprocess.run([program, "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"architecture: dot failed: {done.stderr.strip()}")
    return Diagram(dot, done.stdout)

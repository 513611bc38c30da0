"""The charts of the HTML report, drawn by ``archsim.plots`` and embedded as inline SVG.

No chart code of its own: each chart is a call to ``plots`` on a fresh matplotlib Figure
(no pyplot, so no global figure state), saved as SVG with its text as text (searchable,
selectable, small; drawn in a local sans-serif font) and its ids prefixed (several SVGs
share one page, and ids must be unique in it).
"""

from __future__ import annotations

import io
import re

from . import plots

_LATENCY = ("mean", "p50", "p90", "p99", "p999", "max")


def inline_svg(svg: str, prefix: str) -> str:
    """The ``<svg>`` element alone (no XML prolog, DOCTYPE or metadata), every id prefixed
    by ``prefix`` and every internal reference (``href="#id"``, ``url(#id)``) with it."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return re.sub(r'(\bid="|href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def _figure(height: float = 3.4):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, height), layout="constrained")
    return fig, fig.subplots()


def _svg(fig, prefix: str) -> str:
    import matplotlib

    out = io.StringIO()
    # hashsalt: ids stable from one run to the next
    with matplotlib.rc_context({"svg.hashsalt": prefix, "svg.fonttype": "none"}):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return inline_svg(out.getvalue(), f"{prefix}-")


def _chart(key: str, title: str, fig, caption: str = "") -> dict:
    key = re.sub(r"[^A-Za-z0-9_-]", "-", key)  # a parameter name may hold dots or spaces
    return {"key": key, "title": title, "svg": _svg(fig, key), "caption": caption}


def run_charts(result, clients: list[str]) -> list[dict]:
    """Latency CDFs of the clients, and their throughput, p99 and errors over time with the
    fault windows shaded and labelled. ``result`` is a Result or a ReplicatedResult (CDFs
    pooled over its replications, time series of its first replication)."""
    one = result.replications[0] if hasattr(result, "replications") else result
    charts = []
    fig, ax = _figure()
    for c in clients:
        plots.latency_cdf({c: result}, c, ax=ax)
    ax.set_xlabel("end-to-end latency (ms)")
    pooled = f", pooled over {len(result.replications)} replications" if one is not result else ""
    charts.append(_chart("cdf", "Latency CDF at the clients", fig, f"Successful requests{pooled}."))
    series = [("throughput", "Throughput over time", "completed requests/s"),
              ("p99", "p99 latency over time", "p99 (ms)"),
              ("errors", "Errors over time", "failed requests per window")]
    note = f"Replication 0 (seed {one.seed}). " if one is not result else ""
    note += "Shaded: the fault windows of the fault log." if len(one.faults) else "No faults were injected."
    for metric, title, ylabel in series:
        fig, ax = _figure(3.0)
        for i, c in enumerate(clients):
            plots.timeseries(one, c, metric, ax=ax, faults=i == 0)  # fault windows drawn once
        ax.set_ylabel(ylabel)
        if metric != "p99":
            ax.set_ylim(bottom=0)
        charts.append(_chart(f"ts-{metric}", title, fig, note))
    return charts


def sweep_charts(sweep, figures: list[tuple[str, str, list[str]]]) -> list[dict]:
    """For each swept parameter and each (metric, title, components) in ``figures``: the
    mean over seeds against the parameter with its 95 % CI band. One line per component;
    with two parameters, one chart per component and a line per value of the other one
    (more parameters are averaged over)."""
    charts = []
    for x in sweep.param_names:
        others = [p for p in sweep.param_names if p != x]
        hue = others[0] if len(others) == 1 else None
        for metric, title, components in figures:
            groups = [[c] for c in components] if hue else [components]
            for group in groups:
                fig, ax = _figure(3.2)
                for c in group:
                    plots.sweep_curve(sweep, x, c, metric, hue=hue, ax=ax)
                ax.set_ylabel(title + (" (ms)" if metric in _LATENCY else ""))
                caption = "Mean over seeds; band: 95 % Student-t confidence interval."
                if len(others) > 1:
                    caption += f" Averaged over {', '.join(others)}."
                at = f" at {group[0]}" if hue else ""
                charts.append(_chart(f"sw-{x}-{metric}" + (f"-{group[0]}" if hue else ""),
                                     f"{title}{at} against {x}", fig, caption))
    return charts

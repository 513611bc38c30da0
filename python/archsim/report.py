"""The HTML report: one self-contained page per run, replicated run or sweep.

    res.to_html("report.html")             # a Result or a ReplicatedResult
    sw.to_html("sweep.html", model=m)      # a SweepResult (the model draws the diagram)

Jinja2 renders ``templates/report.html.j2``; the charts are ``archsim.plots`` figures
embedded as inline SVG (``report_charts``); the architecture diagram is ``Model.to_dot()``
rendered by graphviz's ``dot``, or the DOT text when ``dot`` is not installed. Nothing on
the page is fetched: every style and image is in the file. The file is written to a
temporary file beside it and renamed, so an interrupted run never leaves half a report.
See docs/guide/report.md.
"""

from __future__ import annotations

import math
import os
import pathlib

import numpy as np
import pandas as pd

from .atomic_file import atomic_write

__all__ = ["run_report", "sweep_report", "write_atomically"]

_TEMPLATES = pathlib.Path(__file__).parent / "templates"

# The rows of a component's table: (metric, label, unit). A row is shown when it has a value.
_ROWS = [("throughput", "throughput", "/s"), ("mean", "mean latency", "ms"), ("p50", "p50", "ms"),
         ("p90", "p90", "ms"), ("p99", "p99", "ms"), ("p999", "p99.9", "ms"), ("max", "max", "ms"),
         ("availability", "availability", "%"), ("errors", "errors", "")]
_COMPONENT_ROWS = [("retries", "retries", ""), ("amplification", "attempts per call", ""),
                   ("utilisation", "utilisation", "%"), ("mean_queue", "mean queue length", ""),
                   ("hit_ratio", "cache hit ratio", "%"), ("stale_read_ratio", "stale reads", "%"),
                   ("staleness_p99", "staleness p99", "ms"), ("ryw_violations", "read-your-writes violations", ""),
                   ("monotonic_violations", "monotonic-read violations", ""), ("lost_writes", "lost writes", "")]
# Figures of the whole component: shown in its "all" column only (summary rows by operation
# repeat or lack them).
_WHOLE_COMPONENT = {"utilisation", "mean_queue", "hit_ratio", "stale_read_ratio", "staleness_p99", "ryw_violations",
                    "monotonic_violations", "lost_writes"}
_SCALE = {"ms": 1e3, "%": 100.0}


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _cell(mean: float, half: float, unit: str) -> str:
    """``mean`` (and ``± half`` width of its confidence interval when there is one) in ``unit``."""
    if mean is None or not math.isfinite(mean):
        return "–"
    scale = _SCALE.get(unit, 1.0)
    text = _number(mean * scale)
    if half is not None and math.isfinite(half):  # two significant digits: the CI is an estimate too
        text += f" ± {half * scale:,.0f}" if abs(half * scale) >= 100 else f" ± {half * scale:.2g}"
    return text


def _tidy(result) -> pd.DataFrame:
    """component, kind, op, metric, mean, half_width: the run's figures (half_width NaN for
    one run; the 95 % Student-t half width over replications)."""
    if hasattr(result, "replications"):
        return result.summary(by_op=True)[["component", "kind", "op", "metric", "mean", "half_width"]]
    df = result.to_pandas()[["component", "kind", "op", "metric", "value"]].rename(columns={"value": "mean"})
    return df.assign(half_width=np.nan)


def _component_tables(tidy: pd.DataFrame) -> list[dict]:
    """One table per component (clients first): a row per figure, a column per operation."""
    tables = []
    kinds = dict(zip(tidy.component, tidy.kind))
    order = sorted(kinds, key=lambda c: kinds[c] != "client")  # stable: declaration order otherwise
    for name in order:
        mine = tidy[tidy.component == name]
        ops = ["all"] + [o for o in dict.fromkeys(mine.op) if o != "all"]
        if len(ops) == 2:  # one operation: its column repeats "all"
            ops = ["all"]
        cells = {(r.metric, r.op): (r.mean, r.half_width) for r in mine.itertuples()}
        error_rows = [(m, f"errors: {m.removeprefix('errors_')}", "") for m in dict.fromkeys(mine.metric)
                      if m.startswith("errors_")]
        rows = []
        for metric, label, unit in _ROWS + error_rows + _COMPONENT_ROWS:
            values = [cells.get((metric, op), (None, None)) if op == "all" or metric not in _WHOLE_COMPONENT
                      else (None, None) for op in ops]
            if all(v is None or not math.isfinite(v) for v, _ in values):
                continue
            if metric.startswith("errors_") and not any(v for v, _ in values):
                continue  # an error kind that never happened
            rows.append({"label": label + (f" ({unit})" if unit else ""),
                         "cells": [_cell(v, h, unit) for v, h in values]})
        tables.append({"name": name, "kind": kinds[name], "ops": ops, "rows": rows})
    return tables


def _slo_cards(verdicts: list[dict]) -> list[dict]:
    cards = []
    for v in verdicts:
        consumed = v["budget_consumed"]
        cards.append({"name": v["slo"], "met": v["met"], "objective": _cell(v["objective"], None, "%") + " %",
                      "compliance": _cell(v["compliance"], None, "%") + " %",
                      "budget": "–" if not math.isfinite(consumed) else f"{consumed:.0%}",
                      "budget_bar": 0 if not math.isfinite(consumed) else min(100.0, 100 * consumed),
                      "burn": _cell(v["max_burn_rate"], None, ""),
                      "replications_met": v.get("replications_met")})
    return cards


def _diagram(model) -> dict | None:
    """The architecture diagram: {"svg": ...} rendered by graphviz, else {"dot": DOT text}."""
    if model is None:
        return None
    from . import plots
    from .report_charts import inline_svg

    try:
        drawn = plots.architecture(model)
    except RuntimeError:  # `dot` is there but failed: the text still shows the graph
        drawn = model.to_dot()
    if isinstance(drawn, str):
        return {"dot": drawn}
    return {"svg": inline_svg(drawn.svg, "arch-")}


def _fault_rows(faults: pd.DataFrame) -> list[dict]:
    return [{"kind": f.kind, "target": f.target, "start": f"{f.start:g}",
             "end": "still active" if math.isnan(f.end) else f"{f.end:g}", "failed": f"{f.failed_requests:,}"}
            for f in faults.itertuples()]


def _seconds(s: float) -> str:
    return "–" if s is None or not math.isfinite(s) else (f"{s:.3g} s" if s < 100 else f"{s:,.0f} s")


def run_report(result, path, *, title: str | None = None, description: str | None = None) -> None:
    """Write the report of ``result`` (a Result or a ReplicatedResult) to ``path``.

    Example::

        run_report(sim.run(m, duration="1m", seed=1), "report.html")
    """
    from . import __version__
    from .report_charts import run_charts
    from .slo import slo_verdicts

    replicated = hasattr(result, "replications")
    runs = result.replications if replicated else [result]
    first = runs[0]
    model = getattr(first, "source", None)
    tidy = _tidy(result)
    clients = list(dict.fromkeys(tidy[tidy.kind == "client"].component)) or list(dict.fromkeys(tidy.component))
    raw = first._raw
    facts = [("model", first.model),
             ("seed", f"{first.seed}" + (f" and {len(runs) - 1} derived seeds: {len(runs)} replications, "
                                         f"figures with 95 % confidence intervals" if replicated else "")),
             ("fingerprint", result.fingerprint()), ("archsim version", __version__),
             ("simulated time", f"{_seconds(raw.measured_to / 1e9)} (warm-up {_seconds(first.warmup)}, "
                                f"measured {_seconds(first.measured_seconds)})" + (" per replication" if replicated else "")),
             ("wall time", _seconds(sum(getattr(r, "wall_seconds", float("nan")) for r in runs))),
             ("events", f"{sum(r.events for r in runs):,}"), ("stopped by", first.stop_reason)]
    page = {
        "title": title or (model.name if model is not None else first.model),
        "description": description if description is not None else getattr(model, "description", ""),
        "kind": "run", "facts": facts, "version": __version__, "replicated": replicated,
        "slos": _slo_cards(slo_verdicts(first._slos, result)),
        "diagram": _diagram(model),
        "tables": _component_tables(tidy),
        "faults": _fault_rows(first.faults),
        "fault_note": f"replication 0 (seed {first.seed})" if replicated else "",
        "charts": run_charts(result, clients),
        "deployments": [{"time": f"{d.time:g}", "service": d.service, "event": d.event}
                        for d in first.deployments.itertuples()],
    }
    write_atomically(path, _render(page))


def _sweep_figures(tidy: pd.DataFrame) -> list[tuple[str, str, list[str]]]:
    """(metric, title, components) of each sweep chart that has data."""
    def having(metric, kinds=None):
        sel = tidy[(tidy.metric == metric) & (tidy.op == "all")]
        if kinds is not None:
            sel = sel[sel.kind.isin(kinds)]
        return list(dict.fromkeys(sel.component))

    wanted = [("throughput", "throughput (/s)", ["client"]), ("p50", "p50 latency", ["client"]),
              ("p99", "p99 latency", ["client"]), ("availability", "availability", ["client"]),
              ("errors", "errors", ["client"]), ("utilisation", "utilisation", ["service"]),
              ("hit_ratio", "cache hit ratio", None), ("stale_read_ratio", "stale-read ratio", None)]
    return [(m, t, c) for m, t, kinds in wanted if (c := having(m, kinds))]


def _sweep_table(sweep, clients: list[str]) -> dict:
    """Per parameter combination: each client's throughput, p99 and availability, mean ± half width."""
    columns = [(c, m, label, unit) for c in clients for m, label, unit in
               (("throughput", "throughput", "/s"), ("p99", "p99", "ms"), ("availability", "availability", "%"))]
    summaries = [sweep.summary(c, m) for c, m, _, _ in columns]
    keys = sweep.param_names
    base = summaries[0][keys] if keys else pd.DataFrame(index=[0])
    rows = []
    for i in range(len(base)):
        row = [str(base.iloc[i][k]) for k in keys]
        row += [_cell(s.iloc[i]["mean"], s.iloc[i]["half_width"], unit) for s, (_, _, _, unit) in zip(summaries, columns)]
        rows.append(row)
    header = keys + [f"{c} {label}" + (f" ({unit})" if unit else "") for c, _, label, unit in columns]
    return {"header": header, "rows": rows}


def sweep_report(sweep, path, *, model=None, title: str | None = None, description: str | None = None) -> None:
    """Write the report of ``sweep`` (a SweepResult) to ``path``; ``model`` (optional) draws
    the architecture diagram and gives the title and description.

    Example::

        sweep_report(sim.sweep(build, params={"workers": [2, 4]}, seeds=range(3), duration=30), "sweep.html")
    """
    from . import __version__
    from .report_charts import sweep_charts

    tidy = sweep.to_pandas()
    if tidy.empty:
        raise ValueError("to_html: no point of the sweep succeeded, so there is nothing to report; see .errors")
    clients = list(dict.fromkeys(tidy[tidy.kind == "client"].component))
    points = sweep.points
    values = {p: list(dict.fromkeys(points[p])) for p in sweep.param_names}
    facts = [("parameters", "; ".join(f"{p} = {', '.join(map(str, v))}" for p, v in values.items()) or "none"),
             ("seeds per point", str(points.groupby(sweep.param_names).size().max() if sweep.param_names
                                     else len(points))),
             ("points", f"{len(sweep)} runs" + (f", {len(sweep.errors)} failed" if len(sweep.errors) else "")
                        + (" (interrupted)" if sweep.interrupted else "")),
             ("fingerprint", sweep.fingerprint()), ("archsim version", __version__),
             ("wall time", _seconds(sweep.wall_seconds)), ("events", f"{int(points.events.sum()):,}")]
    page = {
        "title": title or (model.name if model is not None else "sweep"),
        "description": description if description is not None else getattr(model, "description", ""),
        "kind": "sweep", "facts": facts, "version": __version__, "slos": [],
        "diagram": _diagram(model),
        "sweep_table": _sweep_table(sweep, clients) if clients else None,
        "failed": [{"point": ", ".join(f"{k}={r[k]}" for k in [*sweep.param_names, "seed"]),
                    "error": r["error"].splitlines()[0]} for _, r in sweep.errors.iterrows()],
        "charts": sweep_charts(sweep, _sweep_figures(tidy)),
    }
    write_atomically(path, _render(page))


def _render(page: dict) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(_defaults(page))


def _defaults(page: dict) -> dict:
    """Every key the template reads, so that a run page and a sweep page render alike."""
    return {"tables": [], "faults": [], "deployments": [], "fault_note": "", "sweep_table": None, "failed": [], "replicated": False,
            **page}


def write_atomically(path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and
    ``os.replace``: readers see the old file or the whole new one, never a part.

    Example::

        write_atomically("report.html", "<!DOCTYPE html>...")
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"to_html: path must be a file name, got {path!r}")
    with atomic_write(path) as f:
        f.write(text)

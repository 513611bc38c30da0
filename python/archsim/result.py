"""Results of a run: DataFrames, histograms, time series, JSON, fingerprint."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .histogram import LatencyHistogram

__all__ = ["Result"]

_PERCENTILES = (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9))


class Result:
    """Every figure of one run. Latencies are in seconds, rates per second."""

    def __init__(self, raw, model_name: str):
        self._raw = raw
        self.model = model_name
        self.seed = raw.seed
        self.events = raw.events
        self.stop_reason = raw.stop_reason
        self.requests_completed = raw.requests_completed
        self.measured_seconds = (raw.measured_to - raw.measured_from) / 1e9
        self._components = {c.name: c for c in raw.components}

    # -- lookup ---------------------------------------------------------------
    def _component(self, name: str):
        try:
            return self._components[name]
        except KeyError:
            raise KeyError(f"no component {name!r} in this result; components: {list(self._components)}") from None

    def _ops(self, name: str, op: str | None):
        ops = [o for o in self._component(name).ops if o.arrivals or o.finished_all]
        if op is None:
            return ops
        chosen = [o for o in ops if o.op == op]
        if not chosen:
            raise KeyError(f"component {name!r} saw no {op!r} requests; it saw: {[o.op for o in ops]}")
        return chosen

    def latency(self, name: str, op: str | None = None) -> LatencyHistogram:
        """Latency histogram of successful requests at ``name`` (all ops merged unless ``op``)."""
        h = LatencyHistogram()
        for o in self._ops(name, op):
            h.merge(LatencyHistogram(_copy_hist(o.latency)))
        return h

    # -- tables ---------------------------------------------------------------
    def _row(self, comp, ops, op_label: str) -> dict:
        T = self.measured_seconds or float("nan")
        h = LatencyHistogram()
        errors: dict[str, int] = {}
        arrivals = completed = finished = calls = retries = 0
        lat_all = 0.0
        for o in ops:
            h.merge(LatencyHistogram(_copy_hist(o.latency)))
            for k, v in o.errors.items():
                errors[k] = errors.get(k, 0) + v
            arrivals += o.arrivals
            completed += o.completed
            finished += o.finished_all
            lat_all += o.latency_sum_all
            calls += o.calls_sent
            retries += o.retries
        n_err = sum(errors.values())
        row = {
            "component": comp.name, "kind": comp.kind, "op": op_label,
            "arrivals": arrivals, "completed": completed, "errors": n_err,
            "throughput": completed / T, "mean": h.mean() if h.count else float("nan"),
        }
        for label, q in _PERCENTILES:
            row[label] = h.percentile(q) if h.count else float("nan")
        row["max"] = h.max() if h.count else float("nan")
        row["availability"] = completed / finished if finished else float("nan")
        for k, v in errors.items():
            row[f"errors_{k}"] = v
        row["calls"] = calls
        row["retries"] = retries
        # Attempts per logical call made to dependencies (1 = no retries).
        row["amplification"] = calls / (calls - retries) if calls > retries else float("nan")
        if op_label == "all":
            row["utilisation"] = comp.utilisation if comp.workers else float("nan")
            row["mean_queue"] = comp.mean_queue
            row["mean_in_flight"] = comp.mean_in_flight
            # Little's law: L = lambda * W over the measured window.
            lam = finished / T
            w = lat_all / finished / 1e9 if finished else float("nan")
            row["littles_L"] = comp.littles_in_flight
            row["littles_lambda_W"] = lam * w
        return row

    def summary(self, by_op: bool = False) -> pd.DataFrame:
        """One row per component (and per operation if ``by_op``): throughput, latency
        percentiles (s), errors by kind, availability, utilisation, queue length, Little's law."""
        rows = []
        for comp in self._raw.components:
            ops = [o for o in comp.ops if o.arrivals or o.finished_all]
            rows.append(self._row(comp, ops, "all"))
            if by_op:
                rows.extend(self._row(comp, [o], o.op) for o in ops)
        return pd.DataFrame(rows)

    def instances(self, name: str | None = None) -> pd.DataFrame:
        """One row per instance: host, completed, utilisation, mean queue and in-flight."""
        rows = []
        for comp in self._raw.components:
            if name is not None and comp.name != name:
                continue
            for i in comp.instances:
                rows.append({"component": comp.name, "instance": i.name, "host": i.host, "completed": i.completed,
                             "utilisation": i.utilisation if comp.workers else float("nan"), "mean_queue": i.mean_queue,
                             "mean_in_flight": i.mean_in_flight})
        if name is not None and not rows:
            self._component(name)
        return pd.DataFrame(rows)

    def component(self, name: str) -> dict:
        """The summary row of ``name`` as a dict."""
        self._component(name)
        df = self.summary()
        return df[df.component == name].iloc[0].to_dict()

    def availability(self, name: str) -> float:
        """Successful / finished requests at ``name`` over the measured window."""
        return self.component(name)["availability"]

    def littles_law(self, name: str) -> tuple[float, float]:
        """(L, lambda*W) for ``name``: time-averaged requests in the component, and
        arrival rate times mean time in it. They agree in any stable run."""
        row = self.component(name)
        return row["littles_L"], row["littles_lambda_W"]

    def timeseries(self, name: str, metric: str = "throughput", window=None, op: str | None = None) -> pd.Series:
        """A metric per time window: throughput, errors, error_rate, mean, p50, p90, p99, p999.

        ``window`` (a multiple of the run's window) coarsens the series.
        """
        from ._units import to_ns

        known = ("throughput", "errors", "error_rate", "mean") + tuple(dict(_PERCENTILES))
        if metric not in known:
            raise ValueError(f"timeseries: unknown metric {metric!r}; accepted: {', '.join(known)}")
        base = self._raw.window_ns
        factor = 1
        if window is not None:
            w = to_ns(window, "window")
            if w % base or w < base:
                raise ValueError(f"timeseries: window must be a multiple of the run's window ({base / 1e9:g}s)")
            factor = w // base
        ops = self._ops(name, op)
        if not ops:
            return pd.Series(dtype=float, name=metric)
        n = max(len(o.windows) for o in ops)
        groups = (n + factor - 1) // factor
        completed = np.zeros(groups)
        errors = np.zeros(groups)
        hists = [None] * groups
        for o in ops:
            for i, (c, e, h) in enumerate(o.windows):
                g = i // factor
                completed[g] += c
                errors[g] += e
                if hists[g] is None:
                    hists[g] = _copy_hist(h)
                else:
                    hists[g].merge(h)
        width = base * factor / 1e9
        index = pd.Index(np.arange(groups) * width, name="time_s")
        metrics = {"throughput": completed / width, "errors": errors,
                   "error_rate": np.divide(errors, completed + errors, out=np.zeros(groups),
                                           where=(completed + errors) > 0)}
        if metric in metrics:
            values = metrics[metric]
        else:  # mean and percentiles
            q = dict(_PERCENTILES).get(metric)
            values = [((h.mean() if q is None else h.percentile(q)) / 1e9) if h is not None and h.count else np.nan
                      for h in hists]
        s = pd.Series(values, index=index, name=metric)
        # Keep every window that overlaps the measured span [warm-up end, run end).
        start = self._raw.measured_from / 1e9
        return s[s.index + width > start + 1e-12]

    @property
    def faults(self) -> pd.DataFrame:
        """The fault log: kind, target instance, start and end (s; NaN if still active at the
        end of the run), and the requests a crash failed."""
        return pd.DataFrame(
            [{"kind": f.kind, "target": f.target, "start": f.start / 1e9,
              "end": f.end / 1e9 if f.end >= 0 else float("nan"), "failed_requests": f.failed_requests}
             for f in self._raw.faults],
            columns=["kind", "target", "start", "end", "failed_requests"])

    # -- identity and export --------------------------------------------------
    def fingerprint(self) -> str:
        """A stable hash of every reported figure: same model + seed + build -> same value."""
        return self._raw.fingerprint()

    def to_dict(self) -> dict:
        summary = self.summary(by_op=True).replace({np.nan: None})
        return {
            "model": self.model, "seed": self.seed, "fingerprint": self.fingerprint(),
            "events": self.events, "stop_reason": self.stop_reason,
            "measured_seconds": self.measured_seconds, "requests_completed": self.requests_completed,
            "summary": summary.to_dict(orient="records"),
            "instances": self.instances().replace({np.nan: None}).to_dict(orient="records"),
            "faults": self.faults.replace({np.nan: None}).to_dict(orient="records"),
        }

    def to_json(self, path=None, indent: int = 2) -> str:
        """The result as JSON (written to ``path`` if given)."""
        text = json.dumps(self.to_dict(), indent=indent, default=float)
        if path is not None:
            with open(path, "w") as f:
                f.write(text)
        return text

    def report(self) -> str:
        """A readable text report."""
        df = self.summary()
        lines = [f"model {self.model}  seed {self.seed}  fingerprint {self.fingerprint()}",
                 f"measured {self.measured_seconds:g}s simulated, {self.events:,} events, "
                 f"{self.requests_completed:,} client requests, stopped by {self.stop_reason}", ""]
        header = f"{'component':<16}{'kind':<10}{'thru/s':>10}{'mean':>10}{'p50':>10}{'p99':>10}{'p99.9':>10}" \
                 f"{'errors':>9}{'avail':>9}{'util':>7}"
        lines.append(header)
        lines.append("-" * len(header))
        for _, r in df.iterrows():
            util = "" if np.isnan(r.get("utilisation", np.nan)) else f"{r['utilisation']:.1%}"
            lines.append(f"{r['component']:<16}{r['kind']:<10}{r['throughput']:>10.1f}{_ms(r['mean']):>10}"
                         f"{_ms(r['p50']):>10}{_ms(r['p99']):>10}{_ms(r['p999']):>10}{int(r['errors']):>9}"
                         f"{_pct(r['availability']):>9}{util:>7}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Result {self.model} seed={self.seed} fingerprint={self.fingerprint()}>"


def _ms(seconds: float) -> str:
    if seconds is None or np.isnan(seconds):
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f}s"
    return f"{seconds * 1e3:.2f}ms"


def _pct(x: float) -> str:
    return "-" if x is None or np.isnan(x) else f"{x:.3%}"


def _copy_hist(h):
    from . import _core

    c = _core.Histogram(h.sub_bits)
    c.merge(h)
    return c

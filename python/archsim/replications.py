"""Independent replications of one run, with Student-t confidence intervals on every figure.

    reps = sim.run(m, duration="5m", warmup="mser5", seed=7, replications=10)
    reps.summary()            # one row per component x op x metric: mean, ci_low, ci_high, ...
    reps.ci("web", "p99")     # (mean, low, high)
    reps.warmup               # the warm-up used, seconds (given, or found by MSER-5)
    reps[3]                   # replication 3 as a plain Result
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd

from . import _core
from ._units import to_ns
from .histogram import LatencyHistogram
from .progress import progress_bar, run_each
from .result import Result
from .stats import mean_ci, mser5, t_quantile

__all__ = ["ReplicatedResult", "replication_seed"]


def replication_seed(seed: int, index: int) -> int:
    """The seed of replication ``index`` of a run seeded ``seed``.

    Replication 0 is the plain run (its fingerprint is that of ``sim.run(..., seed=seed)``);
    replication i > 0 takes the first draw of the named stream ``replication/<i>`` of
    ``seed`` (SplitMix64 + FNV-1a into xoshiro256++, as every stream: core/README.md).

    Example::

        >>> replication_seed(42, 0)
        42
        >>> replication_seed(42, 1) != replication_seed(43, 1)
        True
    """
    if index == 0:
        return int(seed)
    return _core.Rng(int(seed), f"replication/{index}").next_u64()


def _client_latency_series(results: list[Result], clients: list[str]) -> np.ndarray:
    """Mean latency per window at the clients, pooled over clients and replications
    (weighted by completions), over the windows every replication has."""
    sums, counts = [], []
    for r in results:
        total = count = 0.0
        for c in clients:
            thr = r.timeseries(c, "throughput").to_numpy(dtype=float)
            mean = np.nan_to_num(r.timeseries(c, "mean").to_numpy(dtype=float))
            total = total + thr * mean
            count = count + thr
        sums.append(total)
        counts.append(count)
    n = min(len(s) for s in sums)
    s = np.sum([x[:n] for x in sums], axis=0)
    c = np.sum([x[:n] for x in counts], axis=0)
    if np.any(c == 0):
        raise ValueError("warmup='mser5': some windows have no completed client requests; "
                         "give a wider window (window=...) or a longer run")
    return s / c


def run_replications(model, *, replications: int, warmup, progress, run_single, **options):
    """Run ``replications`` independent replications (``sim.run(..., replications=R)``)."""
    seed = options.pop("seed")
    seeds = [replication_seed(seed, i) for i in range(replications)]
    detect = isinstance(warmup, str) and warmup == "mser5"
    if not detect and isinstance(warmup, str) and warmup.strip().isalpha():
        raise ValueError(f"warmup must be a duration (e.g. '30s') or 'mser5', got {warmup!r}")

    def run_all(warmup_value, label):
        # Ctrl-C keeps the finished replications, not the one it cut short.
        return run_each(seeds, lambda s: run_single(model, warmup=warmup_value, seed=s, progress=False, **options),
                        lambda r: r.stop_reason == "cancelled", progress_bar(len(seeds), label, progress))

    if detect:
        clients = [n for n, kind in model.components.items() if kind == "client"]
        pilot = run_all(0, "replications (warm-up pilot)")
        if len(pilot) < len(seeds):
            return _interrupted(pilot, 0.0, "mser5 (interrupted during the pilot)")
        window_s = to_ns(options["window"], "window") / 1e9
        warmup_s = mser5(_client_latency_series(pilot, clients)) * window_s
        results = pilot if warmup_s == 0 else run_all(warmup_s, "replications")
        method = "mser5"
    else:
        warmup_s = to_ns(warmup, "warmup") / 1e9
        results = run_all(warmup, "replications")
        method = "given"
    if len(results) < len(seeds):
        return _interrupted(results, warmup_s, method)
    if replications == 1:
        results[0].warmup_method = method
        return results[0]
    return ReplicatedResult(results, warmup=warmup_s, warmup_method=method)


def _interrupted(results, warmup_s, method):
    if not results:
        raise KeyboardInterrupt("interrupted before the first replication finished")
    warnings.warn(f"interrupted: {len(results)} replication(s) finished; the result holds those",
                  RuntimeWarning, stacklevel=3)
    return ReplicatedResult(results, warmup=warmup_s, warmup_method=method)


def _ci_table(s, metrics, title: str) -> list[str]:
    """Rows of "mean +- half width" per component for ``metrics`` ((metric, label, scale))."""
    header = f"{title:<16}" + "".join(f"{label:>22}" for _, label, _ in metrics)
    lines = [header, "-" * len(header)]
    for comp in dict.fromkeys(s.component):
        cells = []
        for metric, _, scale in metrics:
            row = s[(s.component == comp) & (s.metric == metric)]
            if row.empty or np.isnan(row["mean"].iloc[0]):
                cells.append(f"{'-':>22}")
                continue
            m, hw = row["mean"].iloc[0] * scale, row["half_width"].iloc[0] * scale
            cells.append(f"{m:>13.4g} +- {hw:<5.2g}")
        lines.append(f"{comp:<16}" + "".join(cells))
    return lines


class ReplicatedResult:
    """R independent replications of one model: every figure as a mean with a Student-t
    confidence interval over the replications.

    Attributes: ``replications`` (the per-replication ``Result`` objects, also by index
    ``res[i]``), ``seeds``, ``warmup`` (seconds) and ``warmup_method`` (``"given"`` or
    ``"mser5"``).

    Example::

        reps = sim.run(m, duration="60s", warmup="10s", seed=3, replications=8)
        reps.summary()                     # tidy: component, kind, op, metric, mean, ci_low, ...
        reps.ci("web", "p99")              # (mean, low, high), seconds
        reps.per_replication("web", "p99") # one value per replication
    """

    def __init__(self, results: list[Result], *, warmup: float, warmup_method: str):
        if not results:
            raise ValueError("ReplicatedResult needs at least one replication")
        self.replications = list(results)
        self.model = results[0].model
        self.seeds = [r.seed for r in results]
        self.warmup = float(warmup)
        self.warmup_method = warmup_method
        for r in self.replications:
            r.warmup_method = warmup_method

    def __len__(self) -> int:
        return len(self.replications)

    def __getitem__(self, i: int) -> Result:
        return self.replications[i]

    def to_pandas(self) -> pd.DataFrame:
        """Tidy figures of every replication: one row per replication x component x
        operation x metric (columns replication, seed, component, kind, op, metric, value).

        Example::

            df = reps.to_pandas()
            df[(df.component == "web") & (df.metric == "p99")]
        """
        frames = [r.to_pandas(replication=i) for i, r in enumerate(self.replications)]
        return pd.concat(frames, ignore_index=True)

    def summary(self, by_op: bool = False, confidence: float = 0.95) -> pd.DataFrame:
        """Every figure as a mean over replications with a Student-t confidence interval:
        one row per component x op x metric; columns mean, ci_low, ci_high, half_width, std, n.

        Example::

            s = reps.summary()
            s[s.metric == "p99"][["component", "mean", "ci_low", "ci_high"]]
        """
        df = self.to_pandas()
        if not by_op:
            df = df[df.op == "all"]
        keys = ["component", "kind", "op", "metric"]
        order = df[keys].drop_duplicates()
        grouped = df.groupby(keys, sort=False)["value"]
        n = grouped.count()
        mean = grouped.mean()
        std = grouped.std(ddof=1)
        t = n.map(lambda k: t_quantile(confidence, k - 1) if k >= 2 else np.nan)
        half = t * std / np.sqrt(n)
        out = pd.DataFrame({"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "half_width": half,
                            "std": std, "n": n}).reset_index()
        return order.merge(out, on=keys, how="left")

    def per_replication(self, name: str, metric: str, op: str = "all") -> np.ndarray:
        """The value of ``metric`` at ``name`` in each replication (NaN where undefined).

        Example::

            reps.per_replication("web", "throughput")
        """
        self.replications[0]._component(name)
        values = []
        for r in self.replications:
            row = r.summary(by_op=op != "all")
            row = row[(row.component == name) & (row.op == op)]
            if row.empty:
                raise KeyError(f"component {name!r} has no op {op!r}")
            if metric not in row.columns:
                raise KeyError(f"unknown metric {metric!r}; metrics: {[c for c in row.columns if c not in ('component', 'kind', 'op')]}")
            values.append(float(row[metric].iloc[0]))
        return np.array(values)

    def ci(self, name: str, metric: str, op: str = "all", confidence: float = 0.95) -> tuple[float, float, float]:
        """(mean, low, high) of ``metric`` at ``name`` over the replications.

        Example::

            mean, low, high = reps.ci("web", "p99")
        """
        mean, half, _ = mean_ci(self.per_replication(name, metric, op), confidence)
        return mean, mean - half, mean + half

    def latency(self, name: str, op: str | None = None) -> LatencyHistogram:
        """The latency histogram at ``name`` merged over all replications.

        Example::

            reps.latency("web").percentile(99.9)
        """
        h = LatencyHistogram()
        for r in self.replications:
            h.merge(r.latency(name, op))
        return h

    @property
    def faults(self) -> pd.DataFrame:
        """The fault logs of all replications, with a ``replication`` column.

        Example::

            reps = sim.run(m, duration="5m", faults=[sim.Crash("db[0]", at="1m", duration="30s")], replications=5)
            reps.faults.groupby("replication").failed_requests.sum()
        """
        return pd.concat([r.faults.assign(replication=i) for i, r in enumerate(self.replications)],
                         ignore_index=True)

    def fingerprint(self) -> str:
        """A stable hash of the replications' fingerprints, in order.

        Example::

            reps.fingerprint()   # same model, seed, R and build -> same value
        """
        h = hashlib.sha256("/".join(r.fingerprint() for r in self.replications).encode())
        return h.hexdigest()[:16]

    def report(self, confidence: float = 0.95) -> str:
        """A readable table: the main figures of each component as mean +- half width.

        Example::

            print(reps.report())
        """
        s = self.summary(confidence=confidence)
        lines = [f"model {self.model}  {len(self)} replications  warm-up {self.warmup:g}s ({self.warmup_method})"
                 f"  {confidence:.0%} confidence intervals (Student t)", ""]
        metrics = [("throughput", "thru/s", 1.0), ("mean", "mean ms", 1e3), ("p99", "p99 ms", 1e3),
                   ("availability", "avail %", 100.0)]
        lines += _ci_table(s, metrics, "component")
        data = [("hit_ratio", "hit ratio %", 100.0), ("stale_read_ratio", "stale reads %", 100.0),
                ("staleness_p99", "staleness p99 ms", 1e3)]
        in_data = s.metric.isin([m for m, _, _ in data])
        if in_data.any():  # caches or checked stores
            lines += [""] + _ci_table(s[s.component.isin(s[in_data].component)], data, "data tier")
        return "\n".join(lines)

    def to_html(self, path, *, title: str | None = None, description: str | None = None) -> None:
        """Write a self-contained HTML report of the replications to ``path``: every figure
        with its 95 % confidence interval, SLO verdicts over the replications, latency CDFs
        pooled over them. See ``Result.to_html`` and docs/guide/report.md.

        Example::

            reps = sim.run(m, duration="60s", seed=3, replications=5)
            reps.to_html("report.html")
        """
        from .report import run_report

        run_report(self, path, title=title, description=description)

    def __repr__(self) -> str:
        return (f"<ReplicatedResult {self.model} replications={len(self)} warmup={self.warmup:g}s "
                f"({self.warmup_method}) fingerprint={self.fingerprint()}>")

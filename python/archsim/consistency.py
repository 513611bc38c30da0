"""Consistency figures of a run: stale reads, staleness, session guarantees, lost writes.

The core's consistency checker judges every read a store (or a cache in front
of one) returns against the writes that store had committed before the read
arrived; these helpers turn its records into plain dicts and tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_PERCENTILES = (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9))


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def record(c) -> dict:
    """The figures of one ConsistencyResult: counts, ratios, staleness in seconds and versions."""
    out = {"component": c.name, "store": c.store, "reads": c.reads, "stale_reads": c.stale_reads,
           "stale_read_ratio": _ratio(c.stale_reads, c.reads)}
    t, v = c.staleness_time, c.staleness_versions
    out["staleness_mean"] = t.mean() / 1e9 if t.count else float("nan")
    for label, q in _PERCENTILES:
        out[f"staleness_{label}"] = t.percentile(q) / 1e9 if t.count else float("nan")
    out["staleness_max"] = t.max / 1e9 if t.count else float("nan")
    for label, q in (("p50", 50), ("p99", 99)):
        out[f"versions_behind_{label}"] = v.percentile(q) if v.count else float("nan")
    out["versions_behind_max"] = v.max if v.count else float("nan")
    out["ryw_violations"] = c.ryw_violations
    out["monotonic_violations"] = c.monotonic_violations
    if c.name == c.store:
        out["committed_writes"] = c.committed_writes
        out["lost_writes"] = c.lost_writes
        out["cache_reads"] = c.cache_reads
        out["cache_stale_reads"] = c.cache_stale_reads
    return out


def _binned(hist, edges_ns: np.ndarray) -> np.ndarray:
    """Counts of a histogram's values in [edges[i], edges[i+1]), by bucket midpoint."""
    counts = np.zeros(len(edges_ns) - 1)
    for low, width, n in hist.buckets():
        i = np.searchsorted(edges_ns, low + width / 2, side="right") - 1
        if 0 <= i < len(counts):
            counts[i] += n
    return counts


def visibility(c, edges_s) -> pd.DataFrame:
    """Reads binned by the age of their key's newest committed version when they arrived:
    the fraction that returned it (or newer), the PBS t-visibility curve."""
    edges = np.asarray(edges_s, dtype=float)
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0) or edges[0] < 0:
        raise ValueError(f"visibility: bins must be at least two increasing ages >= 0 (seconds), got {edges_s!r}")
    ns = edges * 1e9
    reads = _binned(c.read_age, ns)
    stale = _binned(c.stale_read_age, ns)
    consistent = np.divide(reads - stale, reads, out=np.full(len(reads), np.nan), where=reads > 0)
    return pd.DataFrame({"age_from": edges[:-1], "age_to": edges[1:], "reads": reads.astype(np.int64),
                         "p_consistent": consistent})


def summary_columns(df: pd.DataFrame, results) -> pd.DataFrame:
    """Adds stale_read_ratio, staleness_p99, session violations and lost_writes to the
    summary rows of the checked components (NaN elsewhere)."""
    cols = ("stale_read_ratio", "staleness_p99", "ryw_violations", "monotonic_violations", "lost_writes")
    by_name = {c.name: record(c) for c in results}
    for col in cols:
        df[col] = [by_name.get(n, {}).get(col, np.nan) for n in df["component"]]
    return df

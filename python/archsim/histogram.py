"""Latency histograms in seconds over the core's nanosecond log-linear histogram."""

from __future__ import annotations

import numpy as np

from . import _core


class LatencyHistogram:
    """Mergeable latency histogram; values and percentiles in seconds.

    Percentiles are within 0.4 % of the exact value (bucket midpoints of a
    log-linear histogram with 128 sub-buckets per power of two).
    """

    def __init__(self, core: "_core.Histogram | None" = None):
        self._h = core if core is not None else _core.Histogram(7)

    @classmethod
    def from_samples(cls, seconds) -> "LatencyHistogram":
        h = cls()
        ns = np.rint(np.asarray(seconds, dtype=float) * 1e9).astype(np.int64)
        h._h.record_many(ns)
        return h

    def record(self, seconds: float) -> None:
        self._h.record(int(round(seconds * 1e9)))

    def merge(self, other: "LatencyHistogram") -> "LatencyHistogram":
        """Add ``other``'s counts into this histogram; returns self."""
        self._h.merge(other._h)
        return self

    @property
    def count(self) -> int:
        return self._h.count

    def mean(self) -> float:
        return self._h.mean() / 1e9

    def percentile(self, q: float) -> float:
        """The q-th percentile (0..100) in seconds."""
        try:
            return self._h.percentile(float(q)) / 1e9
        except ValueError as e:
            raise ValueError(f"percentile: {e}") from None

    def min(self) -> float:
        return self._h.min / 1e9

    def max(self) -> float:
        return self._h.max / 1e9

    def cdf(self) -> tuple[np.ndarray, np.ndarray]:
        """(upper bucket edge in seconds, cumulative fraction) for plotting a CDF."""
        cells = self._h.buckets()
        if not cells:
            return np.zeros(0), np.zeros(0)
        arr = np.array(cells, dtype=float)
        edges = (arr[:, 0] + arr[:, 1]) / 1e9
        frac = np.cumsum(arr[:, 2]) / self.count
        return edges, frac

    def __repr__(self) -> str:
        if not self.count:
            return "LatencyHistogram(empty)"
        return (f"LatencyHistogram(count={self.count}, mean={self.mean():.6g}s, "
                f"p50={self.percentile(50):.6g}s, p99={self.percentile(99):.6g}s)")

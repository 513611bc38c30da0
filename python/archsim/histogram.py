"""Latency histograms in seconds over the core's nanosecond log-linear histogram."""

from __future__ import annotations

import numpy as np

from . import _core


class LatencyHistogram:
    """Mergeable latency histogram; values and percentiles in seconds.

    Percentiles are within 0.4 % of the exact value (bucket midpoints of a
    log-linear histogram with 128 sub-buckets per power of two).

    Example::

        >>> h = LatencyHistogram.from_samples([0.010, 0.020, 0.030, 0.040])
        >>> h.count, round(h.percentile(50), 4)
        (4, 0.02)
    """

    def __init__(self, core: "_core.Histogram | None" = None):
        self._h = core if core is not None else _core.Histogram(7)

    @classmethod
    def from_samples(cls, seconds) -> "LatencyHistogram":
        """A histogram of ``seconds`` (any array-like of latencies in seconds).

        Example::

            >>> LatencyHistogram.from_samples([0.001, 0.002]).count
            2
        """
        h = cls()
        ns = np.rint(np.asarray(seconds, dtype=float) * 1e9).astype(np.int64)
        h._h.record_many(ns)
        return h

    def record(self, seconds: float) -> None:
        """Record one latency in seconds.

        Example::

            >>> h = LatencyHistogram()
            >>> h.record(0.005)
            >>> round(h.max(), 6)
            0.005
        """
        self._h.record(int(round(seconds * 1e9)))

    def merge(self, other: "LatencyHistogram") -> "LatencyHistogram":
        """Add ``other``'s counts into this histogram; returns self.

        Example::

            >>> a = LatencyHistogram.from_samples([0.001])
            >>> a.merge(LatencyHistogram.from_samples([0.002, 0.003])).count
            3
        """
        self._h.merge(other._h)
        return self

    @property
    def count(self) -> int:
        """The number of recorded latencies.

        Example::

            >>> LatencyHistogram.from_samples([0.1, 0.2, 0.3]).count
            3
        """
        return self._h.count

    def mean(self) -> float:
        """The exact mean in seconds (kept as a sum, not from the buckets).

        Example::

            >>> round(LatencyHistogram.from_samples([0.010, 0.030]).mean(), 6)
            0.02
        """
        return self._h.mean() / 1e9

    def percentile(self, q: float) -> float:
        """The q-th percentile (0..100) in seconds.

        Example::

            >>> h = LatencyHistogram.from_samples([i / 1000 for i in range(1, 101)])
            >>> round(h.percentile(99), 3)
            0.099
        """
        try:
            return self._h.percentile(float(q)) / 1e9
        except ValueError as e:
            raise ValueError(f"percentile: {e}") from None

    def min(self) -> float:
        """The smallest recorded latency in seconds (exact).

        Example::

            >>> LatencyHistogram.from_samples([0.004, 0.002]).min()
            0.002
        """
        return self._h.min / 1e9

    def max(self) -> float:
        """The largest recorded latency in seconds (exact).

        Example::

            >>> LatencyHistogram.from_samples([0.004, 0.002]).max()
            0.004
        """
        return self._h.max / 1e9

    def cdf(self) -> tuple[np.ndarray, np.ndarray]:
        """(upper bucket edge in seconds, cumulative fraction) for plotting a CDF.

        Example::

            >>> edges, frac = LatencyHistogram.from_samples([0.001, 0.002]).cdf()
            >>> frac.tolist()
            [0.5, 1.0]
        """
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

"""Statistics for replicated runs: Student-t confidence intervals and MSER-5 warm-up detection.

Kept free of scipy (a test-only dependency): the t distribution's quantile comes from
its closed-form CDF for integer degrees of freedom, which is all replications need.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["t_quantile", "mean_ci", "mser5"]


def _t_central(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with integer ``df`` degrees of freedom.

    Abramowitz & Stegun 26.7.3 (odd df) and 26.7.4 (even df), with
    theta = atan(t / sqrt(df)): finite sums of powers of cos(theta).
    """
    theta = math.atan(t / math.sqrt(df))
    s, c2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(2, df, 2):  # (1*3*...*(k-1)) / (2*4*...*k) * cos^k
            term *= (k - 1) / k * c2
            total += term
        return s * total
    if df == 1:
        return 2 * theta / math.pi
    term, total = 1.0, 1.0
    for k in range(3, df, 2):  # (2*4*...*(k-1)) / (1*3*...*k)... cos^(k-1)
        term *= (k - 1) / k * c2
        total += term
    return 2 / math.pi * (theta + s * math.cos(theta) * total)


def t_quantile(confidence: float, df: int) -> float:
    """The two-sided Student-t critical value: P(|T| <= t) = ``confidence``.

    Example::

        >>> round(t_quantile(0.95, 9), 4)   # 10 replications
        2.2622
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if int(df) != df or df < 1:
        raise ValueError(f"degrees of freedom must be an integer >= 1, got {df!r}")
    df = int(df)
    lo, hi = 0.0, 1.0
    while _t_central(hi, df) < confidence:
        hi *= 2
    for _ in range(200):  # bisection to double precision
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if _t_central(mid, df) < confidence:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mean_ci(values, confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, half width, standard deviation) of independent replications' values: the
    Student-t interval mean +- t_{n-1} * sd / sqrt(n). NaN values are left out; the half
    width is NaN with fewer than two values.

    Example::

        >>> m, hw, sd = mean_ci([1.0, 2.0, 3.0])
        >>> round(m, 3), round(hw, 3)
        (2.0, 2.484)
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan
    sd = float(x.std(ddof=1))
    return mean, t_quantile(confidence, n - 1) * sd / math.sqrt(n), sd


def mser5(series) -> int:
    """MSER-5 truncation point (White 1997; White, Cobb & Spratt 2000): the number of
    leading observations of ``series`` to discard as warm-up.

    The series is cut into batches of 5; for each candidate truncation d (in batches,
    up to half the batches) MSER(d) = sum_{i>d} (Z_i - mean_{i>d} Z)^2 / (n - d)^2,
    the squared standard error of the truncated mean; d* minimises it. Returns 5 * d*.

    Example::

        >>> import numpy as np
        >>> y = np.r_[np.linspace(10, 1, 20), np.ones(200) + 0.01 * np.sin(np.arange(200))]
        >>> mser5(y)
        20
    """
    y = np.asarray(series, dtype=float)
    if np.isnan(y).any():
        raise ValueError("mser5: the series has missing values (windows without completions)")
    n = len(y) // 5
    if n < 10:
        raise ValueError(f"mser5: needs at least 50 observations (10 batches of 5), got {len(y)}; "
                         "run longer or use a smaller window")
    z = y[: 5 * n].reshape(n, 5).mean(axis=1)
    # Sums over the tail i >= d for every d, from the end.
    s1 = np.cumsum(z[::-1])[::-1]
    s2 = np.cumsum((z * z)[::-1])[::-1]
    m = np.arange(n, 0, -1, dtype=float)  # tail length n - d
    mser = (s2 - s1 * s1 / m) / (m * m)
    candidates = mser[: n // 2 + 1]
    return int(np.argmin(candidates)) * 5

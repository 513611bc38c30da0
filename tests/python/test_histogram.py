"""LatencyHistogram: percentiles against numpy's exact order statistics,
merge, cdf and the edge cases."""

import math

import numpy as np
import pytest

import archsim as sim

QUANTILES = [0, 1, 10, 50, 90, 99, 99.9, 99.99, 100]


@pytest.mark.parametrize("dist", [sim.Pareto(1.5, "50us"), sim.LogNormal(median="1ms", p99="100ms")], ids=repr)
def test_percentiles_are_within_one_percent_of_the_exact_ones(dist):
    # histogram.py documents percentiles within 0.4% (log-linear buckets, 128
    # per power of two, midpoint reported); the issue asks for <= 1%. The
    # reference is numpy's method='inverted_cdf', the value of rank
    # ceil(q/100 * n): the definition Histogram::percentile uses.
    x = dist.sample(1_000_000, seed=3)
    ns = np.rint(x * 1e9)  # the histogram records whole nanoseconds
    h = sim.LatencyHistogram.from_samples(x)
    for q in QUANTILES:
        exact = np.percentile(ns, q, method="inverted_cdf") / 1e9
        assert h.percentile(q) == pytest.approx(exact, rel=0.01), f"q={q}"
        assert abs(h.percentile(q) - exact) <= 2**-8 * exact, f"q={q}"
    assert h.count == len(x)
    assert h.min() == ns.min() / 1e9
    assert h.max() == ns.max() / 1e9
    assert h.mean() == pytest.approx(ns.mean() / 1e9, rel=1e-12)


def test_the_lognormal_median_and_p99_parameters_are_the_histograms():
    # The sample q-quantile has standard error sqrt(q(1-q)/n) / f(x_q); for a
    # log-normal f(x_q) = phi(z_q) / (x_q sigma), so the relative error is
    # sqrt(q(1-q)/n) * sigma / phi(z_q) (asymptotic normality of sample
    # quantiles, e.g. Serfling 1980, sec. 2.3.3). Allow 5 of those plus the
    # histogram's 2^-8.
    n, sigma = 400_000, math.log(25) / 2.3263478740408408
    x = sim.LogNormal(median="2ms", p99="50ms").sample(n, seed=4)
    h = sim.LatencyHistogram.from_samples(x)
    for q, z, want in [(50, 0.0, 0.002), (99, 2.3263478740408408, 0.050)]:
        p = q / 100
        phi = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        rel = 5 * math.sqrt(p * (1 - p) / n) * sigma / phi + 2**-8
        assert h.percentile(q) == pytest.approx(want, rel=rel), f"q={q}"


def test_merge_equals_the_histogram_of_the_union():
    a = sim.Pareto(1.5, "50us").sample(50_000, seed=1)
    b = sim.Exp("20us").sample(30_000, seed=2)
    merged = sim.LatencyHistogram.from_samples(a).merge(sim.LatencyHistogram.from_samples(b))
    union = sim.LatencyHistogram.from_samples(np.concatenate([a, b]))
    assert merged.count == union.count == 80_000
    assert [merged.percentile(q) for q in QUANTILES] == [union.percentile(q) for q in QUANTILES]
    assert (merged.min(), merged.max()) == (union.min(), union.max())
    assert merged.mean() == pytest.approx(union.mean(), rel=1e-12)
    for got, want in zip(merged.cdf(), union.cdf()):
        np.testing.assert_array_equal(got, want)


def test_cdf_is_monotone_and_ends_at_one():
    h = sim.LatencyHistogram.from_samples(sim.LogNormal(median="1ms", p99="100ms").sample(100_000, seed=6))
    edges, frac = h.cdf()
    assert len(edges) == len(frac) > 0
    assert np.all(np.diff(edges) > 0)
    assert np.all(np.diff(frac) > 0)  # only non-empty buckets are listed
    assert frac[-1] == pytest.approx(1.0, rel=1e-15)
    assert edges[-1] >= h.max()


def test_an_empty_histogram():
    h = sim.LatencyHistogram()
    assert h.count == 0
    assert h.percentile(50) == 0.0
    assert h.mean() == 0.0
    edges, frac = h.cdf()
    assert edges.size == 0 and frac.size == 0
    assert repr(h) == "LatencyHistogram(empty)"
    assert sim.LatencyHistogram.from_samples([]).count == 0


def test_small_values_are_exact_and_negative_values_clamp_to_zero():
    h = sim.LatencyHistogram()
    for ns in range(128):
        h.record(ns * 1e-9)
    h.record(-0.5)
    assert h.count == 129
    assert h.min() == 0.0
    assert h.max() == pytest.approx(127e-9, rel=1e-15)
    assert h.percentile(100) == pytest.approx(127e-9, rel=1e-15)
    assert h.percentile(50) == pytest.approx(63e-9, rel=1e-15)  # rank ceil(64.5) = 65 of 0, 0, 1, 2, ...


def test_percentile_outside_0_100_names_the_range():
    h = sim.LatencyHistogram.from_samples([0.001, 0.002])
    for q in (-1, 101, float("nan")):
        with pytest.raises(ValueError, match=r"percentile.*\[0, 100\]"):
            h.percentile(q)

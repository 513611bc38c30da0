"""Shared helpers of the validation suite (tests/python/test_validation_*.py).

Statistics. A simulation estimate is compared with its theoretical value
within ``Z`` standard errors (plus, for percentiles, the histogram's
resolution). Each model runs as a few independent replications (seeds), in
parallel threads since a run releases the GIL. The standard error comes from
the method of batch means (Law & Kelton, Simulation Modeling and Analysis,
chapter 9): each replication's measured interval is cut into
``BATCHES`` equal windows, each window's estimate is a batch, and for batches
much longer than the queue's relaxation time the batch estimates are nearly
independent, so ``se = sd(batch estimates) / sqrt(number of batches)`` (as a
ratio estimator where batches hold different numbers of requests). Where
theory gives the variance directly (a compound Poisson sum of service times,
a binomial count of independent requests) that is used instead. Every check
also asserts that the relative standard error is below the precision the test
states, so a tolerance can never silently grow until anything passes.

Little's law (Little 1961; Kleinrock, Queueing Systems Vol. 1, section 2.1):
L = lambda * W holds for every component of every stable run, whatever the
service discipline or distributions. ``assert_littles_law`` checks it on
every result this suite produces.

Fingerprints. ``fingerprints.json`` pins ``Result.fingerprint()`` of each
validation model at its seed; ``check_fingerprint`` compares and, with
``ARCHSIM_UPDATE_FINGERPRINTS=1`` in the environment, rewrites the entry.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pytest

import archsim as sim

# Tolerance in standard errors. Two-sided P(|N(0,1)| > 4.5) = 7e-6 per check,
# so the ~80 checks of the suite raise a false alarm with probability ~5e-4
# when the engine's random streams change, while a real error of a few
# standard errors (about 1-3 %) fails.
Z = 4.5
# Batches per run for the batch-means standard error.
BATCHES = 40
# Relative resolution of LatencyHistogram percentiles (midpoint of a bucket
# 2^-7 wide): at most 2^-8 of the value.
PERCENTILE_RESOLUTION = 2.0**-8

FINGERPRINTS = Path(__file__).with_name("fingerprints.json")
UPDATE_ENV = "ARCHSIM_UPDATE_FINGERPRINTS"

# Rows (check, measured, theory, tolerance) of every comparison, printed at the
# end of a verbose run (pytest -v) as the suite's table of figures.
_REPORT: list[tuple[str, float, float, float]] = []


# -- running ---------------------------------------------------------------------------
def simulate(build: Callable[[], sim.Model], *, seeds: Sequence[int], batch: float, warmup_batches: int = 1,
             batches: int = BATCHES) -> list[sim.Result]:
    """Run the model ``build()`` once per seed (independent replications, in
    parallel threads: a run releases the GIL). Each run has ``warmup_batches``
    unmeasured windows of ``batch`` simulated seconds, then ``batches`` measured
    ones, the batches of the standard errors. Checks Little's law on every result."""
    window_ns = round(batch * 1e9)

    def one(seed: int) -> sim.Result:
        return sim.run(build(), duration=(warmup_batches + batches) * window_ns / 1e9,
                       warmup=warmup_batches * window_ns / 1e9, seed=seed, window=window_ns / 1e9, progress=False)

    with ThreadPoolExecutor(max_workers=min(len(seeds), os.cpu_count() or 1)) as pool:
        results = list(pool.map(one, seeds))
    for r in results:
        assert r.measured_seconds == pytest.approx(batches * batch)
        assert_littles_law(r)
    return results


# -- Little's law ----------------------------------------------------------------------
def assert_littles_law(result: sim.Result, rel: float = 0.02) -> None:
    """L (time-averaged requests in the component) equals lambda * W (finished
    requests per second times their mean time in it) within ``rel``, for every
    component of ``result``. Little 1961; Kleinrock Vol. 1, section 2.1."""
    df = result.summary()
    assert len(df) > 0
    for row in df.itertuples():
        L, lw = row.littles_L, row.littles_lambda_W
        assert math.isfinite(L) and math.isfinite(lw), f"{row.component}: L={L}, lambda*W={lw}"
        assert abs(L - lw) <= rel * max(L, lw) + 1e-9, (
            f"Little's law fails at {row.component!r} ({result.model}, seed {result.seed}): "
            f"L = {L:.6g}, lambda*W = {lw:.6g}")


# -- estimates with standard errors -----------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    value: float
    se: float  # standard error of value

    def check(self, theory: float, label: str, *, max_rel_se: float, resolution: float = 0.0,
              z: float = Z) -> None:
        """Assert |value - theory| <= z * se + resolution * |theory|, and that the
        run was precise enough: se <= max_rel_se * |theory|."""
        tol = z * self.se + resolution * abs(theory)
        _REPORT.append((label, self.value, theory, tol))
        assert self.se <= max_rel_se * abs(theory), (
            f"{label}: standard error {self.se:.4g} exceeds {max_rel_se:.2%} of {theory:.6g}; "
            f"run longer for a meaningful comparison")
        assert abs(self.value - theory) <= tol, (
            f"{label}: measured {self.value:.6g}, theory {theory:.6g}, difference {self.value - theory:+.4g} "
            f"> tolerance {tol:.4g} ({z} standard errors of {self.se:.3g}"
            + (f" + resolution {resolution:.2%}" if resolution else "") + ")")


def _ratio_se(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Weighted mean of batch values and its batch-means standard error
    (ratio estimator: sum w_i x_i / sum w_i)."""
    keep = weights > 0
    x, w = values[keep], weights[keep]
    b = len(x)
    assert b >= 10, f"only {b} non-empty batches"
    mean = float(np.sum(w * x) / np.sum(w))
    var = b / (b - 1) * np.sum((w * (x - mean)) ** 2) / np.sum(w) ** 2
    return mean, float(math.sqrt(var))


def _windows(results: Sequence[sim.Result], name: str, metric: str) -> np.ndarray:
    """The per-batch values of ``metric`` at ``name``, batches of all replications."""
    return np.concatenate([r.timeseries(name, metric).to_numpy(dtype=float) for r in results])


def _merged(results: Sequence[sim.Result], name: str) -> sim.LatencyHistogram:
    h = sim.LatencyHistogram()
    for r in results:
        h.merge(r.latency(name))
    return h


def mean_latency(results: Sequence[sim.Result], name: str | Sequence[str]) -> Estimate:
    """Mean latency (s) of successful requests at ``name`` (or at several
    components together: all their requests in one mean)."""
    names = [name] if isinstance(name, str) else list(name)
    counts = [_windows(results, n, "throughput") for n in names]
    sums = [np.nan_to_num(_windows(results, n, "mean")) * c for n, c in zip(names, counts)]
    weight = np.sum(counts, axis=0)
    mean, se = _ratio_se(np.sum(sums, axis=0) / np.maximum(weight, 1e-300), weight)
    h = sim.LatencyHistogram()
    for n in names:
        h.merge(_merged(results, n))
    assert mean == pytest.approx(h.mean(), rel=1e-9), "batches do not cover the measured interval"
    return Estimate(h.mean(), se)


def percentile_latency(results: Sequence[sim.Result], name: str, q: float) -> Estimate:
    """The q-th latency percentile (s) at ``name``; the standard error from the
    spread of the per-batch percentiles."""
    per_batch = _windows(results, name, f"p{q:g}".replace(".", ""))
    assert np.all(np.isfinite(per_batch))
    se = float(np.std(per_batch, ddof=1) / math.sqrt(len(per_batch)))
    return Estimate(_merged(results, name).percentile(q), se)


def throughput(results: Sequence[sim.Result], name: str) -> Estimate:
    """Successful completions per second at ``name``."""
    per_batch = _windows(results, name, "throughput")
    se = float(np.std(per_batch, ddof=1) / math.sqrt(len(per_batch)))
    return Estimate(figure(results, name, "throughput"), se)


def error_fraction(results: Sequence[sim.Result], name: str) -> Estimate:
    """Fraction of finished requests at ``name`` that failed."""
    err = _windows(results, name, "errors")
    idx = results[0].timeseries(name, "errors").index.to_numpy()
    width = float(idx[1] - idx[0])
    done = _windows(results, name, "throughput") * width
    mean, se = _ratio_se(err / np.maximum(err + done, 1), err + done)
    rows = [r.component(name) for r in results]
    errors = sum(row["errors"] for row in rows)
    exact = errors / (errors + sum(row["completed"] for row in rows))
    assert mean == pytest.approx(exact, rel=1e-6), "batches do not cover the measured interval"
    return Estimate(exact, se)


def figure(results: Sequence[sim.Result], name: str, key: str) -> float:
    """A summary figure of ``name`` (utilisation, mean_queue, ...) averaged over
    the replications (all of equal length)."""
    return float(np.mean([r.component(name)[key] for r in results]))


def measured_seconds(results: Sequence[sim.Result]) -> float:
    return sum(r.measured_seconds for r in results)


def scaled(estimate: Estimate, factor: float, offset: float = 0.0) -> Estimate:
    """factor * estimate + offset (a change of units or a known constant)."""
    return Estimate(factor * estimate.value + offset, abs(factor) * estimate.se)


# -- fingerprints -------------------------------------------------------------------------
FINGERPRINT_REQUESTS = 10_000


def check_fingerprint(key: str, model: sim.Model, seed: int, **options) -> None:
    """Run ``model`` at ``seed`` for FINGERPRINT_REQUESTS client requests (with further
    run ``options``, such as deployments) and compare the result's fingerprint with the
    entry ``key`` of fingerprints.json (rewrite the entry instead when
    ARCHSIM_UPDATE_FINGERPRINTS=1)."""
    r = sim.run(model, until_requests=FINGERPRINT_REQUESTS, warmup=0, seed=seed, progress=False, **options)
    assert r.requests_completed == FINGERPRINT_REQUESTS
    got = r.fingerprint()
    if os.environ.get(UPDATE_ENV) == "1":
        with open(FINGERPRINTS, "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)  # several pytest processes may update at once
            f.seek(0)
            text = f.read()
            table = json.loads(text) if text.strip() else {}
            table[key] = got
            f.seek(0)
            f.truncate()
            f.write(json.dumps(dict(sorted(table.items())), indent=2) + "\n")
        return
    regenerate = (f"    {UPDATE_ENV}=1 .venv/bin/python -m pytest tests/python/test_validation_*.py -k fingerprint\n"
                  f"and commit tests/python/fingerprints.json.")
    table = json.loads(FINGERPRINTS.read_text()) if FINGERPRINTS.exists() else {}
    assert key in table, f"fingerprints.json has no entry for {key!r}; add it with\n{regenerate}"
    assert got == table[key], (f"fingerprint of {key!r} changed: {table[key]} -> {got}; a change to the engine "
                               f"altered this model's results. If that is intended, update the table with\n"
                               f"{regenerate}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _REPORT or config.option.verbose < 1:
        return
    tr = terminalreporter
    tr.section("validation against queueing theory: measured vs theory")
    tr.write_line(f"{'check':<58}{'measured':>13}{'theory':>13}{'diff':>9}{'tol':>9}")
    for label, value, theory, tol in _REPORT:
        rel = (value - theory) / theory if theory else float("nan")
        tr.write_line(f"{label:<58}{value:>13.6g}{theory:>13.6g}{rel:>+9.2%}{tol / abs(theory) if theory else 0:>9.2%}")


# -- Ctrl-C ------------------------------------------------------------------------------
@pytest.fixture
def ctrl_c_raises():
    """SIGINT raises KeyboardInterrupt, as in a terminal or a notebook (a process started in the
    background by a shell ignores it)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)

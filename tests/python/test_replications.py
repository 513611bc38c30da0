"""Replications: seeds per replication, Student-t intervals, MSER-5 warm-up detection.

Validation: M/D/1 mean sojourn time (Pollaczek-Khinchine mean value formula, e.g.
Kleinrock, Queueing Systems Vol. 1, eq. 5.72): W = S + rho * S / (2 (1 - rho)) for a
deterministic service time S at utilisation rho. With S = 10 ms and rho = 0.5,
W = 15 ms. The run starts with an overload (180/s for 10 s against a capacity of
100/s, a backlog of ~800 requests that drains at 50/s, ~26 s in all), so an
unmeasured start is needed: MSER-5 must find it, and the replications' interval
must then cover the formula, which it does not without the warm-up.
"""

import json
import math
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import scipy.stats

import archsim as sim
from archsim.replications import replication_seed
from archsim.stats import mean_ci, mser5, t_quantile

MD1_SOJOURN = 0.010 + 0.5 * 0.010 / (2 * (1 - 0.5))


def md1_with_overload_start() -> sim.Model:
    m = sim.Model("md1-overload")
    q = m.service("q", service_time=sim.Const("10ms"))
    m.client("web", target=q, workload=sim.Open(50, schedule=[("0s", 180), ("10s", 50)]))
    return m


def mm1() -> sim.Model:
    m = sim.Model("mm1")
    q = m.service("q", service_time=sim.Exp("5ms"))
    m.client("web", target=q, workload=sim.Open(rate=100))
    return m


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 9, 10, 29, 30, 99])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99, 0.9999])
def test_t_quantile_matches_scipy(df, confidence):
    assert t_quantile(confidence, df) == pytest.approx(scipy.stats.t.ppf((1 + confidence) / 2, df), rel=1e-9)


def test_t_quantile_and_mean_ci_reject_bad_input_and_handle_small_samples():
    with pytest.raises(ValueError, match="confidence"):
        t_quantile(1.0, 3)
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_quantile(0.95, 0)
    m, hw, sd = mean_ci([2.0, 4.0, np.nan, 6.0])
    assert m == 4.0 and sd == 2.0
    assert hw == pytest.approx(scipy.stats.t.ppf(0.975, 2) * 2 / math.sqrt(3))
    assert math.isnan(mean_ci([1.0])[1])


def test_mser5_finds_a_known_transient_and_rejects_short_series():
    rng = np.random.default_rng(1)
    y = np.r_[np.linspace(50, 10, 40), 10 + rng.normal(0, 1, 400)]
    assert 30 <= mser5(y) <= 60
    assert mser5(10 + rng.normal(0, 1, 400)) <= 20  # stationary: little or nothing cut
    with pytest.raises(ValueError, match="at least 50"):
        mser5(np.ones(40))


def test_replication_zero_is_the_plain_run_and_others_differ():
    plain = sim.run(mm1(), duration=20, seed=11, progress=False)
    reps = sim.run(mm1(), duration=20, seed=11, replications=3, progress=False)
    assert isinstance(reps, sim.ReplicatedResult) and len(reps) == 3
    assert reps[0].fingerprint() == plain.fingerprint()
    assert reps.seeds == [11, replication_seed(11, 1), replication_seed(11, 2)]
    assert len({r.fingerprint() for r in reps.replications}) == 3
    again = sim.run(mm1(), duration=20, seed=11, replications=3, progress=False)
    assert again.fingerprint() == reps.fingerprint()
    assert sim.run(mm1(), duration=20, seed=11, replications=1, progress=False).fingerprint() == plain.fingerprint()


def test_summary_intervals_are_student_t_over_replications():
    reps = sim.run(mm1(), duration=30, warmup=2, seed=3, replications=5, progress=False)
    s = reps.summary()
    assert set(s.columns) >= {"component", "kind", "op", "metric", "mean", "ci_low", "ci_high", "half_width", "n"}
    row = s[(s.component == "web") & (s.metric == "p99")].iloc[0]
    values = reps.per_replication("web", "p99")
    assert row["n"] == 5
    assert row["mean"] == pytest.approx(values.mean())
    half = scipy.stats.t.ppf(0.975, 4) * values.std(ddof=1) / math.sqrt(5)
    assert row["half_width"] == pytest.approx(half)
    assert reps.ci("web", "p99") == pytest.approx((values.mean(), values.mean() - half, values.mean() + half))
    assert reps.warmup == 2 and reps.warmup_method == "given"
    assert "web" in reps.report() and "+-" in reps.report()
    assert reps.latency("web").count == sum(r.latency("web").count for r in reps.replications)
    tidy = reps.to_pandas()
    assert sorted(set(tidy.replication)) == [0, 1, 2, 3, 4]


def test_mser5_warmup_removes_the_start_up_bias_md1():
    opts = dict(duration=600, seed=5, replications=10, progress=False)
    reps = sim.run(md1_with_overload_start(), warmup="mser5", **opts)
    assert reps.warmup_method == "mser5"
    assert 20 <= reps.warmup <= 60, reps.warmup  # the backlog drains at ~26 s
    assert all(r.warmup == reps.warmup for r in reps.replications)
    mean, low, high = reps.ci("web", "mean", confidence=0.9999)
    assert low <= MD1_SOJOURN <= high, (mean, low, high)
    assert high - low < 0.1 * MD1_SOJOURN  # precise enough for the check to mean something
    biased = sim.run(md1_with_overload_start(), warmup=0, **opts)
    b_mean, b_low, b_high = biased.ci("web", "mean", confidence=0.9999)
    assert b_low > MD1_SOJOURN  # without the warm-up the backlog inflates the mean


def test_single_run_with_mser5_reports_its_warmup():
    res = sim.run(md1_with_overload_start(), duration=300, warmup="mser5", seed=5, progress=False)
    assert isinstance(res, sim.Result)
    assert res.warmup_method == "mser5" and 20 <= res.warmup <= 60


def test_bad_replication_arguments_name_the_field():
    with pytest.raises(ValueError, match="replications must be an integer >= 1"):
        sim.run(mm1(), duration=1, replications=0)
    with pytest.raises(ValueError, match="replications"):
        sim.run(mm1(), duration=1, replications=2.5)
    with pytest.raises(ValueError, match="mser5"):
        sim.run(mm1(), duration=1, replications=2, warmup="auto")
    with pytest.raises(ValueError, match="at least 50"):
        sim.run(mm1(), duration=10, replications=2, warmup="mser5")


_CTRL_C_CHILD = """
import json, signal, sys, time, warnings
signal.signal(signal.SIGINT, signal.default_int_handler)
import archsim as sim

def long_model():
    m = sim.Model("long")
    q = m.service("q", workers=4, service_time=sim.Exp("1ms"))
    m.client("web", target=q, workload=sim.Open(rate=3000))
    return m

started = time.perf_counter()
first = sim.run(long_model(), duration=100, seed=1, progress=False)
print(time.perf_counter() - started, flush=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    reps = sim.run(long_model(), duration=100, seed=1, replications=200, progress=False)
print(json.dumps({"n": len(reps), "first_same": reps[0].fingerprint() == first.fingerprint(),
                  "stops": sorted({r.stop_reason for r in reps.replications}),
                  "warnings": [str(w.message) for w in caught]}), flush=True)
"""


def test_ctrl_c_during_replications_keeps_the_finished_ones():
    # A fresh interpreter, as in a terminal: Ctrl-C is SIGINT to the process.
    child = subprocess.Popen([sys.executable, "-c", _CTRL_C_CHILD], stdout=subprocess.PIPE, text=True)
    try:
        one_run = float(child.stdout.readline())
        time.sleep(2.5 * one_run)  # about the third replication
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=120)
    finally:
        child.kill()
    report = json.loads(out)
    assert 1 <= report["n"] < 200, report
    assert report["first_same"] and report["stops"] == ["time_limit"]
    assert any("interrupted" in w for w in report["warnings"]), report

"""Validation: canary judgement, traffic split and the latency of mixed versions.

1. Canary rollback. A canary is judged every window W on the n >= min_requests
   requests of its version that finished since the last judgement; it is rolled
   back when their error rate exceeds e* or their p99 exceeds t*. Each judgement
   of a version with per-request error probability p is a binomial test: with
   X ~ Binomial(n, p) errors, P(false rollback) = P(X > e* n) (Feller, An
   Introduction to Probability Theory, vol. 1, ch. VI). For the latency test
   the canary's requests are served without queueing (workers >> load), so each
   latency is its own service time S ~ Exp(mean m), and the sample p99 exceeds t*
   only if at least 1 % of the n draws do, a Binomial(n, q = e^(-t*/m)) count.
   The thresholds below are chosen so that both tails, computed exactly with
   scipy and asserted in test_thresholds_make_wrong_verdicts_negligible, are
   below 1e-6 per judgement for n >= N_LOW requests; n is the Poisson number of
   the canary's requests in a window (mean 400), below N_LOW = 300 with
   probability < 1e-6. Over SEEDS runs of JUDGEMENTS judgements the chance of
   any wrong verdict is then below 1e-3: a good version is never rolled back, and
   a bad one is rolled back at the first judgement, at start + W (the slack of
   one more window covers a first window short of min_requests).

2. Traffic split. Each request goes to the canary with probability s,
   independently: the canary's count k of N arrivals is Binomial(N, s), and
   k/N lies within 4.5 sqrt(s (1 - s) / N) of s except with probability 7e-6.

3. Latency of mixed versions. With no queueing (an M/G/infinity service:
   workers far above the load) a request's latency at the service is its own
   version's service time, so each version's mean latency is its own mean
   service time and the service's mean is the traffic-weighted mix
   sum_v s_v E[S_v] (Kleinrock, Queueing Systems vol. 1, section 3.7, M/M/inf).
   With one worker (M/G/1, FIFO) versions share the queue: by PASTA an arrival
   waits Wq = lambda E[S^2] / (2 (1 - rho)) whatever its version
   (Pollaczek-Khinchine; Kleinrock vol. 1, ch. 5), where S is the mixture of
   the versions' service times, so version v's mean latency is Wq + E[S_v].
"""

import math

import numpy as np
import pytest
from scipy import stats

import archsim as sim
from conftest import Estimate, check_fingerprint

RATE = 400.0           # requests per second at the service
SHARE = 0.2            # the canary's share: 80 requests per second
START, WINDOW = 2.0, 5.0
DURATION = 32.0        # six judgements after the start
JUDGEMENTS = 6
MIN_REQUESTS = 100
N_LOW = 300            # fewer canary requests in a window: P < 1e-6 (Poisson, mean 400)
SEEDS = range(30)

# Error-rate test: good p = 1 %, bad p = 15 %, threshold 5 %.
GOOD_ERRORS, BAD_ERRORS, MAX_ERROR_RATE = 0.01, 0.15, 0.05
# Latency test: good Exp(5 ms) (p99 23 ms), bad Exp(20 ms) (p99 92 ms), threshold 50 ms.
GOOD_MEAN, BAD_MEAN, MAX_P99 = 0.005, 0.020, 0.050


def model() -> sim.Model:
    m = sim.Model("canary")
    api = m.service("api", workers=256, service_time=sim.Exp(GOOD_MEAN))  # no queueing at 400/s x 5 ms
    m.client("web", target=api, workload=sim.Open(rate=RATE))
    return m


def canary(version: sim.Version) -> sim.Canary:
    return sim.Canary("api", version, share=SHARE, at=START, window=WINDOW, min_requests=MIN_REQUESTS,
                      max_error_rate=MAX_ERROR_RATE, max_p99=MAX_P99)


VERSIONS = {
    "errors-good": sim.Version("v2", error_probability=GOOD_ERRORS),
    "errors-bad": sim.Version("v2", error_probability=BAD_ERRORS),
    "latency-good": sim.Version("v2", service_time=sim.Exp(GOOD_MEAN)),
    "latency-bad": sim.Version("v2", service_time=sim.Exp(BAD_MEAN)),
}


def test_thresholds_make_wrong_verdicts_negligible():
    p_short = stats.poisson.cdf(N_LOW - 1, RATE * SHARE * WINDOW)
    assert p_short < 1e-6
    for n in (N_LOW, 400, 600):  # the tails shrink as n grows
        k = math.floor(MAX_ERROR_RATE * n)  # rolled back when X > k
        false_rollback = stats.binom.sf(k, n, GOOD_ERRORS)
        missed_rollback = stats.binom.cdf(k, n, BAD_ERRORS)
        slow = math.ceil(0.01 * n)  # the sample p99 (nearest rank) exceeds t* iff >= n - rank + 1 draws do
        q_good, q_bad = math.exp(-MAX_P99 / GOOD_MEAN), math.exp(-MAX_P99 / BAD_MEAN)
        false_slow = stats.binom.sf(slow - 1, n, q_good)
        missed_slow = stats.binom.cdf(slow - 1, n, q_bad)
        for label, p in [("false rollback (errors)", false_rollback), ("missed rollback (errors)", missed_rollback),
                         ("false rollback (p99)", false_slow), ("missed rollback (p99)", missed_slow)]:
            assert p < 1e-6, f"n={n}: P({label}) = {p:.3g}"
    # Over every judgement of every seed and case: below 1e-3 in all.
    assert 4 * len(SEEDS) * JUDGEMENTS * (1e-6 + p_short) < 1e-3


@pytest.mark.parametrize("case", sorted(VERSIONS))
def test_canary_rolls_back_bad_versions_within_a_window_and_never_good_ones(case):
    bad = case.endswith("bad")
    rollbacks = []
    for seed in SEEDS:
        res = sim.run(model(), duration=DURATION, seed=seed, deployments=[canary(VERSIONS[case])], progress=False)
        timeline = res.deployments
        assert timeline.kind.iloc[0] == "canary_started" and timeline.time.iloc[0] == START
        rolled = timeline[timeline.kind == "rolled_back"]
        if not bad:
            assert rolled.empty, f"seed {seed}: good version rolled back:\n{timeline}"
            continue
        assert len(rolled) == 1, f"seed {seed}: bad version not rolled back:\n{timeline}"
        t = rolled.time.iloc[0]
        assert START < t <= START + 2 * WINDOW, f"seed {seed}: rolled back at {t}"
        reason = "error rate" if case.startswith("errors") else "p99"
        assert rolled.event.iloc[0].startswith(f"rolled back: {reason} "), rolled.event.iloc[0]
        rollbacks.append(t)
        # After the rollback no request reaches v2.
        share = res.version_share("api")
        assert (share.loc[share.index >= t, "v2"] == 0).all()
    if bad:
        assert rollbacks == [START + WINDOW] * len(SEEDS)  # every first judgement had enough requests


def test_canary_share_is_binomial():
    share = 0.1
    res = sim.run(model(), duration=300, seed=7, progress=False,
                  deployments=[sim.Canary("api", sim.Version("v2"), share=share, at=0)])
    v = res.versions("api").set_index("version")
    n = int(v.arrivals.sum())
    k = int(v.at["v2", "arrivals"])
    se = math.sqrt(share * (1 - share) / n)
    Estimate(k / n, se).check(share, "canary share of arrivals", max_rel_se=0.01)
    # Per window too: the series averages to the same share.
    series = res.version_share("api")["v2"]
    assert series.mean() == pytest.approx(share, abs=4.5 * se * math.sqrt(len(series)))


def _mix_model(workers: int, rate: float, mean: float) -> sim.Model:
    m = sim.Model("mix")
    api = m.service("api", workers=workers, service_time=sim.Exp(mean))
    m.client("web", target=api, workload=sim.Open(rate=rate))
    return m


def test_mixed_versions_without_queueing_average_to_the_weighted_mix():
    share, old, new = 0.3, 0.002, 0.006
    res = sim.run(_mix_model(workers=512, rate=2000, mean=old), duration=40, warmup=1, seed=3, progress=False,
                  deployments=[sim.Canary("api", sim.Version("v2", service_time=sim.Exp(new)), share=share)])
    v = res.versions("api").set_index("version")
    for name, mean in (("v1", old), ("v2", new)):
        n = int(v.at[name, "completed"])
        # Exponential latencies: sd = mean, so se = mean / sqrt(n); the histogram adds at most 2^-8.
        Estimate(v.at[name, "mean"], mean / math.sqrt(n)).check(mean, f"M/G/inf version {name} mean latency",
                                                                max_rel_se=0.01, resolution=2**-8)
    overall = res.latency("api")
    mix = (1 - share) * old + share * new
    # Hyperexponential latency: variance E[S^2] - mix^2.
    sd = math.sqrt(2 * ((1 - share) * old**2 + share * new**2) - mix**2)
    Estimate(overall.mean(), sd / math.sqrt(overall.count)).check(mix, "M/G/inf service mean = weighted mix",
                                                                  max_rel_se=0.01, resolution=2**-8)


def test_mixed_versions_share_one_queue_pollaczek_khinchine():
    # Independent replications (Law & Kelton, ch. 9): the standard error of a version's mean
    # latency is the standard deviation of the replications' means over sqrt(replications).
    share, old, new, rho = 0.25, 0.001, 0.003, 0.5
    ES = (1 - share) * old + share * new
    ES2 = 2 * ((1 - share) * old**2 + share * new**2)
    lam = rho / ES
    Wq = lam * ES2 / (2 * (1 - rho))
    deployments = [sim.Canary("api", sim.Version("v2", service_time=sim.Exp(new)), share=share)]
    means = {"v1": [], "v2": []}
    for seed in range(20, 32):
        res = sim.run(_mix_model(workers=1, rate=lam, mean=old), duration=202, warmup=2, seed=seed, progress=False,
                      deployments=deployments)
        v = res.versions("api").set_index("version")
        for name in means:
            means[name].append(v.at[name, "mean"])
    for name, own in (("v1", old), ("v2", new)):
        values = np.array(means[name])
        Estimate(values.mean(), values.std(ddof=1) / math.sqrt(len(values))).check(
            Wq + own, f"M/G/1 shared queue: version {name} mean latency = Wq + E[S_{name}]", max_rel_se=0.01)


def test_deployment_fingerprint_is_pinned():
    check_fingerprint("deploy-canary-rollback", model(), seed=5, deployments=[canary(VERSIONS["errors-bad"])])

"""Validation: a broker's consumer group against queueing and probability theory.

1. Competing consumers (ordering "none") fed by Poisson publishes at rate lambda,
   each consumer taking Exp(mu) per message, are an M/M/c queue: the oldest visible
   message goes to any free consumer. Erlang's C formula (Kleinrock, Queueing
   Systems Vol. 1, section 3.5; Gross & Harris, Fundamentals of Queueing Theory
   (4th ed.), section 2.3), with a = lambda/mu and rho = a/c:

       C(c, a) = [a^c / c! / (1 - rho)] / [sum_{k<c} a^k / k! + a^c / c! / (1 - rho)]
       Wq = C / (c mu - lambda)    mean wait, publish to first delivery
       W  = Wq + 1/mu              mean end-to-end latency, publish to processed
       L  = lambda W               mean lag: messages published and not yet acked (Little)

   Little's law (Little 1961) also holds for the measured lag: the time-averaged lag
   equals the processed rate times the mean publish-to-ack time.

2. Redelivery: each delivery fails independently with probability p (no ack, so the
   message is delivered again after the visibility timeout), and after m deliveries a
   message goes to the dead-letter queue. The deliveries D of a message are a
   geometric number truncated at m (Feller, An Introduction to Probability Theory,
   Vol. 1, section XI.2; Ross, A First Course in Probability, section 4.8.2):

       P(D = k) = p^(k-1) (1 - p) for k < m,   P(D = m) = p^(m-1)
       P(dead-lettered) = p^m
       E[D] = sum_{k<m} p^k = (1 - p^m) / (1 - p)

   Over n messages, the dead-lettered count is Binomial(n, p^m).
"""

import math

import numpy as np
import pytest

import archsim as sim
from conftest import Estimate, check_fingerprint, simulate

MU = 1000.0  # messages per second per consumer


def mmc_broker(c: int = 4, rho: float = 0.8) -> sim.Model:
    m = sim.Model(f"broker-mmc-c{c}")
    q = m.broker("events", partitions=8, groups=[
        sim.ConsumerGroup("workers", consumers=c, ordering="none", processing_time=sim.Exp(rate=MU))])
    m.client("producer", target=q, workload=sim.Open(rate=rho * c * MU), keys=sim.UniformKeys(1_000_000))
    return m


def erlang_c(c: int, a: float) -> float:
    rho = a / c
    tail = a**c / math.factorial(c) / (1 - rho)
    return tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)


def test_competing_consumers_are_an_mmc_queue():
    c, rho = 4, 0.8
    lam = rho * c * MU
    C = erlang_c(c, lam / MU)
    Wq, W = C / (c * MU - lam), C / (c * MU - lam) + 1 / MU
    assert C == pytest.approx(sim.analytic.erlang_c(servers=c, load=lam / MU), rel=1e-12)

    results = simulate(mmc_broker, seeds=(31, 32, 33), batch=3.0)
    # Batch means of the lag over every window of every replication.
    lags = np.concatenate([r.timeseries("events", "lag").to_numpy() for r in results])
    assert len(lags) >= 100
    L = Estimate(float(lags.mean()), float(lags.std(ddof=1) / math.sqrt(len(lags))))
    L.check(lam * W, f"M/M/{c} rho={rho} broker lag L = lambda W", max_rel_se=0.02)
    rel = L.se / L.value  # W and Wq are L / lambda sample path by sample path: the same relative error

    frames = [r.broker("events").iloc[0] for r in results]
    processed = sum(f.processed for f in frames)
    W_sim = sum(f.latency_mean * f.processed for f in frames) / processed
    Wq_sim = sum(f.wait_mean * f.processed for f in frames) / processed
    Estimate(W_sim, W * rel).check(W, f"M/M/{c} broker W (publish to processed, s)", max_rel_se=0.02)
    Estimate(Wq_sim, W * rel).check(Wq, f"M/M/{c} broker Wq (publish to delivery, s)", max_rel_se=0.03)

    for r, f in zip(results, frames):
        # Little's law on the lag of each run: L = (processed per second) x W.
        assert f.mean_lag == pytest.approx(f.processed / r.measured_seconds * f.latency_mean, rel=0.02)
        assert r.component("events")["utilisation"] == pytest.approx(rho, rel=0.02)
        assert f.redelivered == f.dead_lettered == f.dropped == 0
        assert f.mean_lag_time > 0 and f.max_lag >= f.mean_lag


def test_mmc_broker_fingerprint_is_pinned():
    check_fingerprint("broker-mmc-c4", mmc_broker(), seed=31)


def redelivery_model(p: float, m: int) -> sim.Model:
    model = sim.Model(f"broker-dlq-p{p}-m{m}")
    q = model.broker("jobs", partitions=4, groups=[
        sim.ConsumerGroup("workers", consumers=8, ordering="none", processing_time=sim.Exp("1ms"),
                          failure_probability=p, visibility_timeout="200ms", max_deliveries=m)])
    model.client("producer", target=q, workload=sim.Open(rate=2000), keys=sim.UniformKeys(10_000))
    return model


@pytest.mark.parametrize("p, m", [(0.3, 3), (0.5, 4)])
def test_redeliveries_and_dead_letters_follow_the_truncated_geometric_law(p, m):
    res = sim.run(redelivery_model(p, m), duration=60, warmup=1, seed=41, progress=False)
    g = res.broker("jobs").iloc[0]
    n = int(g.processed + g.dead_lettered)
    assert n > 100_000

    p_dlq = p**m
    se = math.sqrt(p_dlq * (1 - p_dlq) / n)
    Estimate(g.dead_lettered / n, se).check(p_dlq, f"P(dead-letter) p={p} m={m}", max_rel_se=0.05)

    pmf = np.array([p ** (k - 1) * (1 - p) for k in range(1, m)] + [p ** (m - 1)])
    ks = np.arange(1, m + 1)
    mean, var = float(ks @ pmf), float((ks**2) @ pmf - (ks @ pmf) ** 2)
    assert mean == pytest.approx((1 - p**m) / (1 - p), rel=1e-12)
    Estimate(g.deliveries_per_message, math.sqrt(var / n)).check(
        mean, f"deliveries per message p={p} m={m}", max_rel_se=0.005)
    # Every delivery failed but the last one of a processed message (up to the few in flight at
    # the end), and all but the first of each message were redeliveries (up to those still
    # waiting out a visibility timeout at the end: ~ lambda x timeout x p of them).
    assert g.failed == pytest.approx(g.delivered - g.processed, abs=50)
    assert g.redelivered == pytest.approx(g.delivered - n, rel=0.01)
    assert g.duplicates_detected == g.duplicate_effects == 0


def test_redelivery_fingerprint_is_pinned():
    check_fingerprint("broker-dlq", redelivery_model(0.3, 3), seed=41)

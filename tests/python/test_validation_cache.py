"""Validation: cache hit ratios against theory.

1. LRU under independent requests (IRM) with Zipf popularity, against Che's
   approximation (Che, Tung & Wang, "Hierarchical Web caching systems:
   modeling, design and experimental results", IEEE JSAC 20(7), 2002). With
   key i requested with probability p_i, an LRU cache of C entries behaves as
   if every key stayed for a characteristic time T after its last request,
   where T solves

       sum_i (1 - exp(-p_i T)) = C,

   and the hit ratio is  h = sum_i p_i (1 - exp(-p_i T)).  The approximation
   is asymptotically exact for Zipf popularity (Fricker, Robert & Roberts,
   "A versatile and accurate approximation for LRU cache performance",
   ITC 24, 2012); at 10^4 keys its own error is below 2 x 10^-3, the
   allowance below on top of the statistical tolerance.
   sim.analytic.che_hit_ratio (C++, bisection) must agree with the scipy
   solve here.

   FIFO by the same idea (Martina, Garetto & Leonardi, "A unified approach
   to the performance analysis of caching systems", INFOCOM 2014): an item
   stays T after it was filled, so it is in the cache with probability
   p_i T / (1 + p_i T), with sum_i p_i T / (1 + p_i T) = C, and
   h = sum_i p_i^2 T / (1 + p_i T); checked through sim.analytic with the
   same allowance.

2. TTL for one key requested as a Poisson process of rate lambda, when a hit
   does not extend the TTL T: each miss fills the entry, the next T seconds
   are hits, then the first request after expiry misses again. A cycle holds
   one miss and a Poisson(lambda T) number of hits, so by the renewal-reward
   theorem (Ross, Stochastic Processes, 3.6)

       h = lambda T / (1 + lambda T),

   and with TTL jitter the same with E[T]. Standard error for n requests,
   a = lambda T (ratio estimator over n / (1 + a) cycles):
   se = (1 - h) sqrt(a / (n (1 + a))).
"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

import archsim as sim
from conftest import Estimate, check_fingerprint

KEYS = 10_000
RATE = 2000.0  # requests per second


def che_hit_ratio(n: int, alpha: float, capacity: int) -> float:
    p = 1.0 / np.arange(1, n + 1) ** alpha
    p /= p.sum()
    t = brentq(lambda t: np.sum(-np.expm1(-p * t)) - capacity, 1e-9, 1e12)
    return float(np.sum(p * -np.expm1(-p * t)))


def lru_model(alpha: float, capacity: int, policy: str = "lru") -> sim.Model:
    m = sim.Model(f"{policy}-zipf")
    db = m.service("db", workers=1_000_000)  # zero service time: a miss fills at once
    cache = m.cache("cache", backend=db, capacity=capacity, policy=policy)
    m.client("web", target=cache, workload=sim.Open(rate=RATE), keys=sim.Zipf(KEYS, alpha))
    return m


def hit_ratio_estimate(res: sim.Result, name: str) -> Estimate:
    """Hit ratio with its batch-means standard error (one batch per window)."""
    hits = res.timeseries(name, "hits").to_numpy()
    misses = res.timeseries(name, "misses").to_numpy()
    n = hits + misses
    ratio = hits.sum() / n.sum()
    b = len(n)
    se = math.sqrt(b / (b - 1) * np.sum((hits - ratio * n) ** 2)) / n.sum()
    assert ratio == pytest.approx(res.component(name)["hit_ratio"], rel=1e-12), "windows do not cover the run"
    return Estimate(ratio, se)


@pytest.mark.parametrize("alpha", [0.8, 1.0])
@pytest.mark.parametrize("fraction", [0.01, 0.05, 0.10])
def test_lru_hit_ratio_under_zipf_matches_the_che_approximation(alpha, fraction):
    capacity = int(KEYS * fraction)
    res = sim.run(lru_model(alpha, capacity), duration="110s", warmup="10s", window="5s", seed=11, progress=False)
    theory = che_hit_ratio(KEYS, alpha, capacity)
    assert sim.analytic.che_hit_ratio(1.0 / np.arange(1, KEYS + 1) ** alpha, capacity) == pytest.approx(theory, rel=1e-9)
    est = hit_ratio_estimate(res, "cache")
    est.check(theory, f"LRU hit ratio, Zipf {alpha}, C = {capacity}", max_rel_se=0.01, resolution=0.002 / theory)
    row = res.component("cache")
    # Every miss was one fetch: the backend saw exactly the misses, and a full cache evicts once per miss.
    assert res.component("db")["arrivals"] == row["misses"]
    assert row["evictions"] == row["misses"]


@pytest.mark.parametrize("alpha", [0.8, 1.0])
@pytest.mark.parametrize("fraction", [0.01, 0.10])
def test_fifo_hit_ratio_under_zipf_matches_its_characteristic_time_approximation(alpha, fraction):
    capacity = int(KEYS * fraction)
    res = sim.run(lru_model(alpha, capacity, policy="fifo"), duration="110s", warmup="10s", window="5s", seed=11,
                  progress=False)
    theory = sim.analytic.che_hit_ratio(1.0 / np.arange(1, KEYS + 1) ** alpha, capacity, policy="fifo")
    est = hit_ratio_estimate(res, "cache")
    est.check(theory, f"FIFO hit ratio, Zipf {alpha}, C = {capacity}", max_rel_se=0.01, resolution=0.002 / theory)
    assert res.component("db")["arrivals"] == res.component("cache")["misses"]


def ttl_model(rate: float, ttl: float, jitter: float = 0.0) -> sim.Model:
    m = sim.Model("ttl-one-key")
    db = m.service("db", workers=1000)
    cache = m.cache("cache", backend=db, policy="ttl", ttl=ttl, ttl_jitter=jitter)
    m.client("web", target=cache, workload=sim.Open(rate=rate), keys=sim.UniformKeys(1))
    return m


@pytest.mark.parametrize("lam_t, jitter", [(0.5, 0.0), (2.0, 0.0), (10.0, 0.0), (2.0, 0.5)])
def test_ttl_hit_ratio_of_one_poisson_key_is_lambda_t_over_one_plus_lambda_t(lam_t, jitter):
    rate = 200.0
    res = sim.run(ttl_model(rate, lam_t / rate, jitter), duration="300s", seed=5, progress=False)
    row = res.component("cache")
    n = row["hits"] + row["misses"]
    h = lam_t / (1 + lam_t)
    se = (1 - h) * math.sqrt(lam_t / (n * (1 + lam_t)))
    Estimate(row["hit_ratio"], se).check(h, f"TTL hit ratio, lambda T = {lam_t}, jitter {jitter}",
                                         max_rel_se=0.01)
    assert row["expired"] in (row["misses"] - 1, row["misses"])  # every miss but the first found an expired entry
    assert row["evictions"] == 0


def test_fingerprint_lru_zipf():
    check_fingerprint("cache_lru_zipf", lru_model(0.8, 500), seed=3)

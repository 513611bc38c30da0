"""Quorum staleness against the PBS model, and the strict-quorum guarantee.

PBS (Bailis, Venkataraman, Franklin, Hellerstein & Stoica, "Probabilistically
Bounded Staleness for Practical Partial Quorums", VLDB 2012), t-visibility of a
leaderless store with N replicas, W = 1, R reads, write propagation to each
replica Exp(lambda) and instantaneous acks, reads and service:

    P(a read at t after commit returns the committed version or newer)
        = 1 - ((N - R) / N) * exp(-R * lambda * t)

Derivation (docs/guide/consistency.md): the write commits when the first replica
applies it; that replica is uniform over the N, so it is among the R replicas
the read consults with probability R / N. Otherwise the R consulted replicas
still have, by memorylessness, Exp(lambda) residual delays at the commit, and
the read misses the write only if all R exceed t: exp(-R lambda t).
For N = 3, R = W = 1: 1 - (2/3) exp(-lambda t).

Strict quorums: with R + W > N every read set meets every write set, so a
fault-free run never returns a version older than one committed before the
read began (Gifford 1979; PBS section 2). Checked over many seeds with random
network, propagation and service delays; R = W = 1 on the same model is the
control that does see stale reads. (Monotonic reads are not guaranteed even
so: a read may see a write still in flight, and a later read may not.)
"""

import math

import numpy as np
import pytest

import archsim as sim

from conftest import Z, assert_littles_law, check_fingerprint

MEAN_PROPAGATION = 0.010  # s: lambda = 100/s
EDGES = np.array([0, 2.5, 5, 7.5, 10, 15, 20, 30, 45, 70]) / 1000


def pbs_model(read_quorum: int, replicas: int = 3) -> sim.Model:
    m = sim.Model("pbs")
    kv = m.store("kv", replicas=replicas, write_quorum=1, read_quorum=read_quorum,
                 replication_delay=sim.Exp(MEAN_PROPAGATION), service_time=0.0, workers=1000)
    m.client("app", target=kv, workload=sim.Open(rate=4000), keys=sim.UniformKeys(100),
             mix={"read": 0.75, "write": 0.25})
    return m


def pbs_visibility(t0: float, t1: float, n: int, r: int) -> float:
    """1 - ((N-R)/N) exp(-R lambda t), averaged over t in [t0, t1]."""
    lam = r / MEAN_PROPAGATION
    mean_exp = (math.exp(-lam * t0) - math.exp(-lam * t1)) / (lam * (t1 - t0))
    return 1 - (n - r) / n * mean_exp


@pytest.mark.parametrize("replicas,read_quorum", [(3, 1), (3, 2), (5, 1)])
def test_partial_quorum_visibility_matches_the_pbs_closed_form(replicas, read_quorum):
    res = sim.run(pbs_model(read_quorum, replicas), duration="40s", warmup="1s", seed=17, progress=False)
    assert_littles_law(res)
    vis = res.visibility("kv", EDGES)
    for row in vis.itertuples():
        expected = pbs_visibility(row.age_from, row.age_to, replicas, read_quorum)
        se = math.sqrt(expected * (1 - expected) / row.reads)
        assert row.reads > 1500
        assert abs(row.p_consistent - expected) < Z * se, (row, expected)
    # the curve really rises from (R/N) at commit towards 1
    assert vis.p_consistent.iloc[0] < 0.5 * (1 + read_quorum / replicas)
    assert vis.p_consistent.iloc[-1] > 0.9


@pytest.mark.parametrize("w,r", [(2, 2), (3, 1), (1, 3)])
def test_strict_quorums_never_return_a_stale_read(w, r):
    def model(write_quorum, read_quorum):
        m = sim.Model("strict")
        m.zone("a")
        m.zone("b")
        m.network(same_zone=sim.Exp("0.2ms"), cross_zone=sim.Exp("2ms"))
        kv = m.store("kv", replicas=3, write_quorum=write_quorum, read_quorum=read_quorum,
                     replication_delay=sim.Exp("5ms"), service_time=sim.Exp("0.5ms"), workers=4)
        m.client("app", target=kv, workload=sim.Open(rate=1500), keys=sim.Zipf(50, 1.0),
                 mix={"read": 0.6, "write": 0.4}, tenants=8)
        return m

    reads = 0
    for seed in range(12):
        c = sim.run(model(w, r), duration="2s", seed=seed, progress=False).consistency("kv")
        assert c["stale_reads"] == 0, (seed, c)
        assert c["ryw_violations"] == 0  # a session's own committed write is a committed write
        reads += c["reads"]
    assert reads > 12 * 1500
    control = sim.run(model(1, 1), duration="2s", seed=0, progress=False).consistency("kv")
    assert control["stale_reads"] > 50
    assert control["monotonic_violations"] > 0


def test_pbs_model_fingerprint():
    check_fingerprint("pbs_quorum_n3_r1_w1", pbs_model(1), seed=5)

"""The replicated store: primary with asynchronous replicas (read policies,
failover, lost writes), leaderless quorums (availability under crashes, read
repair), session guarantees, API errors and determinism.

Exact expectations used below, for a primary with constant replication delay
D, no network and zero service time: every replica applies a write exactly D
after its commit, so a read at age t of its key's newest version is stale iff
it is served by a non-primary replica and t < D. Under read_policy "any" that
is a uniform choice among N replicas: P(consistent | t < D) = 1/N and
P(consistent | t >= D) = 1. At a primary crash the writes committed in the last
D were applied nowhere else: failover loses exactly those.
"""

import math

import pytest

import archsim as sim

from conftest import Z, assert_littles_law, check_fingerprint

D = 0.020  # s


def primary_model(read_policy="primary", replicas=3, failover_after=None, write_rate=500.0, keys=50,
                  replication_delay=D, service_time=0.0) -> sim.Model:
    m = sim.Model("primary")
    db = m.store("db", replicas=replicas, mode="primary", read_policy=read_policy, failover_after=failover_after,
                 replication_delay=replication_delay, service_time=service_time, workers=1000)
    m.client("app", target=db, workload=sim.Open(rate=4 * write_rate), keys=sim.UniformKeys(keys),
             mix={"read": 0.75, "write": 0.25})
    return m


def test_reads_at_the_primary_are_never_stale():
    res = sim.run(primary_model("primary", replication_delay=sim.Exp("50ms"), service_time=sim.Exp("0.2ms")),
                  duration="5s", seed=3, progress=False)
    c = res.consistency("db")
    assert c["reads"] > 5000 and c["committed_writes"] > 2000
    assert c["stale_reads"] == 0 and c["ryw_violations"] == 0 and c["monotonic_violations"] == 0
    assert c["lost_writes"] == 0
    assert_littles_law(res)


def test_reads_from_any_replica_are_stale_exactly_while_the_replication_delay_lasts():
    res = sim.run(primary_model("any"), duration="20s", warmup="1s", seed=4, progress=False)
    vis = res.visibility("db", [0, D, 1.0])
    young, old = vis.iloc[0], vis.iloc[1]
    se = math.sqrt((1 / 3) * (2 / 3) / young.reads)
    assert young.reads > 3000
    assert abs(young.p_consistent - 1 / 3) < Z * se
    assert old.p_consistent == 1.0
    c = res.consistency("db")
    assert c["staleness_max"] <= D
    assert c["stale_read_ratio"] > 0.05
    # one client reading from lagging replicas sees its own writes vanish and time go backwards
    assert c["ryw_violations"] > 0 and c["monotonic_violations"] > 0
    row = res.summary().set_index("component").loc["db"]
    assert row["stale_read_ratio"] == c["stale_read_ratio"]


def test_nearest_replica_reads_go_to_the_replica_in_the_callers_zone():
    m = sim.Model("nearest")
    m.zone("a")
    m.zone("b")
    m.network(same_zone="0.1ms", cross_zone="5ms")
    db = m.store("db", replicas=2, read_policy="nearest", replication_delay=D, workers=100, zones=["a", "b"])
    m.client("app", target=db, workload=sim.Open(rate=400), mix={"read": 0.8, "write": 0.2}, zones="b")
    res = sim.run(m, duration="5s", seed=1, progress=False)
    inst = res.instances("db").set_index("instance")
    ops = res.summary(by_op=True).set_index(["component", "op"])
    # writes go to the primary (db[0], zone a), reads to db[1] in the client's zone b
    assert inst.loc["db[1]", "completed"] == pytest.approx(ops.loc[("db", "read"), "completed"], abs=2)
    assert res.latency("app", "read").max() < 0.001
    assert res.latency("app", "write").percentile(50) > 0.009


def test_failover_loses_the_writes_committed_within_the_replication_delay_before_the_crash():
    model = primary_model("primary", failover_after="1s", write_rate=500.0)
    res = sim.run(model, duration="5s", seed=8, faults=[sim.Crash("db[0]", at="2s", duration="10s")], progress=False)
    c = res.consistency("db")
    # Poisson(500/s * 20ms = 10) writes committed in the last D before the crash
    assert 1 <= c["lost_writes"] <= 30
    ops = res.summary(by_op=True).set_index(["component", "op"])
    # no primary for the 1 s detection delay: about 500 writes refused, then writes resume on db[1]
    refused = ops.loc[("db", "write"), "errors_unavailable"]
    assert abs(refused - 500) < Z * math.sqrt(500)
    inst = res.instances("db").set_index("instance")
    assert inst.loc["db[1]", "completed"] > 1000
    # lost writes are durability failures, not stale reads: reads after the failover are fresh
    assert c["stale_reads"] == 0
    assert res.faults.iloc[0].target == "db[0]"


def test_a_primary_back_before_detection_keeps_its_role_and_loses_nothing():
    res = sim.run(primary_model("primary", failover_after="1s"), duration="4s", seed=8,
                  faults=[sim.Crash("db[0]", at="2s", duration="300ms")], progress=False)
    c = res.consistency("db")
    assert c["lost_writes"] == 0
    assert res.instances("db").set_index("instance").loc["db[1]", "completed"] == 0


def test_a_quorum_store_stays_available_while_a_quorum_of_replicas_is_up():
    def run(crashes):
        m = sim.Model("q")
        kv = m.store("kv", replicas=3, write_quorum=2, read_quorum=2, replication_delay=sim.Exp("2ms"),
                     service_time=sim.Exp("1ms"), workers=8)
        m.client("app", target=kv, workload=sim.Open(rate=500), mix={"read": 0.5, "write": 0.5})
        faults = [sim.Crash(f"kv[{i}]", at="1s", duration="10s") for i in crashes]
        return sim.run(m, duration="3s", seed=2, faults=faults, progress=False)

    one_down = run([2])
    assert one_down.availability("kv") > 0.99
    assert one_down.consistency("kv")["stale_reads"] == 0
    two_down = run([1, 2])
    ops = two_down.summary(by_op=True).set_index(["component", "op"])
    assert ops.loc[("kv", "read"), "errors_unavailable"] > 300  # every request from 1 s on
    assert 0.3 < two_down.availability("kv") < 0.4


def test_read_repair_brings_a_lagging_replica_up_to_date():
    def stale_ratio(repair):
        m = sim.Model("repair")
        # replica 0 answers reads first (no delays) but receives writes 1 s late
        kv = m.store("kv", replicas=3, write_quorum=1, read_quorum=1, read_repair=repair,
                     replication_delay=[1.0, "1ms", "1ms"], workers=100)
        m.client("app", target=kv, workload=sim.Open(rate=1000), keys=sim.UniformKeys(20),
                 mix={"read": 0.9, "write": 0.1})
        return sim.run(m, duration="5s", warmup="1s", seed=6, progress=False).consistency("kv")["stale_read_ratio"]

    without, with_repair = stale_ratio(False), stale_ratio(True)
    assert without > 0.5
    assert with_repair < 0.2 * without


@pytest.mark.parametrize("kwargs,message", [
    (dict(mode="leader"), "mode must be one of primary, quorum"),
    (dict(read_policy="closest"), "read_policy must be one of primary, any, nearest"),
    (dict(write_quorum=4), "write_quorum must be an integer in [1, 3]"),
    (dict(read_quorum=0), "read_quorum must be an integer in [1, 3]"),
    (dict(write_quorum=2, read_policy="any"), "belong to mode 'primary'"),
    (dict(mode="primary", read_repair=True), "belong to mode 'quorum'"),
    (dict(replication_delay=["1ms", "2ms"]), "one per replica (3), got 2"),
    (dict(replicas=0), "replicas must be an integer in [1, 1000]"),
    (dict(failover_after="-1s"), "failover_after"),
])
def test_bad_store_arguments_name_the_field(kwargs, message):
    m = sim.Model("bad")
    with pytest.raises(ValueError, match=None) as e:
        m.store("db", **kwargs)
    assert message in str(e.value)
    assert "store 'db'" in str(e.value)


def test_consistency_of_a_component_that_is_not_checked_names_the_checked_ones():
    m = primary_model()
    svc = m.service("svc")
    m.client("other", target=svc)
    res = sim.run(m, duration="1s", seed=1, progress=False)
    with pytest.raises(KeyError, match="checked: \\['db'\\]"):
        res.consistency("svc")
    with pytest.raises(ValueError, match="increasing"):
        res.visibility("db", [0.1, 0.05])


def test_store_results_are_deterministic_and_pinned():
    model = primary_model("any", replication_delay=sim.Exp("20ms"), service_time=sim.Exp("0.5ms"))
    a = sim.run(model, duration="2s", seed=9, progress=False)
    b = sim.run(model, duration="2s", seed=9, progress=False)
    assert a.fingerprint() == b.fingerprint()
    check_fingerprint("store_primary_any_reads", model, seed=9)


def cached_store_model():
    m = sim.Model("cached-store")
    db = m.store("db", replicas=3, read_policy="any", replication_delay=[0, sim.Exp("20ms"), sim.Exp("50ms")],
                 service_time=sim.Exp("1ms"), workers=4)
    cache = m.cache("db-cache", backend=db, capacity=100, ttl="2s")
    m.client("web", target=cache, workload=sim.Open(rate=200), keys=sim.Zipf(1000, 0.9),
             mix={"read": 0.8, "write": 0.2})
    return m


def test_a_cache_in_front_of_a_store_serves_stale_reads_for_up_to_its_ttl():
    res = sim.run(cached_store_model(), duration="20s", seed=3)
    c = res.consistency("db-cache")
    assert c["store"] == "db" and c["reads"] == res.component("db-cache")["hits"]
    assert c["stale_read_ratio"] > 0.2  # 20 % writes to a few hot keys: cached copies go stale quickly
    assert c["staleness_max"] <= 2.0 + 0.1  # an entry is served at most a TTL after its fill (plus a fetch)
    assert res.consistency("db")["cache_stale_reads"] == c["stale_reads"]


def test_the_report_shows_cache_and_consistency_tables():
    res = sim.run(cached_store_model(), duration="20s", seed=3)
    lines = res.report().splitlines()
    cache_row = next(line for line in lines if line.startswith("db-cache") and "%" in line and "cache" not in line[16:])
    assert f"{res.component('db-cache')['hit_ratio']:.3%}" in cache_row
    start = next(i for i, line in enumerate(lines) if line.startswith("consistency"))
    rows = {line.split()[0]: line for line in lines[start + 2:]}
    assert f"{res.consistency('db-cache')['stale_read_ratio']:.3%}" in rows["db-cache"]
    assert f"{res.consistency('db')['stale_read_ratio']:.3%}" in rows["db"]
    reps = sim.run(cached_store_model(), duration="10s", seed=3, replications=2).report()
    assert "stale reads %" in reps and "hit ratio %" in reps

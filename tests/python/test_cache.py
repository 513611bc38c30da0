"""Caches and shard routers from Python: modes, single-flight, stale-while-revalidate,
warm-up, write-behind loss on a crash, shard load and resharding, bad arguments.

Where an identity holds exactly (every miss is one fetch, every write-behind
write is flushed or lost) the check is exact."""

import pytest

import archsim as sim


def cached(*, rate=500.0, keys=None, mix=None, db_time=0.0, db_workers=1000, **cache_kwargs):
    m = sim.Model("cached")
    db = m.service("db", workers=db_workers, service_time=db_time)
    cache_kwargs.setdefault("capacity", 1000)
    cache = m.cache("cache", backend=db, **cache_kwargs)
    m.client("web", target=cache, workload=sim.Open(rate=rate), keys=keys or sim.Zipf(5000, 0.9),
             mix=mix or {"read": 1.0})
    return m


def test_same_seed_same_fingerprint_and_a_different_seed_differs():
    a = sim.run(cached(ttl="2s"), duration="20s", seed=1)
    b = sim.run(cached(ttl="2s"), duration="20s", seed=1)
    c = sim.run(cached(ttl="2s"), duration="20s", seed=2)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


def test_summary_and_component_report_the_cache_counts():
    res = sim.run(cached(ttl="1s"), duration="20s", warmup="2s", seed=1)
    row = res.component("cache")
    assert row["hits"] + row["misses"] == row["arrivals"]
    assert row["hit_ratio"] == pytest.approx(row["hits"] / row["arrivals"])
    assert 0.3 < row["hit_ratio"] < 1
    assert res.component("db")["arrivals"] == row["misses"]
    df = res.summary()
    assert df.set_index("component").loc["cache", "hit_ratio"] == row["hit_ratio"]
    assert "hit_ratio" not in res.component("db")  # only caches carry cache figures
    s = res.timeseries("cache", "hit_ratio", window="2s")
    assert len(s) == 9 and s.index[0] == 2.0
    assert s.between(0.3, 1).all()


def test_single_flight_coalesces_concurrent_misses_into_one_fetch():
    # One hot key, a 50 ms backend and a 100 ms TTL: without single-flight every read
    # in the 50 ms after an expiry misses and goes to the backend.
    kw = dict(rate=2000, keys=sim.UniformKeys(1), db_time=sim.Const("50ms"), ttl="100ms")
    plain = sim.run(cached(**kw), duration="10s", warmup="1s", seed=4).component("cache")
    flight = sim.run(cached(single_flight=True, **kw), duration="10s", warmup="1s", seed=4)
    sf = flight.component("cache")
    assert plain["coalesced"] == 0
    assert sf["coalesced"] > 0.9 * sf["misses"]
    # Every miss either fetched or joined a fetch: the backend saw exactly the rest.
    assert flight.component("db")["arrivals"] == sf["misses"] - sf["coalesced"]
    assert sf["misses"] - sf["coalesced"] == pytest.approx(9 / 0.150, rel=0.05)  # one fetch per 150 ms cycle
    # A fetch cycle is 50 ms of misses then 100 ms of hits: h = 2/3 either way.
    assert sf["hit_ratio"] == pytest.approx(2 / 3, abs=0.02)


def test_stale_while_revalidate_serves_the_old_entry_while_one_refresh_runs():
    kw = dict(rate=2000, keys=sim.UniformKeys(1), db_time=sim.Const("50ms"), ttl="100ms")
    res = sim.run(cached(stale_while_revalidate="1s", **kw), duration="10s", warmup="1s", seed=4)
    row = res.component("cache")
    assert row["misses"] == 0  # after the first fill, every read is served
    assert row["stale_served"] > 0 and row["refreshes"] > 0
    # One refresh per 150 ms cycle (100 ms fresh, then 50 ms stale while refreshing).
    assert row["refreshes"] == pytest.approx(9 / 0.15, rel=0.05)
    assert res.latency("web").percentile(99) == 0  # nobody waited for the backend


def test_warm_keys_are_hits_from_the_start():
    cold = sim.run(cached(rate=1000, keys=sim.Zipf(10_000, 1.0)), duration="2s", window="1s", seed=3)
    warm = sim.run(cached(rate=1000, keys=sim.Zipf(10_000, 1.0), warm=1000), duration="2s", window="1s", seed=3)
    first_cold = cold.timeseries("cache", "hit_ratio").iloc[0]
    first_warm = warm.timeseries("cache", "hit_ratio").iloc[0]
    assert first_warm > first_cold + 0.1


def test_write_modes_decide_what_a_read_after_a_write_sees():
    mix = {"read": 0.5, "write": 0.5}
    ratios = {}
    for mode in ("read-through", "write-through", "write-invalidate", "cache-aside"):
        res = sim.run(cached(mode=mode, keys=sim.UniformKeys(50), mix=mix), duration="10s", seed=2)
        row = res.component("cache")
        ratios[mode] = row["hit_ratio"]
        assert res.component("db")["arrivals"] == row["misses"] + res.summary(by_op=True).query(
            "component == 'cache' and op == 'write'")["arrivals"].iloc[0]
    # Writes fill (write-through) or keep (read-through) entries; invalidation empties them.
    assert ratios["write-through"] > 0.95 and ratios["read-through"] > 0.95
    assert ratios["write-invalidate"] < 0.7 and ratios["cache-aside"] < 0.7


def test_write_behind_acknowledges_at_once_flushes_in_batches_and_loses_unflushed_writes_on_a_crash():
    m = cached(mode="write-behind", mix={"write": 1.0}, rate=100, flush_delay="10s", flush_batch=10_000)
    res = sim.run(m, duration="30s", seed=6, faults=[sim.Crash("cache[0]", at="5s", duration="1s")])
    row = res.component("cache")
    writes = res.component("web")["completed"]
    assert res.latency("web").max() == 0  # acknowledged without waiting for the backend
    lost_window = res.timeseries("web", "throughput", window="1s").iloc[:5].sum()  # writes accepted before 5 s
    assert row["writes_lost"] == lost_window
    # The rest (after the restart at 6 s) are flushed 10 s after the oldest: at 16 s and 26 s.
    assert row["flushed"] + row["writes_lost"] <= writes
    assert row["flushed"] == res.component("db")["arrivals"] > 0
    assert res.faults.iloc[0]["failed_requests"] == 0  # nothing was waiting on the backend


def test_write_behind_flushes_a_full_batch_at_once():
    m = cached(mode="write-behind", mix={"write": 1.0}, rate=1000, flush_delay="1h", flush_batch=100)
    res = sim.run(m, duration="10s", seed=6)
    row = res.component("cache")
    assert row["flushed"] == 100 * (res.component("web")["completed"] // 100)


def test_a_crashed_cache_fails_reads_waiting_on_fetches_and_restarts_cold():
    m = cached(rate=1000, db_time=sim.Const("20ms"), ttl="10s")
    res = sim.run(m, duration="10s", seed=8, window="1s", faults=[sim.Crash("cache", at="5s", duration="1s")])
    assert res.faults.iloc[0]["failed_requests"] > 0
    assert res.component("web")["errors_unavailable"] > 900  # the second the cache was down
    s = res.timeseries("cache", "hit_ratio")
    assert s.loc[6.0] < s.loc[4.0] - 0.2  # cold after the restart


def shard_model(routing="consistent", shards=None, changes=(), key_space=None, instances=8):
    m = sim.Model("sharded")
    db = m.service("db", instances=instances, workers=100, service_time=sim.Exp("1ms"))
    router = m.shards("users", backend=db, shards=shards, routing=routing, changes=changes, key_space=key_space)
    m.client("web", target=router, workload=sim.Open(rate=2000), keys=sim.Zipf(100_000, 0.99))
    return m


def test_shard_load_sums_to_the_requests_and_a_hot_key_skews_it():
    res = sim.run(shard_model(), duration="10s", warmup="1s", seed=3)
    row = res.component("users")
    load = row["shard_load"]
    assert sorted(load) == list(range(8))
    assert sum(load.values()) == row["arrivals"]
    inst = res.instances("db").set_index("instance")["completed"]
    # Routed after the warm-up vs finished after it: only the few in flight at either end differ.
    assert all(abs(load[i] - inst[f"db[{i}]"]) <= 3 for i in range(8))
    assert row["imbalance"] == pytest.approx(max(load.values()) / (sum(load.values()) / 8))
    # Zipf 0.99 over 10^5 keys: key 0 alone is about 8% of the requests, so its shard carries extra.
    assert row["imbalance"] > 1.2
    uniform = sim.Model("u")
    db = uniform.service("db", instances=8, workers=100, service_time=sim.Exp("1ms"))
    uniform.client("web", target=uniform.shards("users", backend=db, routing="hash"),
                   workload=sim.Open(rate=2000), keys=sim.UniformKeys(100_000))
    assert sim.run(uniform, duration="10s", seed=3).component("users")["imbalance"] < 1.1


def test_adding_a_shard_moves_about_one_in_n_plus_one_keys_only_under_consistent_hashing():
    for routing, expect in (("consistent", 1 / 9), ("hash", 8 / 9)):
        res = sim.run(shard_model(routing, shards=8, instances=9, changes=[sim.AddShard(at="5s")]),
                      duration="10s", seed=3)
        row = res.component("users")
        start, add = row["shard_changes"]
        assert (start["kind"], start["active"]) == ("start", list(range(8)))
        assert (add["kind"], add["shard"], add["at"]) == ("add", 8, 5.0)
        assert add["moved"] == pytest.approx(expect, rel=0.3 if routing == "consistent" else 0.02)
        assert row["shard_load"][8] > 0 and row["shards"] == 9
    res = sim.run(shard_model(changes=[sim.RemoveShard(3, at="5s")]), duration="10s", seed=3)
    remove = res.component("users")["shard_changes"][1]
    assert remove["active"] == [0, 1, 2, 4, 5, 6, 7]
    assert remove["moved"] == pytest.approx(1 / 8, rel=0.3)


def test_range_routing_sends_each_range_to_its_shard():
    res = sim.run(shard_model("range", key_space=100_000, instances=4), duration="5s", seed=3)
    load = res.component("users")["shard_load"]
    assert load[0] > load[1] > load[3]  # Zipf: the low keys are the popular ones


@pytest.mark.parametrize("kwargs, message", [
    (dict(policy="mru"), "policy must be one of lru, lfu, fifo, ttl"),
    (dict(mode="write-around"), "mode must be one of read-through"),
    (dict(capacity=None), "needs capacity"),
    (dict(policy="ttl", ttl="1s"), "leave capacity=None"),
    (dict(ttl_jitter=1.5, ttl="1s"), "ttl_jitter must be a fraction"),
    (dict(ttl=0), "ttl must be > 0"),
    (dict(flush_batch=0), "flush_batch must be an integer"),
    (dict(single_flight="yes"), "single_flight must be True or False"),
])
def test_bad_cache_arguments_are_refused_naming_the_field(kwargs, message):
    m = sim.Model("bad")
    db = m.service("db")
    kwargs.setdefault("capacity", 10)
    with pytest.raises(ValueError, match=message):
        m.cache("c", backend=db, **kwargs)


@pytest.mark.parametrize("build, message", [
    (lambda m, db: m.cache("c", backend=db, policy="ttl"), "policy 'ttl' needs a ttl"),
    (lambda m, db: m.cache("c", backend=db, capacity=10, mode="cache-aside", single_flight=True), "cache-aside"),
    (lambda m, db: m.cache("c", backend=db, capacity=10, warm=20), r"warm \(20\) must be <= capacity \(10\)"),
    (lambda m, db: m.cache("c", backend="dbb", capacity=10), "did you mean 'db'"),
    (lambda m, db: m.shards("c", backend=db, shards=5), r"shards \(5\) must be <= the instances of backend 'db' \(2\)"),
    (lambda m, db: m.shards("c", backend=db, shards=2, changes=[sim.AddShard(at=1)]), "no free instance"),
    (lambda m, db: m.shards("c", backend=db, changes=[sim.RemoveShard(5, at=1)]), "shard 5 is not active"),
    (lambda m, db: m.shards("c", backend=db, changes=[sim.RemoveShard(0, at=1), sim.RemoveShard(1, at=2)]),
     "the last shard cannot be removed"),
])
def test_bad_data_models_are_refused_before_the_run(build, message):
    m = sim.Model("bad")
    db = m.service("db", instances=2)
    target = build(m, db)
    m.client("web", target=target)
    with pytest.raises(ValueError, match=message):
        sim.run(m, duration="1s")


def test_bad_shard_arguments_are_refused_naming_the_field():
    m = sim.Model("bad")
    db = m.service("db", instances=2)
    with pytest.raises(ValueError, match="routing must be one of hash, range, consistent"):
        m.shards("s", backend=db, routing="modulo")
    with pytest.raises(ValueError, match="routing 'range' needs key_space"):
        m.shards("s", backend=db, routing="range")
    with pytest.raises(ValueError, match="vnodes must be an integer"):
        m.shards("s", backend=db, vnodes=0)
    with pytest.raises(ValueError, match="changes must be archsim.AddShard or archsim.RemoveShard"):
        m.shards("s", backend=db, changes=["add"])
    with pytest.raises(ValueError, match="timeseries: 'hit_ratio' is a cache metric"):
        sim.run(shard_model(), duration="1s").timeseries("users", "hit_ratio")


def test_the_architecture_check_knows_caches_and_shard_routers():
    m = sim.Model("checked")
    db = m.service("db", instances=4, service_time=0.001)
    shards = m.shards("users", backend=db, routing="hash")
    cache = m.cache("front", capacity=100, ttl="1s", backend=shards)
    app = m.service("app", service_time=0.001, calls=[sim.Call(cache)])
    m.client("web", target=app, workload=sim.Open(rate=10))
    assert [f for f in sim.check(m) if f.severity == "error"] == []
    path = sim.critical_paths(m).iloc[0]["critical_path"]
    assert "front" in str(path) and "users" in str(path) and "db" in str(path)

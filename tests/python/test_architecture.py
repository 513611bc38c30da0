"""The architecture graph: check, critical paths, fan-out, blast radius and DOT,
on small models whose answers are worked out by hand in each test."""

import pytest

import archsim as sim


def fan_model(wait="all") -> sim.Model:
    """web -> front (1 ms) -> a (2 ms), then in parallel b (3 ms), c (5 ms), d (4 ms)."""
    m = sim.Model("fan")
    a = m.service("a", service_time=sim.Const("2ms"))
    b = m.service("b", service_time=sim.Exp("3ms"))
    c = m.service("c", service_time=sim.Exp("5ms"))
    d = m.service("d", service_time=sim.Exp("4ms"))
    front = m.service("front", workers=8, service_time={"default": sim.Exp("1ms"), "write": sim.Exp("10ms")},
                      calls=[sim.Call(a), sim.Parallel([b, c, d], wait=wait)])
    m.client("web", target=front, mix={"read": 0.9, "write": 0.1})
    return m


def test_a_sound_model_has_no_findings():
    assert sim.check(fan_model()) == []
    assert fan_model().check() == []


def test_missing_target_is_an_error_with_the_nearest_name():
    m = sim.Model("typo")
    db = m.service("orders-db", service_time=sim.Exp("1ms"))
    app = m.service("app", calls=[sim.Call("order-db")])
    m.client("web", target=app)
    findings = sim.check(m)
    assert [(f.severity, f.component) for f in findings] == [("error", "app"), ("warning", "orders-db")]
    assert "target 'order-db' is not a component" in findings[0].message
    assert "did you mean 'orders-db'" in findings[0].message
    assert findings[1].message == "service 'orders-db' is not reached from any client: no request arrives there"
    assert db.name == "orders-db"


def test_cycle_of_synchronous_calls_is_an_error_naming_the_cycle():
    m = sim.Model("loop")
    m.service("a", calls=[sim.Call("b")])
    m.service("b", calls=[sim.Call("c")])
    m.service("c", calls=[sim.Call("a")])
    m.service("self", calls=[sim.Call("self")])
    m.client("web", target="a")
    m.client("other", target="self")
    errors = [f for f in sim.check(m) if f.severity == "error"]
    assert [f.message for f in errors] == ["cycle of synchronous calls: a -> b -> c -> a",
                                           "cycle of synchronous calls: self -> self"]
    with pytest.raises(ValueError, match="cycle of synchronous calls: a -> b -> c -> a"):
        m.critical_paths()


def test_model_level_errors_target_a_client_and_bad_placement():
    m = sim.Model("bad")
    m.service("s", zones=["nowhere"])
    findings = sim.check(m)
    assert [(f.severity, f.component) for f in findings] == [("error", "s"), ("error", None)]
    assert "unknown zone 'nowhere'" in findings[0].message
    assert findings[1].message == "the model has no client: nothing sends requests"
    m2 = sim.Model("client-target")
    m2.client("a", target="b")
    m2.client("b", target="a")
    assert [f.message for f in sim.check(m2)] == [
        "client 'a': target 'b' is a client, which serves no requests",
        "client 'b': target 'a' is a client, which serves no requests"]
    assert "error: client 'a'" in str(sim.check(m2)[0])
    with pytest.raises(ValueError, match="expected an archsim.Model"):
        sim.check("model.yaml")


@pytest.mark.parametrize("wait, path, latency_ms", [
    ("all", ["web", "front", "a", "c"], 1 + 2 + 5),     # waits for the slowest branch, c
    ("first", ["web", "front", "a", "b"], 1 + 2 + 3),   # the fastest, b
    (2, ["web", "front", "a", "d"], 1 + 2 + 4),         # the second fastest, d
])
def test_critical_path_follows_the_branch_a_parallel_step_waits_for(wait, path, latency_ms):
    df = fan_model(wait).critical_paths()
    assert list(df.columns) == ["client", "op", "critical_path", "unloaded_latency", "fan_out", "max_parallel",
                                "depth"]
    read = df[df.op == "read"].iloc[0]
    assert read.critical_path == path
    assert read.unloaded_latency == pytest.approx(latency_ms / 1e3, rel=1e-12)
    # Every branch is sent whatever the step waits for: front, a, b, c, d.
    assert (read.fan_out, read.max_parallel, read.depth) == (5, 3, 2)
    write = df[df.op == "write"].iloc[0]  # the front's own time for writes is 10 ms, not 1 ms
    assert write.unloaded_latency == pytest.approx((latency_ms + 9) / 1e3, rel=1e-12)


def test_fan_out_counts_nested_calls_and_balancers():
    m = sim.Model("nested")
    leaf = m.service("leaf", service_time=sim.Const("1ms"))
    mid = m.service("mid", service_time=sim.Const("1ms"), calls=[sim.Call(leaf), sim.Call(leaf, op="write")])
    top = m.service("top", calls=[sim.Parallel([mid, mid])])
    lb = m.balancer("lb", target=top)
    m.client("web", target=lb)
    row = m.critical_paths().iloc[0]
    # lb, top, 2 x (mid + 2 leaf): 1 + 1 + 2 * 3 = 8 visits; web -> lb -> top -> mid -> leaf: depth 4
    assert (row.fan_out, row.max_parallel, row.depth) == (8, 2, 4)
    assert row.critical_path == ["web", "lb", "top", "mid", "leaf", "leaf"]
    assert row.unloaded_latency == pytest.approx(3e-3)


def placed_model(retry: bool) -> sim.Model:
    """Zones z1, z2 in region r1 and z3 in r2. web and lb in z3; app[0] in z1,
    app[1] in z3; db[0] in z1, db[1] in z2."""
    m = sim.Model("placed")
    m.zone("z1", region="r1")
    m.zone("z2", region="r1")
    m.zone("z3", region="r2")
    db = m.service("db", instances=2, zones=["z1", "z2"], service_time=sim.Exp("1ms"))
    call = sim.Call(db, retry=sim.Retry(attempts=3, backoff="1ms")) if retry else sim.Call(db)
    app = m.service("app", instances=2, zones=["z1", "z3"], workers=4, calls=[call])
    lb = m.balancer("lb", target=app, zones="z3")
    m.client("web", target=lb, zones="z3")
    return m


def test_blast_radius_follows_placement_and_redundancy():
    df = placed_model(retry=False).blast_radius()
    got = {(r.domain_kind, r.domain): r.availability for r in df.itertuples()}
    assert got == pytest.approx({
        ("component", "db"): 0.0, ("component", "app"): 0.0, ("component", "lb"): 0.0, ("component", "web"): 0.0,
        ("host", "db[0]"): 0.5, ("host", "db[1]"): 0.5, ("host", "app[0]"): 0.5, ("host", "app[1]"): 0.5,
        ("host", "lb[0]"): 0.0, ("host", "web[0]"): 0.0,
        ("zone", "z1"): 0.25,  # half the app instances, and of the rest half the db calls
        ("zone", "z2"): 0.5, ("zone", "z3"): 0.0,
        ("region", "r1"): 0.0,  # both db instances
        ("region", "r2"): 0.0,  # the client itself
    })
    assert set(df[df.availability == 0].impact) == {"down"}
    assert set(df[df.availability > 0].impact) == {"degraded"}
    assert list(df[df.domain_kind == "zone"].domain) == ["z1", "z2", "z3"]  # declaration order
    assert list(placed_model(False).blast_radius(kind="region").domain) == ["r1", "r2"]
    with pytest.raises(ValueError, match="kind must be one of component, host, zone, region"):
        placed_model(False).blast_radius(kind="rack")


def test_retries_on_unavailable_recover_part_of_a_degraded_dependency():
    df = placed_model(retry=True).blast_radius(kind="zone")
    got = dict(zip(df.domain, df.availability))
    # db half down: each of 3 attempts fails with probability 1/2 -> 1 - 1/8.
    assert got["z2"] == pytest.approx(1 - 0.5**3)
    assert got["z1"] == pytest.approx(0.5 * (1 - 0.5**3))


def test_quorum_step_survives_while_enough_branches_do():
    m = sim.Model("quorum")
    m.zone("z1")
    m.zone("z2")
    m.zone("z3")
    replicas = [m.service(f"r{i}", zones=f"z{i}") for i in (1, 2, 3)]
    store = m.service("store", workers=4, zones="z1", calls=[sim.Parallel(replicas, wait=2)])
    m.client("web", target=store, zones="z1")
    df = m.blast_radius(kind="component")
    # One replica down: 2 of the 3 still answer, the quorum holds, so no row for r1..r3.
    assert list(df.domain) == ["store", "web"]
    zones = m.blast_radius(kind="zone")
    assert list(zones.domain) == ["z1"]  # z2 or z3 alone leaves 2 replicas


def test_dot_export_names_every_component_and_call():
    dot = fan_model(wait=2).to_dot()
    assert dot.startswith("digraph G {\nrankdir=LR;\n")
    for line in ('0[label="a\\nservice 1x1", shape=box];', '4[label="front\\nservice 1x8", shape=box];',
                 '5[label="web\\nclient", shape=ellipse];', '4->0 [label="1."];', '4->2 [label="2. 2 of 3"];',
                 '5->4 ;'):
        assert line in dot, line
    assert sim.to_dot(fan_model()) == fan_model().to_dot()
    m = sim.Model("broken")
    m.service("s", calls=[sim.Call("missing")])
    m.client("web", target="s")
    assert "->" in m.to_dot() and "missing" not in m.to_dot()  # the missing target's edge is left out

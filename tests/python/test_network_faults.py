"""Partitions and extra link latency between groups of sites.

Setup of most tests: the client and the app in zone-a, two db instances, one
per zone, called round robin, so exactly half of the app's calls cross from
zone-a to zone-b. No network latency is configured, so a crossing costs only
what a fault adds: with a constant 1 ms db service time every latency below is
exact, up to the histogram's 0.4 % resolution.
"""

import pytest

import archsim as sim


def two_zones(rate=200.0):
    m = sim.Model("zones")
    m.zone("zone-a")
    m.zone("zone-b")
    db = m.service("db", instances=2, workers=64, service_time=sim.Const("1ms"), zones=["zone-a", "zone-b"])
    app = m.service("app", workers=64, calls=[sim.Call(db)], zones="zone-a")
    m.client("web", target=app, workload=sim.Open(rate=rate), zones="zone-a")
    return m


def test_a_partition_loses_the_calls_that_cross_it_and_logs_them():
    r = sim.run(two_zones(), duration="30s", seed=1, progress=False,
                faults=[sim.Partition("zone-a", "zone-b", at="10s", duration="10s")])
    app = r.component("app")
    # Half of the calls for a third of the run; each lost request comes back as "dropped".
    assert app["errors"] == app["errors_dropped"]
    assert app["errors_dropped"] / app["arrivals"] == pytest.approx(0.5 * 10 / 30, abs=0.01)
    log = r.faults.iloc[0]
    assert (log.kind, log.target, log.start, log.end) == ("partition", "zone-a | zone-b", 10.0, 20.0)
    assert log.affected == app["errors_dropped"]  # one lost message per failed call
    tput = r.timeseries("db", "throughput", window="10s")
    assert tput.loc[10.0] == pytest.approx(tput.loc[0.0] / 2, rel=0.1)  # db[1] got nothing
    assert r.availability("web") == pytest.approx(1 - 0.5 * 10 / 30, abs=0.01)


def test_a_one_way_partition_lets_requests_through_but_loses_their_replies():
    # Messages from db[1] to the app are lost, not the other way: db[1] does the work.
    r = sim.run(two_zones(), duration="20s", seed=2, progress=False,
                faults=[sim.Partition(a="db[1]", b="app", one_way=True)])
    db = r.instances("db").set_index("instance")
    assert db.loc["db[1]", "completed"] == pytest.approx(db.loc["db[0]", "completed"], rel=0.01)
    assert r.component("db")["errors"] == 0
    app = r.component("app")
    assert app["errors_dropped"] == db.loc["db[1]", "completed"]
    assert r.faults.target[0] == "db[1] -> app"


def test_link_latency_adds_its_delay_to_both_directions_of_a_crossing():
    r = sim.run(two_zones(), duration="30s", seed=3, progress=False,
                faults=[sim.LinkLatency("zone-a", "zone-b", latency="50ms", at="10s", duration="10s")])
    p90 = r.timeseries("app", "p90", window="10s")
    mean = r.timeseries("app", "mean", window="10s")
    res = 2 ** -5  # the time-series histograms' resolution
    assert p90.loc[0.0] == pytest.approx(0.001, rel=res)
    assert p90.loc[10.0] == pytest.approx(0.101, rel=res)  # 50 ms there, 1 ms service, 50 ms back
    assert p90.loc[20.0] == pytest.approx(0.001, rel=res)
    # round robin alternates: exactly half of the calls cross, the others stay in zone-a
    assert mean.loc[10.0] == pytest.approx((0.001 + 0.101) / 2, rel=res)
    crossing = r.timeseries("db", "throughput", window="10s").loc[10.0] * 10 / 2
    assert r.faults.affected[0] == pytest.approx(2 * crossing, rel=0.05)  # request and reply


def test_a_link_latency_distribution_is_drawn_per_message():
    r = sim.run(two_zones(rate=500), duration="20s", seed=4, progress=False,
                faults=[sim.LinkLatency("zone-a", "zone-b", latency=sim.Exp("10ms"))])
    # A crossing call takes 1 ms + the sum of two Exp(10 ms) draws: mean 21 ms; overall mean 11 ms.
    assert r.latency("app").mean() == pytest.approx(0.011, rel=0.03)


def test_partitions_are_deterministic_and_change_the_fingerprint():
    faults = [sim.Partition(["zone-a"], ["zone-b"], at="2s", duration="1s"),
              sim.LinkLatency("zone-a", "zone-b", latency=sim.Exp("5ms"), at="5s")]
    a = sim.run(two_zones(), duration="10s", seed=5, progress=False, faults=faults)
    b = sim.run(two_zones(), duration="10s", seed=5, progress=False, faults=faults)
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != sim.run(two_zones(), duration="10s", seed=5, progress=False).fingerprint()


@pytest.mark.parametrize("fault,match", [
    (sim.Partition("zone-q", "zone-b"), "no zone, region, host, component or instance is named 'zone-q'.*zone-a"),
    (sim.Partition("zone-a", ["zone-b", "db[0]"]), "in both groups"),
    (sim.Partition("app", "db[7]"), "instances 0 to 1"),
    (sim.Partition("zone-a", "zone-c"), "no instance runs in \\[zone-c\\]: it can never fire"),
    (sim.LinkLatency("zone-a", "zone-b", at="1m"), "can never fire"),
])
def test_a_network_fault_that_can_never_fire_is_an_error_before_the_run(fault, match):
    m = two_zones()
    m.zone("zone-c")
    with pytest.raises(ValueError, match=match):
        sim.run(m, duration="10s", faults=[fault])


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.Partition([], "zone-b"), "Partition.a"),
    (lambda: sim.Partition("zone-a", 3), "Partition.b"),
    (lambda: sim.Partition("zone-a", "zone-b", one_way="yes"), "one_way"),
    (lambda: sim.LinkLatency("zone-a", "zone-b", latency="fast"), "LinkLatency.latency"),
    (lambda: sim.LinkLatency("zone-a", "zone-b", duration=0), "LinkLatency.duration"),
])
def test_bad_network_fault_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()

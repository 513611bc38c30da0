"""Behaviour of the request path from Python: queues and limits, service time per
operation, sequential and parallel calls, balancing strategies, placement and
network, workloads (open, scheduled, bursty, closed), deadlines, tenants, the
operation mix and key choosers.

Statistical checks allow 5 standard deviations; where a closed form gives the
exact answer (constant service times, no network) the check is exact.
"""

import math

import numpy as np
import pytest

import archsim as sim


def one_service(*, rate=200.0, workload=None, client_kwargs=None, **service_kwargs):
    """web -> svc; returns the model."""
    m = sim.Model("one")
    svc = m.service("svc", **service_kwargs)
    m.client("web", target=svc, workload=workload or sim.Open(rate=rate), **(client_kwargs or {}))
    return m


def row(result, name, op="all"):
    df = result.summary(by_op=op != "all")
    return df[(df.component == name) & (df.op == op)].iloc[0]


def finished(result, name):
    r = row(result, name)
    return r["completed"] + r["errors"]


def binomial_ok(count, n, p, sigmas=5.0):
    """count ~ Binomial(n, p) within `sigmas` standard deviations."""
    return abs(count - n * p) <= sigmas * math.sqrt(n * p * (1 - p))


# -- queues -------------------------------------------------------------------

def test_queue_limit_rejects_and_counts_the_rejections_when_overloaded():
    # M/M/1/K: one worker, queue_limit 5 -> K = 6 in the system. With offered load
    # rho = lambda/mu = 2, an arrival finds the system full (and is rejected, by PASTA)
    # with probability P_K = (1 - rho) rho^K / (1 - rho^(K+1))  (Gross & Harris,
    # "Fundamentals of Queueing Theory", 2.5) = 64/127 ~ 0.504.
    m = one_service(rate=200, workers=1, queue_limit=5, service_time=sim.Exp("10ms"))
    r = sim.run(m, duration="60s", warmup="2s", seed=3)
    svc, web = row(r, "svc"), row(r, "web")
    rho, K = 2.0, 6
    p_block = (1 - rho) * rho**K / (1 - rho ** (K + 1))
    n = svc["completed"] + svc["errors"]
    assert svc["errors_rejected"] == svc["errors"] > 0
    assert svc["errors_rejected"] / n == pytest.approx(p_block, abs=0.03)
    # The client sees each rejection as a failed request of the same kind.
    assert web["errors_rejected"] == svc["errors_rejected"]
    assert web["availability"] == pytest.approx(1 - p_block, abs=0.03)
    # Never more than 5 waiting: the time-averaged queue stays below the limit.
    assert 0 < svc["mean_queue"] < 5


def test_without_a_queue_limit_nothing_is_rejected():
    m = one_service(rate=200, workers=1, service_time=sim.Exp("4ms"))
    r = sim.run(m, duration="20s", seed=3)
    assert row(r, "svc")["errors"] == 0
    assert row(r, "web")["availability"] == 1.0


def test_queue_limit_zero_rejects_whenever_every_worker_is_busy():
    # Erlang's loss system M/M/c/c with c = 1: blocking = rho / (1 + rho) (Erlang B).
    m = one_service(rate=100, workers=1, queue_limit=0, service_time=sim.Exp("10ms"))
    r = sim.run(m, duration="60s", seed=4)
    svc = row(r, "svc")
    assert svc["mean_queue"] == 0
    assert svc["errors_rejected"] / (svc["completed"] + svc["errors"]) == pytest.approx(0.5, abs=0.03)


# -- service time per operation -------------------------------------------------

def test_service_time_per_operation_gives_each_op_its_own_latency():
    m = one_service(rate=100, workers=50,
                    service_time={"read": sim.Const("1ms"), "write": sim.Const("5ms"), "default": "2ms"},
                    client_kwargs={"mix": {"read": 0.5, "write": 0.3, "scan": 0.2}})
    r = sim.run(m, duration="10s", seed=1)
    by_op = r.summary(by_op=True)
    svc = by_op[by_op.component == "svc"].set_index("op")
    assert svc.loc["read", "mean"] == pytest.approx(0.001, rel=1e-9)
    assert svc.loc["write", "mean"] == pytest.approx(0.005, rel=1e-9)
    assert svc.loc["scan", "mean"] == pytest.approx(0.002, rel=1e-9)  # "default" covers other ops
    assert svc.loc["write", "max"] == pytest.approx(0.005, rel=0.01)
    assert r.latency("web", "read").mean() == pytest.approx(0.001, rel=1e-9)
    assert r.latency("web", "write").mean() == pytest.approx(0.005, rel=1e-9)


def test_service_time_per_operation_with_distributions():
    m = one_service(rate=200, workers=50, service_time={"read": sim.Exp("1ms"), "write": sim.Exp("8ms")},
                    client_kwargs={"mix": {"read": 0.8, "write": 0.2}})
    r = sim.run(m, duration="20s", seed=2)
    read, write = r.latency("svc", "read"), r.latency("svc", "write")
    # Exponential: the mean of n draws has relative standard deviation 1/sqrt(n).
    assert read.mean() == pytest.approx(0.001, rel=5 / math.sqrt(read.count))
    assert write.mean() == pytest.approx(0.008, rel=5 / math.sqrt(write.count))


# -- calls ----------------------------------------------------------------------

def fan_model(calls, own="1ms", downstream=("2ms", "5ms", "3ms"), rate=100):
    """web -> front -> (b, c, d) with constant service times and no network."""
    m = sim.Model("fan")
    refs = [m.service(name, workers=100, service_time=sim.Const(t)) for name, t in zip("bcd", downstream)]
    front = m.service("front", workers=100, service_time=sim.Const(own), calls=calls(refs))
    m.client("web", target=front, workload=sim.Open(rate=rate))
    return m


def web_mean(calls, **kw):
    r = sim.run(fan_model(calls, **kw), duration="5s", seed=1)
    h = r.latency("web")
    assert h.count > 300
    return h.mean(), h.max(), r


def test_a_sequence_of_calls_adds_their_latencies():
    mean, worst, r = web_mean(lambda refs: [sim.Call(refs[0]), sim.Call(refs[1])])
    assert mean == pytest.approx(0.001 + 0.002 + 0.005, rel=1e-9)
    assert worst == pytest.approx(0.008, rel=0.01)
    assert row(r, "d")["arrivals"] == 0  # not called
    # Every front request called b then c (one may still be in flight when the run ends).
    front = row(r, "front")["completed"]
    assert front <= row(r, "c")["completed"] <= row(r, "b")["completed"] <= front + 1


def test_parallel_wait_all_takes_the_slowest_and_first_the_fastest():
    calls = lambda wait: (lambda refs: [sim.Parallel(refs, wait=wait)])  # noqa: E731
    all_, _, _ = web_mean(calls("all"))
    first, _, _ = web_mean(calls("first"))
    k1, _, _ = web_mean(calls(1))
    k2, _, _ = web_mean(calls(2))
    k3, _, _ = web_mean(calls(3))
    assert all_ == pytest.approx(0.001 + 0.005, rel=1e-9)
    assert first == pytest.approx(0.001 + 0.002, rel=1e-9)
    assert k1 == pytest.approx(first, rel=1e-12)
    assert k2 == pytest.approx(0.001 + 0.003, rel=1e-9)  # second fastest of 2, 5, 3 ms
    assert k3 == pytest.approx(all_, rel=1e-12)


def test_parallel_calls_then_a_sequential_call():
    mean, _, _ = web_mean(lambda refs: [sim.Parallel(refs[:2]), sim.Call(refs[2])])
    assert mean == pytest.approx(0.001 + 0.005 + 0.003, rel=1e-9)


def test_parallel_wait_modes_match_order_statistics_of_exponentials():
    # For n i.i.d. Exp(mean m) the k-th smallest has mean m * sum_{i=n-k+1}^{n} 1/i
    # (Renyi's representation; David & Nagaraja, "Order Statistics", 2.5).
    def model(wait):
        m = sim.Model("os")
        refs = [m.service(f"s{i}", workers=200, service_time=sim.Exp("10ms")) for i in range(3)]
        front = m.service("front", workers=200, calls=[sim.Parallel(refs, wait=wait)])
        m.client("web", target=front, workload=sim.Open(rate=400))
        return m

    means = {}
    for wait in ("first", 2, "all"):
        h = sim.run(model(wait), duration="10s", seed=8).latency("web")
        means[wait] = (h.mean(), h.count)
    for wait, k in (("first", 1), (2, 2), ("all", 3)):
        expected = 0.010 * sum(1 / i for i in range(3 - k + 1, 4))
        mean, n = means[wait]
        # The k-th order statistic has a standard deviation below 10 ms; 5 sigma of the mean.
        assert mean == pytest.approx(expected, abs=5 * 0.010 / math.sqrt(n)), wait
    assert means["first"][0] < means[2][0] < means["all"][0]


# -- balancers ------------------------------------------------------------------

def balanced(strategy, *, rate, duration, service_time=sim.Exp("10ms"), seed=3):
    m = sim.Model("lb")
    svc = m.service("svc", instances=4, workers=1, service_time=service_time)
    lb = m.balancer("lb", target=svc, strategy=strategy)
    m.client("web", target=lb, workload=sim.Open(rate=rate))
    return sim.run(m, duration=duration, seed=seed)


def test_round_robin_spreads_completions_evenly_over_four_instances():
    r = balanced("round_robin", rate=100, duration="20s", service_time=sim.Const("1ms"))
    inst = r.instances("svc")
    assert list(inst.instance) == ["svc[0]", "svc[1]", "svc[2]", "svc[3]"]
    counts = inst.completed.to_numpy()
    assert counts.sum() == row(r, "svc")["completed"]
    assert counts.sum() > 1500
    assert counts.max() - counts.min() <= 1
    # Random picks are binomial: not this even.
    spread = balanced("random", rate=100, duration="20s", service_time=sim.Const("1ms")).instances("svc").completed
    assert spread.max() - spread.min() > 5


def test_least_outstanding_and_p2c_beat_random_on_p99_under_high_load():
    # 4 x M/M/1 at rho = 0.9. Random splitting leaves four independent M/M/1 queues,
    # whose response time is Exp(mean 1/(mu - lambda)) = 100 ms: p99 = 460 ms.
    # Joining the shortest queue (or the shorter of two) is far better.
    p99 = {s: row(balanced(s, rate=360, duration="1000s"), "web")["p99"]
           for s in ("random", "least_outstanding", "p2c")}
    assert p99["random"] == pytest.approx(-math.log(0.01) * 0.100, rel=0.2)
    assert p99["least_outstanding"] < 0.6 * p99["random"]
    assert p99["p2c"] < 0.7 * p99["random"]


def test_a_client_can_balance_over_instances_itself():
    m = sim.Model("direct")
    svc = m.service("svc", instances=3, service_time=sim.Const("1ms"))
    m.client("web", target=svc, strategy="round_robin", workload=sim.Open(rate=90))
    counts = sim.run(m, duration="10s", seed=1).instances("svc").completed
    assert counts.max() - counts.min() <= 1


# -- placement and network ------------------------------------------------------

def placed(*, network=None, client=None, service=None, zones=(("z1", "r1"),), hosts=(), balancer=None, seed=5,
           duration="20s", **svc_kwargs):
    m = sim.Model("placed")
    for z, region in zones:
        m.zone(z, region)
    for h, z in hosts:
        m.host(h, z)
    if network:
        m.network(**network)
    svc = m.service("svc", workers=100, service_time=svc_kwargs.pop("service_time", sim.Exp("2ms")),
                    **(service or {}))
    target = svc
    if balancer is not None:
        target = m.balancer("lb", target=svc, **balancer)
    m.client("web", target=target, workload=sim.Open(rate=300), **(client or {}))
    return sim.run(m, duration=duration, seed=seed)


def added_latency(r):
    """Mean client latency minus mean service latency: the network's share."""
    return r.latency("web").mean() - r.latency("svc").mean()


def test_services_on_the_same_host_cross_no_network():
    net = {"same_zone": sim.Exp("1ms"), "same_zone_loss": 0.5}
    baseline = placed()
    together = placed(network=net, hosts=[("h1", "z1")], client={"hosts": "h1"}, service={"hosts": ["h1"]})
    for col in ("completed", "mean", "p50", "p99", "max", "errors"):
        assert row(together, "web")[col] == row(baseline, "web")[col], col
    assert added_latency(together) == 0


def test_separate_hosts_in_one_zone_pay_the_same_zone_latency_each_way():
    # Request and reply each cross one same-zone hop: the client sees 2 x 1 ms more on average.
    r = placed(network={"same_zone": sim.Exp("1ms")}, hosts=[("h1", "z1"), ("h2", "z1")],
               client={"hosts": "h1"}, service={"hosts": "h2"})
    n = r.latency("web").count
    # Two exponential hops: standard deviation sqrt(2) ms per request.
    assert added_latency(r) == pytest.approx(0.002, abs=5 * math.sqrt(2) * 0.001 / math.sqrt(n))


def test_a_balancer_on_its_own_host_adds_two_more_hops():
    r = placed(network={"same_zone": sim.Const("1ms")}, hosts=[("h1", "z1"), ("h2", "z1"), ("h3", "z1")],
               client={"hosts": "h1"}, balancer={"hosts": "h2"}, service={"hosts": "h3"},
               service_time=sim.Const("2ms"))
    assert added_latency(r) == pytest.approx(0.004, rel=1e-9)
    co_located = placed(network={"same_zone": sim.Const("1ms")}, hosts=[("h1", "z1"), ("h3", "z1")],
                        client={"hosts": "h1"}, balancer={"hosts": "h1"}, service={"hosts": "h3"},
                        service_time=sim.Const("2ms"))
    assert added_latency(co_located) == pytest.approx(0.002, rel=1e-9)


LEVELS = {"same_zone": sim.Const("1ms"), "cross_zone": sim.Const("5ms"), "cross_region": sim.Const("40ms")}
THREE_ZONES = (("z1", "r1"), ("z2", "r1"), ("z3", "r2"))


@pytest.mark.parametrize("client_zone, service_zone, one_way", [
    ("z1", "z1", 0.001),  # two spread hosts in one zone
    ("z1", "z2", 0.005),  # cross-zone, same region
    ("z1", "z3", 0.040),  # cross-region
    ("z3", "z2", 0.040),
])
def test_zones_placement_pays_the_level_between_the_zones(client_zone, service_zone, one_way):
    r = placed(network=LEVELS, zones=THREE_ZONES, client={"zones": [client_zone]}, service={"zones": service_zone},
               service_time=sim.Const("2ms"), duration="5s")
    assert added_latency(r) == pytest.approx(2 * one_way, rel=1e-9)
    hosts = r.instances("svc").host.tolist()
    assert len(hosts) == 1 and hosts[0] != r.instances("web").host.iloc[0]


def test_an_explicit_link_reroutes_across_regions_by_the_shortest_mean_path():
    zones = (("za", "A"), ("zb", "B"), ("zc", "C"))
    net = {"cross_region": sim.Const("100ms"),
           "links": [sim.Link("za", "zc", latency="5ms"), sim.Link("C", "B", latency=sim.Const("7ms"))]}
    r = placed(network=net, zones=zones, client={"zones": "za"}, service={"zones": "zb"},
               service_time=sim.Const("2ms"), duration="5s")
    assert added_latency(r) == pytest.approx(2 * (0.005 + 0.007), rel=1e-9)


def test_instances_spread_over_the_given_zones():
    r = placed(network=LEVELS, zones=THREE_ZONES, client={"zones": "z1"},
               service={"instances": 4, "zones": ["z1", "z2"]}, service_time=sim.Const("2ms"), duration="5s")
    # Round-robin over instances in z1, z2, z1, z2: half the requests pay 1 ms each way, half 5 ms.
    assert added_latency(r) == pytest.approx(0.5 * 0.002 + 0.5 * 0.010, rel=0.01)
    assert r.instances("svc").host.nunique() == 4


def test_network_loss_drops_about_the_loss_fraction_per_hop():
    p = 0.1
    r = placed(network={"same_zone": sim.Const("1ms"), "same_zone_loss": p}, hosts=[("h1", "z1"), ("h2", "z1")],
               client={"hosts": "h1"}, service={"hosts": "h2"})
    web, svc = row(r, "web"), row(r, "svc")
    n = web["completed"] + web["errors"]
    # A request is dropped on the way there (p) or on the way back ((1 - p) p).
    assert binomial_ok(web["errors_dropped"], n, 1 - (1 - p) ** 2)
    assert web["errors"] == web["errors_dropped"]
    # The service only sees what survived the first hop, and succeeds at all of it.
    assert binomial_ok(svc["arrivals"], web["arrivals"], 1 - p)
    assert svc["errors"] == 0


def test_loss_on_a_link_only_affects_routes_over_it():
    zones = (("z1", "r1"), ("z2", "r1"))
    net = {"cross_zone": sim.Const("1ms"), "links": [sim.Link("z1", "z2", latency="1ms", loss=1.0)]}
    lost = placed(network=net, zones=zones, client={"zones": "z1"}, service={"zones": "z2"}, duration="5s")
    assert row(lost, "web")["completed"] == 0
    assert row(lost, "web")["errors_dropped"] > 0
    kept = placed(network=net, zones=zones, client={"zones": "z1"}, service={"zones": "z1"}, duration="5s")
    assert row(kept, "web")["errors"] == 0


# -- workloads ------------------------------------------------------------------

def test_closed_workload_obeys_the_interactive_response_time_law():
    # X = N / (R + Z) for N users with mean think time Z and mean response time R
    # (Denning & Buzen 1978; Lazowska et al., "Quantitative System Performance", 3.3).
    users, think = 10, 0.050
    m = one_service(workload=sim.Closed(users=users, think=sim.Exp(think)), workers=2,
                    service_time=sim.Exp("10ms"))
    r = sim.run(m, duration="60s", warmup="2s", seed=6)
    web = row(r, "web")
    X, R = web["throughput"], web["mean"]
    assert X == pytest.approx(users / (R + think), rel=0.02)
    # Contention is real here: R is well above the bare service time.
    assert R > 0.012


def test_closed_workload_without_contention_cycles_at_n_over_r_plus_z():
    m = one_service(workload=sim.Closed(users=10, think="80ms"), workers=100, service_time=sim.Const("20ms"))
    r = sim.run(m, duration="10s", seed=1)
    web = row(r, "web")
    assert web["mean"] == pytest.approx(0.020, rel=1e-9)
    # Each user completes one request per 100 ms: 100 per user over 10 s.
    assert web["completed"] == 1000
    assert web["throughput"] == pytest.approx(100.0)


def test_open_schedule_changes_the_throughput_per_window():
    m = one_service(workload=sim.Open(rate=100, schedule=[("4s", 400)]), workers=100,
                    service_time=sim.Const("1ms"))
    r = sim.run(m, duration="8s", seed=2)
    ts = r.timeseries("web", "throughput", window="1s")
    assert len(ts) == 8
    before, after = ts[ts.index < 4], ts[ts.index >= 4]
    for value in before:
        assert abs(value - 100) < 5 * 10
    for value in after:
        assert abs(value - 400) < 5 * 20
    assert abs(before.sum() - 400) < 5 * 20
    assert abs(after.sum() - 1600) < 5 * 40


@pytest.mark.parametrize("burst", [sim.Burst(at="3s", duration="2s", factor=5),
                                   sim.Burst(at="3s", duration="2s", rate=500)])
def test_a_burst_raises_the_rate_only_during_its_window(burst):
    m = one_service(workload=sim.Open(rate=100, bursts=[burst]), workers=100, service_time=sim.Const("1ms"))
    ts = sim.run(m, duration="8s", seed=3).timeseries("web", "throughput")
    for t, value in ts.items():
        expected = 500 if 3 <= t < 5 else 100
        assert abs(value - expected) < 5 * math.sqrt(expected), t


def test_a_deadline_turns_late_replies_into_timeouts():
    # Service time Uniform(0, 20 ms) with no queueing: P(reply later than 15 ms) = 1/4.
    m = one_service(rate=500, workers=1000, service_time=sim.Uniform("0ms", "20ms"),
                    client_kwargs={"deadline": "15ms"})
    r = sim.run(m, duration="10s", seed=4)
    web, svc = row(r, "web"), row(r, "svc")
    n = web["completed"] + web["errors"]
    assert web["errors"] == web["errors_timeout"]
    assert binomial_ok(web["errors_timeout"], n, 0.25)
    assert web["max"] <= 0.015 * 1.01  # successes all arrived in time
    # The service does not know about the deadline: it succeeded at everything.
    assert svc["errors"] == 0
    assert svc["completed"] == n


def test_a_reply_exactly_at_the_deadline_is_in_time():
    on_time = sim.run(one_service(rate=100, workers=100, service_time=sim.Const("15ms"),
                                  client_kwargs={"deadline": "15ms"}), duration="2s", seed=1)
    late = sim.run(one_service(rate=100, workers=100, service_time=sim.Const("15ms"),
                               client_kwargs={"deadline": "14999us"}), duration="2s", seed=1)
    assert row(on_time, "web")["errors"] == 0
    assert row(late, "web")["completed"] == 0
    assert row(late, "web")["errors_timeout"] == row(on_time, "web")["completed"] > 100


def test_without_a_deadline_nothing_times_out():
    m = one_service(rate=500, workers=1000, service_time=sim.Uniform("0ms", "20ms"))
    assert row(sim.run(m, duration="5s", seed=4), "web")["errors"] == 0


def test_tenants_are_accepted_and_do_not_change_an_architecture_without_tenant_policies():
    base = sim.run(one_service(rate=300, workers=2, service_time=sim.Exp("5ms")), duration="10s", seed=9)
    tenants = sim.run(one_service(rate=300, workers=2, service_time=sim.Exp("5ms"), client_kwargs={"tenants": 8}),
                      duration="10s", seed=9)
    pd_cols = ["arrivals", "completed", "mean", "p99"]
    assert base.summary()[pd_cols].equals(tenants.summary()[pd_cols])


def test_mix_proportions_of_ops_match_the_weights():
    mix = {"read": 6, "write": 3, "scan": 1, "never": 0}
    m = one_service(rate=2000, workers=100, service_time="1ms", client_kwargs={"mix": mix})
    r = sim.run(m, duration="5s", seed=7)
    by_op = r.summary(by_op=True)
    web = by_op[(by_op.component == "web") & (by_op.op != "all")].set_index("op")
    total = web.arrivals.sum()
    assert total == row(r, "web")["arrivals"]
    assert set(web.index) == {"read", "write", "scan"}  # weight 0: never sent
    for op, w in (("read", 0.6), ("write", 0.3), ("scan", 0.1)):
        assert binomial_ok(web.loc[op, "arrivals"], total, w), op


def test_zipf_keys_are_accepted():
    m = one_service(rate=500, workers=10, service_time=sim.Exp("1ms"),
                    client_kwargs={"keys": sim.Zipf(10**8, 1.1)})
    r = sim.run(m, duration="2s", seed=1)
    assert r.requests_completed > 800
    assert row(r, "web")["errors"] == 0


def test_same_seed_same_fingerprint_for_a_composed_model():
    def run(seed):
        m = sim.Model("composed")
        m.zone("z1")
        m.zone("z2")
        m.network(same_zone=sim.Exp("200us"), cross_zone=sim.Exp("1ms"), cross_zone_loss=0.001)
        db = m.service("db", instances=2, workers=4, queue_limit=10, service_time=sim.Exp("2ms"))
        cache = m.service("cache", workers=8, service_time=sim.Exp("300us"))
        app = m.service("app", instances=3, workers=8, service_time={"read": sim.Exp("1ms"), "write": "3ms"},
                        calls=[sim.Call(cache), sim.Parallel([sim.Call(db, strategy="p2c"), sim.Call(db)], wait=1)])
        lb = m.balancer("lb", target=app, strategy="least_outstanding")
        m.client("web", target=lb, workload=sim.Open(rate=800, bursts=[sim.Burst(at="1s", duration="1s", factor=2)]),
                 mix={"read": 0.9, "write": 0.1}, deadline="50ms", keys=sim.Zipf(1000, 0.9), tenants=3)
        return sim.run(m, duration="3s", warmup="500ms", seed=seed).fingerprint()

    assert run(1) == run(1)
    assert run(1) != run(2)

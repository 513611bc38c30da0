"""Validation: model.analyze() against simulation, on an open and a closed network.

Open. Poisson(600/s) -> balancer (random) -> front (2 instances, unbounded
workers, no own time) whose steps call db, then cache (2 single-worker
instances, picked at random), then db again (op "write", same service time).
This is an open BCMP network (Baskett, Chandy, Muntz & Palacios 1975; Kleinrock
Vol. 1 section 4.8 for Jackson's theorem): FCFS exponential stations with one
service rate for every class and deterministic routes (front -> db -> cache ->
db -> out), so each station behaves in the mean as an M/M/c queue at its total
arrival rate: db M/M/3 at 1200/s with S = 2 ms (utilisation 0.8), each cache
instance M/M/1 at 300/s with S = 2 ms (a random split of a Poisson stream is
Poisson); the front holds a worker for the whole route, an M/G/inf station
whose mean sojourn is its mean holding time (insensitivity). End-to-end mean:
2 R_db + R_cache, with R from Erlang C (Gross & Harris, Fundamentals of
Queueing Theory, 4th ed., section 2.3).

Closed. Closed(N = 12 users, think Exp(40 ms)) -> front (12 workers: never all
busy) calling A (one worker, Exp(5 ms)) then B (2 single-worker instances
picked at random, Exp(6 ms)). A closed product-form network: a delay station
(think), A, and B[0], B[1] with visit ratio 1/2 each; exact MVA (Reiser &
Lavenberg 1980; Lazowska et al., Quantitative System Performance, 1984,
chapter 6) gives throughput and residence times.

Both compare simulation with ``model.analyze()`` within batch-means standard
errors (conftest.py), check ``analyze``'s numbers against the closed forms
above, and check ``Result.compare``.
"""

import math

import pytest

import archsim as sim
from archsim import analytic
from conftest import Estimate, check_fingerprint, figure, mean_latency, simulate, throughput

RATE = 600.0
S = 0.002


def open_model() -> sim.Model:
    m = sim.Model("analyze-open")
    db = m.service("db", workers=3, service_time=sim.Exp(S))
    cache = m.service("cache", instances=2, service_time=sim.Exp(S))
    front = m.service("front", instances=2, workers=1_000_000,
                      calls=[sim.Call(db), sim.Call(cache, strategy="random"), sim.Call(db, op="write")])
    lb = m.balancer("lb", target=front, strategy="random")
    m.client("web", target=lb, workload=sim.Open(rate=RATE))
    return m


USERS, THINK, DA, DB = 12, 0.040, 0.005, 0.006


def closed_model() -> sim.Model:
    m = sim.Model("analyze-closed")
    a = m.service("A", service_time=sim.Exp(DA))
    b = m.service("B", instances=2, service_time=sim.Exp(DB))
    front = m.service("front", workers=USERS, calls=[sim.Call(a), sim.Call(b, strategy="random")])
    m.client("users", target=front, workload=sim.Closed(users=USERS, think=sim.Exp(THINK)))
    return m


def test_open_estimate_matches_erlang_c():
    est = open_model().analyze()
    assert est.method == "jackson" and est.exact, est.findings
    c = est.components
    db = analytic.mmc(2 * RATE, S, servers=3)
    cache = analytic.mmc(RATE / 2, S, servers=1)
    assert c.at["db", "mean"] == pytest.approx(db["mean_response"], rel=1e-12)
    assert c.at["db", "utilisation"] == pytest.approx(0.8, rel=1e-12)
    assert c.at["db", "mean_queue"] == pytest.approx(db["mean_queue"], rel=1e-12)
    assert c.at["cache", "mean_queue"] == pytest.approx(2 * cache["mean_queue"], rel=1e-12)  # two instances
    e2e = 2 * db["mean_response"] + cache["mean_response"]
    for name in ("front", "lb", "web"):
        assert c.at[name, "mean"] == pytest.approx(e2e, rel=1e-12)
        assert c.at[name, "throughput"] == pytest.approx(RATE, rel=1e-12)
    assert c.at["db", "throughput"] == pytest.approx(2 * RATE)
    assert c.at["front", "mean_queue"] == pytest.approx(0, abs=1e-12)  # unbounded workers never queue
    assert c.at["web", "mean_in_flight"] == pytest.approx(RATE * e2e)  # Little


def test_open_network_simulation_agrees_with_analyze():
    est = open_model().analyze().components
    r = simulate(open_model, seeds=(81, 82), batch=10.0)
    for name, se in (("db", 0.01), ("cache", 0.01), ("web", 0.008)):
        mean_latency(r, name).check(est.at[name, "mean"], f"analyze open {name} mean (s)", max_rel_se=se)
    throughput(r, "web").check(RATE, "analyze open web throughput (/s)", max_rel_se=0.01)
    T = sum(x.measured_seconds for x in r)
    for name, servers in (("db", 3), ("cache", 2)):
        # U = busy time / (T x servers); busy time is a compound Poisson sum, variance lambda T E[S^2] = 2 lambda T S^2.
        lam = est.at[name, "throughput"]
        Estimate(figure(r, name, "utilisation"), math.sqrt(2 * lam / T) * S / servers).check(
            est.at[name, "utilisation"], f"analyze open {name} utilisation", max_rel_se=0.01)
    table = r[0].compare(open_model().analyze())
    assert list(table.columns) == ["simulated", "analytic", "rel_diff"]
    assert ("db", "mean") in table.index and ("lb", "utilisation") not in table.index
    assert table.loc[("web", "throughput"), "analytic"] == RATE
    assert (table.rel_diff.dropna().abs() < 0.06).all(), table


def test_closed_estimate_is_exact_mva():
    est = closed_model().analyze()
    assert est.method == "mva" and est.exact, est.findings
    ref = analytic.mva([analytic.Station("A", DA), analytic.Station("B0", DB), analytic.Station("B1", DB)],
                       [1, 0.5, 0.5], users=USERS, think_time=THINK)
    c = est.components
    assert c.at["users", "throughput"] == pytest.approx(ref.throughput, rel=1e-12)
    assert c.at["users", "mean"] == pytest.approx(ref.response_time, rel=1e-12)
    st = ref.stations.set_index("station")
    assert c.at["A", "mean"] == pytest.approx(st.at["A", "mean_response"], rel=1e-12)
    assert c.at["B", "mean"] == pytest.approx(st.at["B0", "mean_response"], rel=1e-12)
    assert c.at["B", "utilisation"] == pytest.approx(st.at["B0", "utilisation"], rel=1e-12)


def test_closed_network_simulation_agrees_with_analyze():
    est = closed_model().analyze().components
    r = simulate(closed_model, seeds=(83, 84), batch=10.0)
    throughput(r, "users").check(est.at["users", "throughput"], "analyze closed X (/s)", max_rel_se=0.005)
    for name in ("users", "A", "B"):
        mean_latency(r, name).check(est.at[name, "mean"], f"analyze closed {name} mean (s)", max_rel_se=0.01)
    table = r[0].compare(closed_model().analyze())
    assert (table.rel_diff.dropna().abs() < 0.06).all(), table


def test_analyze_fingerprints_are_pinned():
    check_fingerprint("analyze-open", open_model(), seed=81)
    check_fingerprint("analyze-closed", closed_model(), seed=83)

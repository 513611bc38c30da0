"""Validation: open Jackson networks of single-server exponential FIFO stations.

Jackson's theorem (Jackson 1957, 1963; Kleinrock, Queueing Systems Vol. 1,
section 4.8; Gross & Harris, Fundamentals of Queueing Theory (4th ed.), sections
4.1-4.2): with Poisson external arrivals, exponential service and Markov routing,
the stationary distribution is the product of M/M/1 marginals, station i
behaving as an M/M/1 queue at its total arrival rate lambda_i (the solution of
the traffic equations). So the mean sojourn at station i is 1/(mu_i - lambda_i)
and the mean end-to-end time of a route is the sum over its stations. For a
tandem, Burke's theorem (Burke 1956; Kleinrock section 4.8) gives the same: the
departures of a stable M/M/1 queue are Poisson at the arrival rate.

Expressing it in archsim: a chain service A -> B -> C is NOT a tandem, since A
holds its worker until B and C reply. Instead a client sends to a "front"
service with zero service time and more workers than can ever be busy, whose
call steps visit the stations one after the other: the front holds no contended
resource, each station's arrivals are the previous station's departures (no
network delay), and the front's latency is the end-to-end time.

Cases:
  tandem       Poisson(700/s) -> A (mu 1000) -> B (mu 1400) -> C (mu 2000)
               W = 1/300 + 1/700 + 1/1300 s = 5.53 ms
  split-merge  Poisson(800/s) routed to A with probability 5/8, else to B, then
               all to C: A (mu 700, lambda 500), B (mu 400, lambda 300),
               C (mu 1050, lambda 800). Poisson splitting makes this two
               independent Poisson clients (500/s via A, 300/s via B); C sees
               their merged Poisson departures. W via A = 1/200 + 1/250 = 9 ms,
               via B = 1/100 + 1/250 = 14 ms, overall 5/8 * 9 + 3/8 * 14 = 10.875 ms.
"""

import pytest

import archsim as sim
from conftest import check_fingerprint, mean_latency, simulate

FRONT_WORKERS = 1_000_000  # never all busy: the front never queues

TANDEM = {"A": 1000.0, "B": 1400.0, "C": 2000.0}
TANDEM_RATE = 700.0
SPLIT = {"A": 700.0, "B": 400.0, "C": 1050.0}
SPLIT_RATES = {"A": 500.0, "B": 300.0}  # the two routes; both continue to C


def tandem_model() -> sim.Model:
    m = sim.Model("jackson-tandem")
    st = {name: m.service(name, workers=1, service_time=sim.Exp(rate=mu)) for name, mu in TANDEM.items()}
    front = m.service("front", workers=FRONT_WORKERS, calls=[sim.Call(st["A"]), sim.Call(st["B"]), sim.Call(st["C"])])
    m.client("load", target=front, workload=sim.Open(rate=TANDEM_RATE))
    return m


def split_merge_model() -> sim.Model:
    m = sim.Model("jackson-split-merge")
    st = {name: m.service(name, workers=1, service_time=sim.Exp(rate=mu)) for name, mu in SPLIT.items()}
    for first, rate in SPLIT_RATES.items():
        front = m.service(f"via-{first}", workers=FRONT_WORKERS, calls=[sim.Call(st[first]), sim.Call(st["C"])])
        m.client(f"load-{first}", target=front, workload=sim.Open(rate=rate))
    return m


def test_tandem_end_to_end_mean_is_the_sum_of_mm1_sojourns():
    r = simulate(tandem_model, seeds=(51, 52), batch=20.0)
    total = 0.0
    for name, mu in TANDEM.items():
        w = 1 / (mu - TANDEM_RATE)
        total += w
        mean_latency(r, name).check(w, f"tandem station {name} W (s)", max_rel_se=0.01)
    mean_latency(r, "front").check(total, "tandem end-to-end W (s)", max_rel_se=0.006)
    for one in r:  # the front never queues, and adds no time of its own
        assert one.component("front")["mean_queue"] == 0
        assert one.latency("load").mean() == pytest.approx(one.latency("front").mean(), rel=1e-12)


def test_split_merge_network_follows_jackson():
    r = simulate(split_merge_model, seeds=(53, 54), batch=50.0)
    lam_c = sum(SPLIT_RATES.values())
    w_c = 1 / (SPLIT["C"] - lam_c)
    mean_latency(r, "C").check(w_c, "split-merge station C (merged) W (s)", max_rel_se=0.01)
    overall = 0.0
    for first, rate in SPLIT_RATES.items():
        w_first = 1 / (SPLIT[first] - rate)
        mean_latency(r, first).check(w_first, f"split-merge station {first} W (s)", max_rel_se=0.01)
        route = w_first + w_c
        mean_latency(r, f"via-{first}").check(route, f"split-merge route via {first} W (s)", max_rel_se=0.01)
        overall += rate / lam_c * route
    # The whole network's mean end-to-end time: the requests of both routes together.
    mean_latency(r, [f"via-{first}" for first in SPLIT_RATES]).check(overall, "split-merge end-to-end W (s)",
                                                                     max_rel_se=0.006)


def test_jackson_fingerprints_are_pinned():
    check_fingerprint("jackson-tandem", tandem_model(), seed=51)
    check_fingerprint("jackson-split-merge", split_merge_model(), seed=53)

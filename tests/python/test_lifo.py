"""Adaptive LIFO under overload.

Mean response time: a non-preemptive, work-conserving queue that picks the
next request without looking at service times has the same mean waiting time
as FIFO (Kleinrock, Queueing Systems Vol. 2, section 3.4, the conservation
law; for M/M/1 both give E[T] = 1 / (mu - lambda)), while LIFO's tail is
longer. Under overload with a client deadline, FIFO serves requests whose
caller has given up and nothing succeeds; LIFO serves the newest, which
still meet their deadline (Maurer, "Fail at Scale", ACM Queue 2015).
"""

import pytest

import archsim as sim

from conftest import check_fingerprint, mean_latency, simulate


def mm1(lifo_above):
    def build():
        m = sim.Model("mm1-lifo")
        db = m.service("db", workers=1, service_time=sim.Exp("10ms"), lifo_above=lifo_above)
        m.client("web", target=db, workload=sim.Open(rate=70))
        return m
    return build


def test_lifo_keeps_the_mm1_mean_response_time_and_lengthens_its_tail():
    lifo = simulate(mm1(0), seeds=[1, 2], batch=50.0)
    mean_latency(lifo, "db").check(1 / (100 - 70), "M/M/1 LIFO mean response time", max_rel_se=0.02)
    fifo = simulate(mm1(None), seeds=[1, 2], batch=50.0)
    assert lifo[0].latency("db").percentile(99) > 1.2 * fifo[0].latency("db").percentile(99)
    check_fingerprint("mm1-lifo-rho0.7", mm1(0)(), seed=1)


def overloaded(lifo_above):
    m = sim.Model("overload")
    db = m.service("db", workers=1, service_time=sim.Const("10ms"), lifo_above=lifo_above)
    m.client("web", target=db, workload=sim.Open(rate=150), deadline="100ms")  # 1.5x capacity
    return m


def test_under_overload_lifo_serves_requests_that_can_still_meet_their_deadline():
    fifo = sim.run(overloaded(None), duration="30s", warmup="10s", seed=3, progress=False)
    lifo = sim.run(overloaded(5), duration="30s", warmup="10s", seed=3, progress=False)
    assert fifo.component("web")["throughput"] < 5        # every reply comes too late
    assert lifo.component("web")["throughput"] > 90       # the db's 100/s, nearly all in time
    assert lifo.component("db")["utilisation"] == pytest.approx(1.0, abs=0.01)


def test_bad_lifo_argument_names_the_parameter():
    with pytest.raises(ValueError, match="lifo_above"):
        sim.Model("m").service("db", lifo_above=-1)

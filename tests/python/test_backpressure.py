"""Backpressure toward callers.

A front service (100 workers, queue limit 50) calls a back service of one
worker with Const(10 ms) service time: capacity mu = 100/s, offered
lambda = 150/s. Without backpressure the queue sits at the back (up to the
front's 100 workers' worth). With backpressure (high 10, low 5) the back
queue stays between 5 and 10: the extra requests wait at the front, holding
its workers, until the front's own queue limit rejects them, so the overload
is shed at the edge at rate lambda - mu while the back keeps serving at full
capacity. A bounded shared queue also isolates callers: a light caller's
requests no longer wait behind a heavy caller's flood.
"""

import math

import pytest

import archsim as sim


def chain(backpressure):
    m = sim.Model("backpressure")
    back = m.service("back", workers=1, service_time=sim.Const("10ms"), backpressure=backpressure)
    front = m.service("front", workers=100, queue_limit=50, calls=[sim.Call(back)])
    m.client("web", target=front, workload=sim.Open(rate=150))
    return m


def test_backpressure_moves_an_overload_from_the_back_queue_to_the_edge():
    without = sim.run(chain(None), duration="40s", warmup="10s", seed=1, progress=False)
    held = sim.run(chain(sim.Backpressure(high=10, low=5)), duration="40s", warmup="10s", seed=1, progress=False)
    assert without.component("back")["mean_queue"] > 80  # the front's held workers' worth
    back, front, web = held.component("back"), held.component("front"), held.component("web")
    assert 5 <= back["mean_queue"] <= 10
    assert back["utilisation"] == pytest.approx(1.0, abs=0.01)  # no capacity lost
    # 100/s served; about 1.5 s of them went to requests from before the warm-up
    assert web["throughput"] == pytest.approx(100 * (1 - 1.5 / 30), rel=0.02)
    assert front["errors_rejected"] / 30 == pytest.approx(50, rel=0.1)  # shed at the edge
    assert back["errors"] == 0
    # a request either waits at most for the front queue, the held workers and the back queue
    assert web["max"] < (50 + 100 + 10 + 1) * 0.010 + 0.01


def test_a_caller_sends_to_an_instance_that_is_not_pressing():
    m = sim.Model("two")
    back = m.service("back", instances=2, workers=1, service_time=sim.Const("10ms"),
                     backpressure=sim.Backpressure(high=5))
    front = m.service("front", workers=1000, calls=[sim.Call(back)])
    m.client("web", target=front, workload=sim.Open(rate=100))
    r = sim.run(m, duration="20s", seed=2, progress=False, faults=[sim.Slow("back[0]", factor=4)])
    # back[0] serves 25/s when slow, less than the 50/s round robin sends it; backpressure
    # sends the rest to back[1] (100/s), so all 100/s are served with short queues
    inst = r.instances("back").set_index("instance")
    assert inst.loc["back[0]", "mean_queue"] <= 5
    web = r.component("web")
    assert web["completed"] >= web["arrivals"] - 10  # all served, bar the few in flight at the end
    # and the arrivals are 100/s: a Poisson count over 20 s, within 4 standard deviations
    assert web["throughput"] == pytest.approx(100, abs=4 * math.sqrt(100 / 20))
    assert r.component("web")["p99"] < 0.5  # without backpressure, back[0]'s queue grows by 25/s


def test_a_bounded_shared_queue_isolates_a_light_caller_from_a_heavy_one():
    def run(backpressure):
        m = sim.Model("shared")
        back = m.service("back", workers=1, service_time=sim.Const("10ms"), backpressure=backpressure)
        batch = m.service("batch", workers=1000, calls=[sim.Call(back)])
        shop = m.service("shop", workers=1000, calls=[sim.Call(back)])
        m.client("jobs", target=batch, workload=sim.Open(rate=95))
        m.client("web", target=shop, workload=sim.Open(rate=10))  # 105 % of the back together
        return sim.run(m, duration="30s", warmup="10s", seed=4, progress=False)
    without, held = run(None), run(sim.Backpressure(high=10, low=5))
    assert without.component("web")["p50"] > 0.5           # behind the batch flood (it grows by 5/s)
    assert held.component("web")["p99"] < 0.2              # behind at most 10 at the back


def test_held_attempts_time_out_and_retry():
    m = sim.Model("held-timeout")
    back = m.service("back", workers=1, service_time=sim.Const("10ms"), backpressure=sim.Backpressure(high=2))
    front = m.service("front", workers=1000, calls=[sim.Call(back, timeout="100ms")])
    m.client("web", target=front, workload=sim.Open(rate=150))
    r = sim.run(m, duration="20s", seed=3, progress=False)
    front_row = r.component("front")
    assert front_row["errors_timeout"] > 0
    assert r.component("back")["mean_queue"] <= 2
    a = sim.run(m, duration="5s", seed=3, progress=False)
    b = sim.run(m, duration="5s", seed=3, progress=False)
    assert a.fingerprint() == b.fingerprint()


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.Backpressure(high=0), "Backpressure.high"),
    (lambda: sim.Backpressure(high=10, low=10), "Backpressure.low"),
    (lambda: sim.Model("m").service("db", backpressure=10), "backpressure"),
])
def test_bad_backpressure_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()

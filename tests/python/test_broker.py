"""The broker: ordering, bounded partitions, duplicates, event-driven calls, streaming state,
and the errors of its API. Validation against queueing theory is in test_validation_broker.py."""

import math

import pytest

import archsim as sim
from conftest import check_fingerprint


def topic(group: sim.ConsumerGroup, *, rate=2000.0, partitions=4, capacity=None, overflow="block",
          mix=None) -> sim.Model:
    m = sim.Model("topic")
    q = m.broker("q", partitions=partitions, capacity=capacity, overflow=overflow, groups=[group])
    m.client("producer", target=q, workload=sim.Open(rate=rate), keys=sim.UniformKeys(100_000), mix=mix)
    return m


@pytest.mark.parametrize("ordering, in_order", [("partition", True), ("none", False)])
def test_ordering_holds_within_a_partition_only_when_asked_for_even_with_redeliveries(ordering, in_order):
    group = sim.ConsumerGroup("g", consumers=4, ordering=ordering, processing_time=sim.Exp("1ms"),
                              failure_probability=0.2, visibility_timeout="5ms")
    g = sim.run(topic(group), duration=10, seed=3, progress=False).broker("q").iloc[0]
    assert g.redelivered > 1000
    assert (g.out_of_order == 0) == in_order
    if not in_order:  # competing consumers overtake each other, and redeliveries come back late
        assert g.out_of_order > 1000


def test_a_full_partition_pushes_back_on_acknowledged_producers_or_drops():
    slow = sim.ConsumerGroup("g", consumers=1, processing_time=sim.Const("1ms"))  # 1000/s for 2000/s offered
    block = sim.run(topic(slow, capacity=50, partitions=1), duration=10, seed=1, progress=False)
    b = block.broker("q").iloc[0]
    assert b.blocked > 0 and b.dropped == 0
    assert b.max_lag <= 50  # the partition never holds more than its capacity
    assert block.component("q")["errors"] == 0
    assert block.latency("q").mean() > 0.01  # producers wait for room

    drop = sim.run(topic(slow, capacity=50, partitions=1, overflow="drop"), duration=10, seed=1, progress=False)
    d = drop.broker("q").iloc[0]
    assert d.dropped > 0 and d.blocked == 0
    assert drop.component("q")["errors"] == d.dropped  # acknowledged producers hear "rejected"
    # Fire-and-forget producers are answered at once: the drops go unnoticed.
    ff = sim.run(topic(slow, capacity=50, partitions=1, overflow="drop", mix={"fire_and_forget": 1}),
                 duration=10, seed=1, progress=False)
    assert ff.broker("q").iloc[0].dropped > 0 and ff.component("q")["errors"] == 0


@pytest.mark.parametrize("idempotent", [True, False])
def test_slow_consumers_past_the_visibility_timeout_see_duplicates(idempotent):
    # Processing Exp(10ms) against a 10 ms visibility timeout: a delivery not done within 10 ms
    # (probability e^-1) is delivered again while still being processed. No delivery fails, so
    # every delivery completes, and each completion after a message's first is a duplicate:
    # duplicates = delivered - processed (up to the 64 deliveries in hand when the run ends).
    group = sim.ConsumerGroup("g", consumers=64, ordering="none", processing_time=sim.Exp("10ms"),
                              visibility_timeout="10ms", idempotent=idempotent)
    g = sim.run(topic(group, rate=1000), duration=10, seed=5, progress=False).broker("q").iloc[0]
    dups = g.duplicates_detected if idempotent else g.duplicate_effects
    other = g.duplicate_effects if idempotent else g.duplicates_detected
    assert other == 0
    assert g.redelivered > 0.2 * g.delivered
    assert dups == pytest.approx(g.delivered - g.processed, abs=64)


def event_driven() -> sim.Model:
    m = sim.Model("event-driven")
    billing = m.service("billing", workers=4, service_time=sim.Exp("5ms"))
    shipping = m.service("shipping", workers=2, service_time=sim.Exp("2ms"))
    orders = m.broker("orders", partitions=4, groups=[
        sim.ConsumerGroup("billing", consumers=4, subscriber=billing, max_deliveries=3),
        sim.ConsumerGroup("shipping", consumers=2, subscriber=shipping)])
    checkout = m.service("checkout", workers=8, service_time=sim.Exp("2ms"), calls=[sim.Publish(orders)])
    m.client("web", target=checkout, workload=sim.Open(rate=200))
    return m


def test_subscribers_react_asynchronously_and_event_latency_is_end_to_end():
    res = sim.run(event_driven(), duration=60, warmup=1, seed=2, progress=False)
    df = res.broker("orders").set_index("group")
    for group, service in (("billing", "billing"), ("shipping", "shipping")):
        g = df.loc[group]
        assert g.processed == pytest.approx(res.component(service)["throughput"] * res.measured_seconds, rel=0.01)
        # Publish to processed = waiting for a consumer + the subscriber's own latency.
        assert g.latency_mean == pytest.approx(g.wait_mean + res.latency(service).mean(), rel=0.01)
    # The producer waits for the broker only: checkout's latency is its service time (2 ms), not billing's.
    assert res.latency("checkout").mean() == pytest.approx(0.002, rel=0.05)
    assert set(res.summary(by_op=True).query("component == 'billing'").op) == {"all", "orders"}


def test_event_driven_fingerprint_is_pinned():
    check_fingerprint("broker-event-driven", event_driven(), seed=2)


def streaming(crash_at: float) -> tuple[sim.Model, list]:
    m = sim.Model("streaming")
    q = m.broker("clicks", partitions=2, groups=[
        sim.ConsumerGroup("counts", consumers=2, processing_time=sim.Exp("0.5ms"), checkpoint_interval="1s",
                          state_window="1s")])
    m.client("web", target=q, workload=sim.Open(rate=1000), keys=sim.UniformKeys(100_000))
    return m, [sim.Crash(q[0], at=crash_at, duration="0.2s")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_crashed_streaming_consumer_replays_from_its_last_checkpoint(seed):
    # Consumer 0 owns partition 0: ~500 messages/s. Crashing 0.7 s after a checkpoint loses
    # the state of the messages processed since, a Poisson count of mean 500 x 0.7 = 350
    # (give or take its in-flight one), which are replayed and processed again.
    model, faults = streaming(crash_at=10.7)
    res = sim.run(model, duration=20, seed=seed, faults=faults, progress=False)
    g = res.broker("clicks").iloc[0]
    assert g.restores == 1
    assert abs(g.replayed - 350) < 4.5 * math.sqrt(350)
    assert g.reprocessed == g.replayed
    assert g.checkpoints == 2 * 20  # two consumers, at 1 s, 2 s, ... 20 s (consumer 0 is back by 11 s)
    assert g.committed == g.processed
    # Each consumer emits its windows [0, 1 s) ... [18 s, 19 s) once; consumer 0 emits again the one it
    # closed after its last checkpoint (10 s): [9 s, 10 s), closed by its first message published after 10 s.
    assert g.windows_emitted == 2 * 19
    assert g.windows_reemitted == 1
    assert g.out_of_order == 0


def test_streaming_fingerprint_is_pinned():
    model, faults = streaming(crash_at=0.7)
    check_fingerprint("broker-streaming", model, seed=1)


def test_bad_broker_arguments_name_the_field_and_the_accepted_values():
    m = sim.Model("bad")
    with pytest.raises(ValueError, match="overflow must be one of block, drop"):
        m.broker("q", overflow="spill")
    with pytest.raises(ValueError, match="ordering must be one of partition, none"):
        sim.ConsumerGroup("g", ordering="fifo")
    with pytest.raises(ValueError, match="max_deliveries must be an integer"):
        sim.ConsumerGroup("g", max_deliveries=0)
    with pytest.raises(ValueError, match="state_window is streaming state"):
        sim.ConsumerGroup("g", state_window="1s")
    with pytest.raises(ValueError, match="give consumers"):
        m.broker("q", consumers=2, groups=[sim.ConsumerGroup("g")])
    with pytest.raises(ValueError, match="Publish.ack must be True or False"):
        sim.Publish("q", ack="yes")
    m.broker("q", groups=[sim.ConsumerGroup("g", subscriber="nowhere")])
    m.client("c", target="q")
    with pytest.raises(ValueError, match="subscriber: target 'nowhere' is not a component"):
        sim.run(m, duration=1, seed=1, progress=False)


def test_a_broker_round_trips_through_yaml():
    m = event_driven()
    m.run_options(duration="10s")
    assert sim.loads(m.to_yaml()) == m


def test_subscriptions_are_asynchronous_edges_of_the_architecture_graph():
    # billing publishes to the topic it reads from: a loop, but no cycle of synchronous calls.
    m = sim.Model("loop")
    billing = m.service("billing", service_time=sim.Exp("1ms"), calls=[sim.Publish("orders", ack=False)])
    m.broker("orders", groups=[sim.ConsumerGroup("billing", consumers=2, subscriber=billing)])
    m.client("web", target="orders")
    assert m.check() == []  # billing is reached (through the broker), and nothing cycles
    assert '"async billing", style=dashed' in m.to_dot()
    assert list(m.critical_paths().critical_path[0]) == ["web", "orders"]  # subscribers are not waited for
    assert any(f.severity == "refused" and f.component == "orders" for f in m.analyze().findings)


def test_broker_figures_are_in_the_json_and_the_report():
    import json

    res = sim.run(event_driven(), duration=5, seed=1, progress=False)
    groups = json.loads(res.to_json())["brokers"]["orders"]
    assert [g["group"] for g in groups] == ["billing", "shipping"]
    assert groups[0]["processed"] == res.broker("orders").iloc[0].processed
    assert "broker orders: published" in res.report()
    plain = sim.Model("plain")
    plain.client("c", target=plain.service("s"))
    assert "brokers" not in sim.run(plain, duration=1, seed=1, progress=False).to_dict()  # JSON unchanged


def test_a_misspelt_consumer_group_parameter_is_named_with_a_suggestion():
    text = """
name: t
duration: 1s
components:
  q: {kind: broker, groups: [{name: g, consumerz: 2}]}
  c: {kind: client, target: q}
"""
    with pytest.raises(sim.ScenarioError, match="consumerz.*did you mean 'consumers'"):
        sim.loads(text)

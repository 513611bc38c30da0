"""Caches and shard routers in scenario files: the same model as the builder, a
round trip through YAML, and errors that name the field."""

from __future__ import annotations

import textwrap

import pytest

import archsim as sim
from archsim.scenario import ScenarioError

SCENARIO = """\
name: data
duration: 5s
seed: 3
components:
  db:
    kind: service
    instances: 5
    workers: 16
    service_time: {Exp: 2ms}
  users:
    kind: shards
    backend: db
    shards: 4
    routing: consistent
    changes:
      - AddShard: {at: 2s}
  cache:
    kind: cache
    backend: users
    capacity: 500
    ttl: 5s
    ttl_jitter: 0.2
    single_flight: true
  web:
    kind: client
    target: cache
    workload: {Open: {rate: 500}}
    keys: {Zipf: {n: 5000, exponent: 0.9}}
"""


def build() -> sim.Model:
    m = sim.Model("data")
    db = m.service("db", instances=5, workers=16, service_time=sim.Exp("2ms"))
    users = m.shards("users", backend=db, shards=4, routing="consistent", changes=[sim.AddShard(at="2s")])
    cache = m.cache("cache", backend=users, capacity=500, ttl="5s", ttl_jitter=0.2, single_flight=True)
    m.client("web", target=cache, workload=sim.Open(rate=500), keys=sim.Zipf(5000, 0.9))
    m.run_options(duration="5s", seed=3)
    return m


def test_a_data_scenario_is_the_model_the_builder_makes_and_runs_the_same():
    loaded = sim.loads(SCENARIO, "data.yaml")
    assert loaded == build()
    a = sim.run(loaded, **loaded.options)
    b = sim.run(build(), **build().options)
    assert a.fingerprint() == b.fingerprint()
    assert a.component("users")["shard_changes"][1]["shard"] == 4
    assert 0 < a.component("cache")["hit_ratio"] < 1


def test_a_data_model_round_trips_through_yaml():
    m = build()
    assert sim.loads(m.to_yaml(), "again.yaml") == m


def test_data_scenario_errors_name_the_field():
    bad = SCENARIO.replace("routing: consistent", "routing: modulo").replace("capacity: 500", "capacity: -1")
    with pytest.raises(ScenarioError) as e:
        sim.loads(textwrap.dedent(bad), "bad.yaml")
    text = str(e.value)
    assert "components.users.routing" in text and "consistent" in text
    assert "components.cache.capacity" in text

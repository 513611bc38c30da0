"""Every fault kind, hedging, idempotency, adaptive LIFO and backpressure in a scenario file: the
loader builds them, the run is the same as from Python, and Model.to_yaml writes them
back to a file that runs to the same fingerprint."""

import archsim as sim

SCENARIO = """
name: failures
duration: 20s
seed: 1
network:
  zones: {zone-a: r1, zone-b: r1}
components:
  db:
    kind: service
    instances: 2
    workers: 8
    zones: [zone-a, zone-b]
    lifo_above: 10
    backpressure: {high: 20, low: 5}
    service_time: {Exp: 2ms}
  app:
    kind: service
    workers: 64
    zones: zone-a
    calls:
      - Call: {target: db, timeout: 50ms, idempotent: false, hedge: {delay: 10ms}}
  web:
    kind: client
    target: app
    zones: zone-a
    workload: {Open: {rate: 200}}
faults:
  - Partition: {a: zone-a, b: [zone-b], at: 2s, duration: 1s, one_way: true}
  - LinkLatency: {a: zone-a, b: zone-b, latency: {Exp: 5ms}, at: 5s, duration: 2s}
  - RandomCrashes: {target: db, mttf: 5s, mttr: {Const: 1s}}
  - DropResponses: {target: "db[0]", probability: 0.01}
  - ErrorResponses: {target: db, probability: 0.01, at: 10s}
  - CorruptResponses: {target: db, probability: 0.01}
slo:
  - {component: web, availability: 0.5}
"""


def python_model():
    m = sim.Model("failures")
    m.zone("zone-a", region="r1")
    m.zone("zone-b", region="r1")
    db = m.service("db", instances=2, workers=8, zones=["zone-a", "zone-b"], lifo_above=10,
                   backpressure=sim.Backpressure(high=20, low=5), service_time=sim.Exp("2ms"))
    app = m.service("app", workers=64, zones="zone-a",
                    calls=[sim.Call(db, timeout="50ms", idempotent=False, hedge=sim.Hedge(delay="10ms"))])
    m.client("web", target=app, zones="zone-a", workload=sim.Open(rate=200))
    faults = [sim.Partition("zone-a", ["zone-b"], at="2s", duration="1s", one_way=True),
              sim.LinkLatency("zone-a", "zone-b", latency=sim.Exp("5ms"), at="5s", duration="2s"),
              sim.RandomCrashes("db", mttf="5s", mttr=sim.Const("1s")),
              sim.DropResponses("db[0]", probability=0.01),
              sim.ErrorResponses("db", probability=0.01, at="10s"),
              sim.CorruptResponses("db", probability=0.01)]
    return m, faults


def test_a_scenario_with_every_fault_kind_runs_like_the_same_python_model():
    scenario = sim.loads(SCENARIO)
    from_file = sim.run(scenario, **scenario.options, progress=False)
    m, faults = python_model()
    from_python = sim.run(m, duration="20s", seed=1, faults=faults, progress=False)
    assert from_file.fingerprint() == from_python.fingerprint()
    assert set(from_file.faults.kind) == {"partition", "link_latency", "random_crash", "drop_responses",
                                          "error_responses", "corrupt_responses"}
    assert from_file.component("app")["hedges"] > 0


def test_to_yaml_writes_every_fault_kind_back():
    scenario = sim.loads(SCENARIO)
    again = sim.loads(scenario.to_yaml())
    assert again == scenario
    a = sim.run(scenario, **scenario.options, progress=False)
    b = sim.run(again, **again.options, progress=False)
    assert a.fingerprint() == b.fingerprint()

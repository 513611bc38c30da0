"""Meta-tests of the validation suite: determinism and pinned fingerprints.

A run is a function of (model, seed, build): the same seed twice gives the
same fingerprint and the same figures, a different seed a different
fingerprint, and runs in parallel threads (as this suite makes them) give the
same results as one at a time. The fingerprint of every validation model at its
seed is pinned in fingerprints.json by the ``*_fingerprint_is_pinned`` tests of
each test_validation_*.py module (see conftest.check_fingerprint); this module
checks the table itself.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

import archsim as sim
from conftest import FINGERPRINTS, assert_littles_law, check_fingerprint


def mixed_model() -> sim.Model:
    """Every feature the validation models use, in one model: open and closed
    clients, a bounded multi-worker queue, call steps, a parallel fan-out,
    Exp / Const / LogNormal / Mixture service times."""
    m = sim.Model("determinism-mixed")
    db = m.service("db", workers=2, queue_limit=3, service_time=sim.Exp("1ms"))
    cache = m.service("cache", workers=1, service_time=sim.Mixture([0.9, 0.1], [sim.Const("100us"), sim.Const("2ms")]))
    leaves = [m.service(f"leaf{i}", workers=4, service_time=sim.LogNormal(median="300us", p99="3ms")) for i in range(3)]
    front = m.service("front", workers=1000,
                      calls=[sim.Call(cache), sim.Parallel([sim.Call(x) for x in leaves], wait="all"), sim.Call(db)])
    m.client("open", target=front, workload=sim.Open(rate=400))
    m.client("closed", target=db, workload=sim.Closed(users=3, think=sim.Exp("5ms")))
    return m


def _run(seed: int) -> sim.Result:
    return sim.run(mixed_model(), until_requests=50_000, warmup="1s", seed=seed, progress=False)


def test_same_seed_gives_the_same_fingerprint_and_figures():
    a, b = _run(7), _run(7)
    assert_littles_law(a)
    assert a.requests_completed == 50_000
    assert a.component("db")["errors_rejected"] > 0  # the bounded queue is exercised
    assert a.fingerprint() == b.fingerprint()
    pd.testing.assert_frame_equal(a.summary(by_op=True), b.summary(by_op=True), check_exact=True)
    pd.testing.assert_frame_equal(a.instances(), b.instances(), check_exact=True)
    assert a.events == b.events


def test_a_different_seed_gives_a_different_fingerprint():
    a, c = _run(7), _run(8)
    assert a.fingerprint() != c.fingerprint()
    assert a.component("front")["mean"] != c.component("front")["mean"]


def test_parallel_runs_give_the_same_results_as_serial_ones():
    seeds = [7, 8, 9, 10]
    serial = [_run(s).fingerprint() for s in seeds]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = [r.fingerprint() for r in pool.map(_run, seeds)]
    assert parallel == serial


def test_the_mixed_model_fingerprint_is_pinned():
    check_fingerprint("determinism-mixed", mixed_model(), seed=7)


def test_fingerprint_table_is_well_formed():
    table = json.loads(FINGERPRINTS.read_text())
    assert table, "fingerprints.json is empty"
    assert list(table) == sorted(table), "keep fingerprints.json sorted (the update mode does)"
    for key, value in table.items():
        assert isinstance(value, str) and len(value) == 16 and int(value, 16) >= 0, f"{key}: {value!r}"

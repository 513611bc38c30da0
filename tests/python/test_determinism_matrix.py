"""The determinism matrix: one model, one seed, every way of running it -> one fingerprint.

The reference is the model built in Python and run in this process. Every cell of
the grid runs the same model and seed another way (again in this process, in a
fresh Python process, through each sweep executor, loaded from a hand-written
YAML file, or through ``to_yaml()`` then ``loads()``) and must give the same
fingerprint and the same event log (``sim.run(..., event_log=path)``). On any
difference the test fails with the first diverging event of the two logs.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import archsim as sim
from archsim.event_log import first_divergence

YAML = Path(__file__).with_name("data") / "determinism_matrix.yaml"
SEED = 11


def matrix_model() -> sim.Model:
    """Every component kind (client, balancer, service, cache, shards), a parallel
    fan-out with timeouts and a crash: the same model as data/determinism_matrix.yaml."""
    m = sim.Model("determinism-matrix")
    users_db = m.service("users-db", instances=4, workers=2, queue_limit=50, service_time=sim.Exp("2ms"))
    users = m.shards("users", backend=users_db, routing="consistent", vnodes=20)
    catalog_db = m.service("catalog-db", instances=2, workers=4,
                           service_time=sim.LogNormal(median="1ms", p99="10ms"))
    cache = m.cache("catalog-cache", backend=catalog_db, capacity=200, ttl="2s", ttl_jitter=0.1)
    api = m.service("api", instances=3, workers=8, service_time=sim.Gamma(shape=2, scale="500us"),
                    calls=[sim.Parallel([sim.Call(cache, timeout="50ms"), sim.Call(users, timeout="50ms")],
                                        wait="all")])
    edge = m.balancer("edge", target=api, strategy="p2c")
    m.client("web", target=edge, workload=sim.Open(rate=800), keys=sim.Zipf(1000, 0.9),
             mix={"read": 0.9, "write": 0.1})
    m.run_options(duration="6s", warmup="1s", seed=SEED, faults=[sim.Crash("api[1]", at="3s", duration="1s")])
    return m


def build_matrix_model() -> sim.Model:  # the sweep's build function (no parameters)
    return matrix_model()


def _run(model: sim.Model, log: Path) -> str:
    return sim.run(model, progress=False, event_log=log, **model.options).fingerprint()


def _in_process_again(log: Path) -> str:
    return _run(matrix_model(), log)


def _in_a_subprocess(log: Path) -> str:
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_determinism_matrix import _run, matrix_model
        print(_run(matrix_model(), {str(log)!r}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _swept(executor, log: Path) -> str:
    m = matrix_model()
    options = {k: v for k, v in m.options.items() if k != "seed"}
    sw = sim.sweep(build_matrix_model, seeds=[SEED], executor=executor, progress=False, event_log=str(log),
                   **options)
    assert sw.errors.empty, sw.errors["error"].iloc[0]
    in_this_process = sw.results[0].worker.endswith(f":{os.getpid()}")
    assert in_this_process == (executor is None), sw.results[0].worker
    return sw.results[0].fingerprint


def _serial_sweep(log: Path) -> str:
    return _swept(None, log)


def _process_pool_sweep(log: Path) -> str:
    return _swept("processes", log)


def _dask_sweep(log: Path) -> str:
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # dask workers cannot import this test module
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") \
            as cluster, distributed.Client(cluster) as client:
        return _swept(client, log)


def _from_the_yaml_file(log: Path) -> str:
    return _run(sim.load(YAML), log)


def _through_to_yaml(log: Path) -> str:
    return _run(sim.loads(matrix_model().to_yaml()), log)


WAYS = {
    "same process, second run": _in_process_again,
    "separate process": _in_a_subprocess,
    "serial sweep": _serial_sweep,
    "process-pool sweep": _process_pool_sweep,
    "dask sweep": _dask_sweep,
    "YAML file": _from_the_yaml_file,
    "to_yaml then loads": _through_to_yaml,
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[str, Path]:
    log = tmp_path_factory.mktemp("reference") / "events.log"
    res = sim.run(matrix_model(), progress=False, event_log=log, **matrix_model().options)
    # the model exercises what it claims to: every kind, the fan-out, the crash, timeouts
    assert {c["kind"] for c in (res.component(n) for n in matrix_model().components)} == \
        {"client", "balancer", "service", "cache", "shards"}
    assert res.component("catalog-cache")["hit_ratio"] > 0.5
    assert len(res.faults) == 1
    assert res.events > 20_000
    return res.fingerprint(), log


def assert_same_run(reference: tuple[str, Path], fingerprint: str, log: Path, label: str) -> None:
    ref_fingerprint, ref_log = reference
    divergence = first_divergence(ref_log, log)
    if divergence is not None or fingerprint != ref_fingerprint:
        pytest.fail(f"{label}: fingerprint {fingerprint} != reference {ref_fingerprint}\n"
                    f"{divergence or 'the event logs are identical: the difference is in the figures'}")


@pytest.mark.parametrize("way", list(WAYS))
def test_every_way_of_running_gives_the_reference_fingerprint(way, reference, tmp_path):
    log = tmp_path / "events.log"
    fingerprint = WAYS[way](log)
    assert log.stat().st_size > 500_000  # the log was written by that run
    assert_same_run(reference, fingerprint, log, way)


def test_the_yaml_file_and_to_yaml_describe_the_builder_model():
    assert sim.load(YAML) == matrix_model()
    assert sim.loads(matrix_model().to_yaml()) == matrix_model()


def test_until_requests_and_the_equivalent_event_count_stop_at_the_same_event(tmp_path):
    """``until_requests=K`` stops right after the event that completes the K-th request;
    ``max_events=N``, with N the events that run took, stops after the same event. The
    fingerprint hashes the stop reason, which differs by construction ("until_requests"
    vs "event_limit"); everything else must be identical: the event logs and every figure.
    (A time limit has no equivalent event count: it advances the clock past the last event
    to the limit, so time averages differ.)"""
    m = matrix_model()
    options = dict(warmup="1s", seed=SEED, faults=m.options["faults"], progress=False)
    by_requests = sim.run(m, until_requests=3000, event_log=tmp_path / "a.log", **options)
    by_events = sim.run(m, duration="1h", max_events=by_requests.events, event_log=tmp_path / "b.log", **options)
    assert (by_requests.stop_reason, by_events.stop_reason) == ("until_requests", "event_limit")
    divergence = first_divergence(tmp_path / "a.log", tmp_path / "b.log")
    assert divergence is None, str(divergence)
    assert by_events.events == by_requests.events
    assert by_events.requests_completed == by_requests.requests_completed == 3000
    assert by_events.measured_seconds == by_requests.measured_seconds
    pd.testing.assert_frame_equal(by_events.summary(by_op=True), by_requests.summary(by_op=True), check_exact=True)
    pd.testing.assert_frame_equal(by_events.instances(), by_requests.instances(), check_exact=True)


def test_a_different_run_is_caught_with_its_first_diverging_event(reference, tmp_path):
    """The failure message of the matrix: a run with another seed diverges at a named event."""
    m = matrix_model()
    fingerprint = sim.run(m, progress=False, event_log=tmp_path / "other.log", **{**m.options, "seed": SEED + 1}) \
        .fingerprint()
    with pytest.raises(pytest.fail.Exception, match=r"first diverging event #\d+:\n  a: t=.* seq=\d+ "
                                                    r"component=\S+ kind=\d+ payload=\d+\n  b: t="):
        assert_same_run(reference, fingerprint, tmp_path / "other.log", "another seed")

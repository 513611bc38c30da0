"""Fault injection: crashes and slow instances, the fault log, and bad faults.

Checks: a crashed instance completes nothing while down and refuses arrivals,
so with Poisson arrivals at rate lambda the expected number of refused
requests over a down time d is lambda * d (variance lambda * d); its queued and
in-service requests fail at the crash; a slow factor k multiplies service
times, so an uncongested M/M/inf-like service's mean latency scales by k.
"""

import math

import pytest

import archsim as sim


def single(rate=200.0, workers=4, service="5ms"):
    m = sim.Model("faults")
    db = m.service("db", workers=workers, service_time=sim.Exp(service))
    m.client("web", target=db, workload=sim.Open(rate=rate))
    return m


def test_a_crash_refuses_arrivals_for_its_duration_and_the_log_records_it():
    r = sim.run(single(), duration="60s", seed=4, progress=False,
                faults=[sim.Crash("db", at="20s", duration="10s")])
    log = r.faults
    unavailable = r.component("db")["errors_unavailable"]
    assert log.to_dict("records") == [{"kind": "crash", "target": "db[0]", "start": 20.0, "end": 30.0,
                                       "failed_requests": int(log.failed_requests[0]), "affected": unavailable}]
    refused = unavailable - int(log.failed_requests[0])
    expected = 200 * 10
    assert abs(refused - expected) < 5 * math.sqrt(expected)
    tput = r.timeseries("db", "throughput", window="5s")
    assert tput.loc[20.0] == 0 and tput.loc[25.0] == 0
    assert tput.loc[30.0] > 150 and tput.loc[15.0] > 150  # up before, back after


def test_a_crash_fails_the_queued_and_in_service_requests():
    # Five users send at t=0 to one worker with 1 s service: one in service, four queued.
    m = sim.Model("crash-queue")
    db = m.service("db", workers=1, service_time=sim.Const("1s"))
    m.client("users", target=db, workload=sim.Closed(users=5, think="100s"))
    r = sim.run(m, duration="10s", seed=1, progress=False, faults=[sim.Crash("db", at="0.5s", duration="1s")])
    assert r.faults.failed_requests[0] == 5
    client = r.component("users")
    assert client["errors_unavailable"] == 5 and client["completed"] == 0


def test_a_crash_fails_exactly_the_crashed_instances_requests():
    # Twelve users at t=0 through app (which holds a worker per request while it
    # calls db) to two db instances of 3 workers, round robin: each db instance
    # has 3 in service and 3 queued. Crashing db[0] fails its 6, and only them:
    # db[1]'s 6 and app's 12 requests in flight are held elsewhere.
    m = sim.Model("crash-one-instance")
    db = m.service("db", instances=2, workers=3, service_time=sim.Const("1s"))
    app = m.service("app", workers=64, service_time=sim.Const("0s"), calls=[sim.Call(db)])
    m.client("users", target=app, workload=sim.Closed(users=12, think="100s"))
    r = sim.run(m, duration="10s", seed=1, progress=False, faults=[sim.Crash("db[0]", at="0.5s")])
    assert r.faults.failed_requests[0] == 6
    client = r.component("users")
    assert client["errors_unavailable"] == 6 and client["completed"] == 6


def test_a_slow_instance_multiplies_service_time_during_its_window():
    m = single(rate=50, workers=64)  # uncongested: latency is the service time
    r = sim.run(m, duration="60s", seed=2, progress=False, faults=[sim.Slow("db", factor=4, at="20s", duration="20s")])
    mean = r.timeseries("db", "mean", window="20s")
    assert mean.loc[20.0] == pytest.approx(4 * 0.005, rel=0.1)
    assert mean.loc[0.0] == pytest.approx(0.005, rel=0.1)
    assert mean.loc[40.0] == pytest.approx(0.005, rel=0.1)


def test_a_retry_masks_most_of_a_crash_of_one_of_two_instances():
    def build(retry):
        m = sim.Model("masked")
        db = m.service("db", instances=2, workers=8, service_time=sim.Exp("2ms"))
        call = sim.Call(db, retry=sim.Retry(attempts=2, backoff="1ms") if retry else None)
        app = m.service("app", workers=64, calls=[call])
        m.client("web", target=app, workload=sim.Open(rate=500))
        return m
    faults = [sim.Crash("db[0]", at="10s", duration="10s")]
    without = sim.run(build(False), duration="30s", seed=3, progress=False, faults=faults).availability("web")
    with_retry = sim.run(build(True), duration="30s", seed=3, progress=False, faults=faults).availability("web")
    assert without == pytest.approx(1 - 0.5 * 10 / 30, abs=0.01)  # round robin: half the calls for a third of the run
    # A retry lands on a round-robin pick again: both tries hit the crashed instance
    # about a quarter of the time while it is down (less, as round robin alternates).
    assert with_retry >= 1 - (10 / 30) * 0.5 ** 2 - 0.01
    assert with_retry > without + 0.05


def test_runs_with_faults_are_deterministic_and_their_log_is_in_the_json():
    faults = [sim.Crash("db", at="5s", duration="1s"), sim.Slow("db", factor=2, at="8s")]
    a = sim.run(single(), duration="10s", seed=8, progress=False, faults=faults)
    b = sim.run(single(), duration="10s", seed=8, progress=False, faults=faults)
    assert a.fingerprint() == b.fingerprint()
    plain = sim.run(single(), duration="10s", seed=8, progress=False)
    assert plain.fingerprint() != a.fingerprint()
    import json
    log = json.loads(a.to_json())["faults"]
    assert [f["kind"] for f in log] == ["crash", "slow"] and log[1]["end"] is None


@pytest.mark.parametrize("fault,match", [
    (sim.Crash("dbb", at="1s"), "did you mean 'db'"),
    (sim.Crash("db[3]", at="1s"), "instances 0 to 0"),
    (sim.Crash("db[x]", at="1s"), "not a number"),
    (sim.Crash("db", at="2m"), "can never fire"),
    (sim.Crash("web", at="1s"), "faults apply to services"),
])
def test_a_fault_that_can_never_fire_is_an_error_before_the_run(fault, match):
    with pytest.raises(ValueError, match=match):
        sim.run(single(), duration="60s", faults=[fault])


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.Slow("db", factor=0), "factor"),
    (lambda: sim.Crash("db", at="-1s"), "Crash.at"),
    (lambda: sim.Crash("db", duration=0), "duration"),
    (lambda: sim.Crash(""), "target"),
    (lambda: sim.run(single(), duration="1s", faults=["crash"]), "faults"),
])
def test_bad_fault_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()

"""Response faults (dropped, error, corrupted responses) and random crashes.

A response fault acts on each response independently with its probability,
so over n responses the count it changes is Binomial(n, p): it is compared
with n p within 5 standard errors sqrt(n p (1 - p)). Random crashes alternate
up times drawn from MTTF and down times drawn from MTTR; their sample means
are compared with the distributions' means within 5 standard errors (an
exponential's standard deviation is its mean).
"""

import math

import numpy as np
import pytest

import archsim as sim


def chain(rate=1000.0, db_instances=1):
    m = sim.Model("chain")
    db = m.service("db", instances=db_instances, workers=64, service_time=sim.Exp("1ms"))
    app = m.service("app", workers=64, calls=[sim.Call(db)])
    m.client("web", target=app, workload=sim.Open(rate=rate))
    return m


def binomial_close(count, n, p):
    return abs(count - n * p) < 5 * math.sqrt(n * p * (1 - p))


def test_error_responses_fail_requests_at_the_target_with_their_probability():
    r = sim.run(chain(), duration="20s", seed=1, progress=False, faults=[sim.ErrorResponses("db", probability=0.3)])
    db = r.component("db")
    n = db["completed"] + db["errors"]
    assert binomial_close(db["errors_error"], n, 0.3)
    assert r.faults.affected[0] == db["errors_error"]
    assert r.component("web")["errors_error"] == db["errors_error"]  # passed up unchanged


def test_dropped_responses_are_done_work_that_the_caller_never_hears_of():
    r = sim.run(chain(), duration="20s", seed=2, progress=False,
                faults=[sim.DropResponses("db", probability=0.2, at="5s", duration="10s")])
    db, app = r.component("db"), r.component("app")
    assert db["errors"] == 0  # the db served every request
    in_window = r.timeseries("db", "throughput", window="5s").loc[[5.0, 10.0]].sum() * 5
    assert binomial_close(app["errors_dropped"], in_window, 0.2)
    assert r.faults.affected[0] == app["errors_dropped"]
    errors = r.timeseries("app", "errors", window="5s")
    assert errors.loc[0.0] == 0 and errors.loc[15.0] == 0


def test_corrupted_responses_count_as_successes_and_spoil_every_response_built_on_them():
    r = sim.run(chain(), duration="20s", seed=3, progress=False, faults=[sim.CorruptResponses("db", probability=0.1)])
    web, app, db = r.component("web"), r.component("app"), r.component("db")
    assert web["availability"] == 1.0
    assert db["corrupted"] == 0  # the db served them correctly; the data went bad on the way
    assert app["corrupted"] == web["corrupted"] == r.faults.affected[0]
    assert binomial_close(web["corrupted"], web["completed"], 0.1)


def test_response_faults_leave_fingerprints_of_runs_without_them_alone():
    # Figures added with response faults are hashed only when non-zero.
    plain = sim.run(chain(), duration="2s", seed=4, progress=False)
    assert plain.component("web")["corrupted"] == 0
    faulty = sim.run(chain(), duration="2s", seed=4, progress=False,
                     faults=[sim.CorruptResponses("db", probability=0.5)])
    assert faulty.fingerprint() != plain.fingerprint()


def test_random_crashes_alternate_up_and_down_times_with_the_given_means():
    r = sim.run(chain(rate=50), duration="2000s", seed=5, progress=False,
                faults=[sim.RandomCrashes("db", mttf="10s", mttr="2s")])
    log = r.faults
    assert set(log.kind) == {"random_crash"} and set(log.target) == {"db[0]"}
    down = (log.end - log.start).dropna().to_numpy()
    up = (log.start.to_numpy()[1:] - log.end.to_numpy()[:-1])
    up = np.concatenate([[log.start[0]], up])
    assert len(down) > 100
    assert abs(down.mean() - 2) < 5 * 2 / math.sqrt(len(down))
    assert abs(up.mean() - 10) < 5 * 10 / math.sqrt(len(up))
    uptime = r.uptime("db").uptime[0]
    assert uptime == pytest.approx(1 - (log.end.fillna(2000) - log.start).sum() / 2000, abs=1e-9)
    # while down, every arrival is refused: request availability follows the uptime
    assert r.availability("web") == pytest.approx(uptime, abs=0.01)


def test_random_crashes_of_one_service_do_not_change_another_services_crash_times():
    def log(faults):
        m = chain(rate=10)
        m.service("other", service_time=sim.Exp("1ms"))
        return sim.run(m, duration="200s", seed=6, progress=False, faults=faults).faults
    alone = log([sim.RandomCrashes("db", mttf="5s", mttr="1s")])
    both = log([sim.RandomCrashes("db", mttf="5s", mttr="1s"), sim.RandomCrashes("other", mttf="3s", mttr="1s")])
    db_both = both[both.target == "db[0]"].reset_index(drop=True)
    assert alone[["start", "end"]].equals(db_both[["start", "end"]])


def test_random_crashes_accept_distributions_and_stop_starting_after_their_window():
    r = sim.run(chain(rate=10), duration="100s", seed=7, progress=False,
                faults=[sim.RandomCrashes("db", mttf=sim.Uniform("1s", "3s"), mttr=sim.Const("1s"),
                                          at="10s", duration="40s")])
    log = r.faults
    assert log.start.min() >= 10 and log.start.max() < 50
    assert ((log.end - log.start).round(9) == 1.0).all()


@pytest.mark.parametrize("fault,match", [
    (sim.DropResponses("dbx", probability=0.1), "did you mean 'db'"),
    (sim.ErrorResponses("db[2]", probability=0.1), "instances 0 to 0"),
    (sim.RandomCrashes("db", mttf="1s", mttr="1s", at="1h"), "can never fire"),
])
def test_a_service_fault_that_can_never_fire_is_an_error_before_the_run(fault, match):
    with pytest.raises(ValueError, match=match):
        sim.run(chain(), duration="10s", faults=[fault])


def test_two_random_crash_processes_on_one_instance_are_refused():
    with pytest.raises(ValueError, match="already has random crashes"):
        sim.run(chain(), duration="10s", faults=[sim.RandomCrashes("db", mttf="1s", mttr="1s"),
                                                 sim.RandomCrashes("db[0]", mttf="2s", mttr="1s")])


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.DropResponses("db", probability=0), "DropResponses.probability"),
    (lambda: sim.ErrorResponses("db", probability=1.5), "ErrorResponses.probability"),
    (lambda: sim.CorruptResponses("db", probability="often"), "CorruptResponses.probability"),
    (lambda: sim.RandomCrashes("db", mttf=0), "RandomCrashes.mttf"),
    (lambda: sim.RandomCrashes("db", mttr=sim.Const(0)), "RandomCrashes.mttr"),
    (lambda: sim.RandomCrashes("db", duration="0s"), "RandomCrashes.duration"),
])
def test_bad_service_fault_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()


def test_a_shard_router_passes_corrupted_responses_on_like_a_balancer():
    # Relays hand their caller the whole reply: error, corruption, effect, version.
    for relay in ("balancer", "shards"):
        m = sim.Model("relay")
        db = m.service("db", instances=4, workers=64, service_time=sim.Exp("1ms"))
        edge = m.balancer("edge", target=db) if relay == "balancer" else m.shards("edge", backend=db)
        m.client("web", target=edge, workload=sim.Open(rate=1000))
        r = sim.run(m, duration="10s", seed=3, progress=False, faults=[sim.CorruptResponses("db", probability=0.1)])
        web = r.component("web")
        assert web["corrupted"] == r.component("edge")["corrupted"] == r.faults.affected.sum(), relay  # over 4 instances
        assert binomial_close(web["corrupted"], web["completed"], 0.1), relay

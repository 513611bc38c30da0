"""Availability, SLOs, error budgets, burn rates, uptime and recovery.

Error budget and burn rate as defined in the Google SRE workbook (Beyer et
al., 2018, ch. 2 and 5): with objective o over V valid events of which B are
bad, the budget is (1 - o) V, the share consumed is B / ((1 - o) V), and the
burn rate of a window is its bad fraction / (1 - o). A latency SLO "p-th
percentile <= T" holds when at least p % of successful requests take <= T;
for an uncongested service with Exp(mean m) service time that share is
1 - exp(-T / m).
"""

import math

import pytest

import archsim as sim


def chain(rate=500.0, service="10ms"):
    m = sim.Model("slo")
    db = m.service("db", workers=1000, service_time=sim.Exp(service))
    m.client("web", target=db, workload=sim.Open(rate=rate))
    return m


def test_an_availability_slo_reports_budget_consumed_and_burn_rate():
    slos = [sim.SLO("web", availability=0.999), sim.SLO("web", availability=0.95, name="loose")]
    r = sim.run(chain(), duration="40s", seed=1, progress=False, slos=slos,
                faults=[sim.ErrorResponses("db", probability=0.01)])
    v = r.slos.set_index("slo")
    strict, loose = v.loc["web availability>=0.999"], v.loc["loose"]
    n = strict.valid
    bad = n - strict.good
    assert n == r.component("web")["completed"] + r.component("web")["errors"]
    assert abs(bad / n - 0.01) < 5 * math.sqrt(0.01 * 0.99 / n)
    assert not strict.met and loose.met and not r.slos_met
    assert strict.budget_consumed == pytest.approx(bad / (0.001 * n))
    assert loose.budget_consumed == pytest.approx(bad / (0.05 * n))
    assert strict.max_burn_rate == pytest.approx(strict.budget_consumed)  # one window: the whole run
    assert strict.compliance == pytest.approx(1 - bad / n)


def test_a_latency_slo_counts_requests_within_the_threshold():
    # P(latency <= 30 ms) = 1 - e^-3 = 0.9502 for Exp(10 ms) service and no queueing
    slo = sim.SLO("web", percentile=95, threshold="30ms")
    r = sim.run(chain(), duration="60s", seed=2, progress=False, slos=[slo])
    row = r.slos.iloc[0]
    p = 1 - math.exp(-3)
    resolution = 2 ** -5 * 30 / 10 * math.exp(-3)  # a window histogram bucket around 30 ms
    assert abs(row.compliance - p) < 5 * math.sqrt(p * (1 - p) / row.valid) + resolution
    assert row.met == (row.compliance >= 0.95)
    tight = sim.SLO("web", percentile=99, threshold="30ms")
    assert not tight.evaluate(r)["met"]
    assert tight.evaluate(r)["budget_consumed"] == pytest.approx((1 - row.compliance) / 0.01)


def test_a_windowed_slo_is_violated_only_in_the_windows_of_an_outage():
    slo = sim.SLO("web", availability=0.99, window="10s")
    r = sim.run(chain(), duration="60s", seed=3, progress=False, slos=[slo],
                faults=[sim.Crash("db", at="22s", duration="3s")])
    s = r.slo_series(slo.name)
    assert list(s.index) == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
    assert list(s.met) == [True, True, False, True, True, True]
    assert s.burn_rate.loc[20.0] == pytest.approx((1 - s.compliance.loc[20.0]) / 0.01)
    assert s.compliance.loc[20.0] == pytest.approx(0.7, abs=0.03)  # 3 s of 10 s refused
    assert r.slos.windows_violated[0] == 1 and not r.slos_met


def test_request_availability_is_successful_over_offered_per_client_and_op():
    m = sim.Model("avail")
    db = m.service("db", workers=4, service_time={"read": sim.Exp("1ms"), "write": sim.Exp("2ms")},
                   error_probability=0.1)
    m.client("web", target=db, workload=sim.Open(rate=300), mix={"read": 0.8, "write": 0.2})
    m.client("batch", target=db, workload=sim.Open(rate=50))
    r = sim.run(m, duration="20s", warmup="2s", seed=4, progress=False)
    t = r.requests().set_index(["component", "op"])
    assert set(t.index) == {("web", "read"), ("web", "write"), ("batch", "read")}
    assert (t.offered == t.successful + t.failed + t.unfinished).all()
    assert (t.availability == t.successful / t.offered).all()
    for row in t.itertuples():
        assert abs(row.availability - 0.9) < 5 * math.sqrt(0.09 / row.offered)
    web = r.component("web")
    assert t.loc[("web", "read")].offered + t.loc[("web", "write")].offered == web["arrivals"]


def test_the_availability_time_series_shows_an_outage():
    r = sim.run(chain(), duration="30s", seed=5, progress=False, faults=[sim.Crash("db", at="10s", duration="5s")])
    a = r.timeseries("web", "availability", window="5s")
    assert a.loc[10.0] == 0 and a.loc[5.0] == 1 and a.loc[15.0] == 1


def test_recovery_after_a_short_crash_is_quick_and_a_permanent_one_never_recovers():
    r = sim.run(chain(rate=1000), duration="40s", seed=6, progress=False,
                faults=[sim.Crash("db", at="10s", duration="5s")])
    rec = r.recovery("web", window="5s")
    assert rec.status[0] == "recovered" and rec.recovery_s[0] == 0  # the first window after the crash
    assert rec.baseline_throughput[0] == pytest.approx(1000, rel=0.05)
    slow = sim.run(chain(rate=1000), duration="60s", seed=6, progress=False,
                   faults=[sim.Slow("db", factor=3, at="10s", duration="25s")])
    # Uncongested, so latency is back once the requests started while slow have finished:
    # about 2 % of the first window after the fault are such stragglers, enough to lift its p99.
    assert slow.recovery("web", window="5s").recovery_s[0] in (0, 5)
    down = sim.run(chain(rate=1000), duration="40s", seed=6, progress=False, faults=[sim.Crash("db", at="10s")])
    assert down.recovery("web").status[0] == "still active"
    early = sim.run(chain(), duration="10s", seed=6, progress=False, faults=[sim.Crash("db", at="0.5s", duration="1s")])
    assert early.recovery("web").status[0] == "no baseline"


def test_uptime_counts_overlapping_crashes_once():
    m = chain()
    r = sim.run(m, duration="20s", warmup="2s", seed=7, progress=False,
                faults=[sim.Crash("db", at="4s", duration="4s"), sim.Crash("db", at="6s", duration="4s"),
                        sim.Crash("db", at="1s", duration="2s")])
    u = r.uptime()
    assert list(u.instance) == ["db[0]"]
    assert u.down_s[0] == pytest.approx(1 + 6)  # [2, 3) after the warm-up, then [4, 10)
    assert u.uptime[0] == pytest.approx(1 - 7 / 18)


@pytest.mark.parametrize("bad,match", [
    (lambda: sim.SLO("web"), "availability"),
    (lambda: sim.SLO("web", availability=0.9, percentile=99, threshold="1s"), "not both"),
    (lambda: sim.SLO("web", availability=1.0), "SLO.availability"),
    (lambda: sim.SLO("web", percentile=100, threshold="1s"), "SLO.percentile"),
    (lambda: sim.SLO("web", percentile=99), "SLO.threshold"),
    (lambda: sim.SLO("web", availability=0.9, window=0), "SLO.window"),
    (lambda: sim.SLO("", availability=0.9), "SLO.component"),
    (lambda: sim.run(chain(), duration="1s", slos=[sim.SLO("webb", availability=0.9)]), "not in the model"),
    (lambda: sim.run(chain(), duration="1s", slos=["fast"]), "slos"),
])
def test_bad_slo_arguments_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()

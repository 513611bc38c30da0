"""Numeric limits: each either works or is refused with a clear error.

Rates of 10^9 per second, runs of simulated years (and past the 292 years that
int64 nanoseconds hold), 10^8 keys, 10^6 instances, zero-length durations, and
probabilities of exactly 0 and 1.
"""

import math

import numpy as np
import pytest

import archsim as sim


def one_service(*, rate=100.0, service_time=0.001, keys=None, mix=None, **service):
    m = sim.Model("limits")
    s = m.service("s", service_time=service_time, **service)
    m.client("c", target=s, workload=sim.Open(rate=rate), keys=keys, mix=mix)
    return m


def test_a_rate_of_1e9_per_second_is_simulated_without_rounding_bias():
    # Poisson(lambda T) arrivals: mean and variance 10^6 over 1 ms at 10^9/s. Most gaps are
    # below a nanosecond; the arrival clock carries the fraction, so the count stays unbiased.
    res = sim.run(one_service(rate=1e9, service_time=0.0), duration="1ms", seed=1)
    n = res.component("c")["completed"]
    assert abs(n - 1e6) < 5 * math.sqrt(1e6)
    assert res.stop_reason == "time_limit"


def test_a_run_of_simulated_years_keeps_memory_small_and_coarsens_its_series():
    # Five years with 1 s windows: the series stores only windows that saw a request.
    res = sim.run(one_service(rate=1e-4, service_time=sim.Exp(1.0)), duration="1826d", seed=2)
    assert res.measured_seconds == pytest.approx(1826 * 86400)
    n = res.component("c")["completed"]
    expected = 1e-4 * 1826 * 86400  # about 15,800
    assert abs(n - expected) < 5 * math.sqrt(expected)
    per_day = res.timeseries("c", "throughput", window="1d")
    assert len(per_day) == 1826
    assert per_day.sum() * 86400 == pytest.approx(n)


@pytest.mark.parametrize("duration", ["293y", "107000d", 1e10])
def test_a_run_past_int64_nanoseconds_is_refused_and_says_why(duration):
    with pytest.raises(ValueError, match=r"292 years|unknown unit"):
        sim.run(one_service(), duration=duration, seed=1)


def test_a_heavy_tailed_draw_beyond_292_years_saturates_instead_of_overflowing():
    # Pareto(shape 0.05, scale 1 s): P(draw > 10^10 s) = 10^(-0.5), so some service
    # times exceed int64 nanoseconds; they end "never" and the run still finishes.
    res = sim.run(one_service(rate=10.0, service_time=sim.Pareto(0.05, 1.0), workers=1_000),
                  duration="60s", seed=3)
    c = res.component("s")
    assert 0 < c["completed"] < c["arrivals"]


def test_1e8_keys_are_drawn_in_range_with_the_zipf_head_probability():
    # Zipf(n, 1): P(key 0) = 1 / H_n, H_n ~ ln n + 0.5772 (Euler-Mascheroni) = 19.0 at n = 10^8.
    keys = sim.Zipf(10**8, 1.0).sample(200_000, seed=4)
    assert keys.min() >= 0 and keys.max() < 10**8
    p0 = 1 / (math.log(1e8) + 0.5772156649)
    assert abs(np.mean(keys == 0) - p0) < 5 * math.sqrt(p0 * (1 - p0) / len(keys))
    uniform = sim.UniformKeys(10**8).sample(200_000, seed=4)
    assert uniform.max() < 10**8 and abs(uniform.mean() / 1e8 - 0.5) < 0.01
    res = sim.run(one_service(keys=sim.Zipf(10**8, 0.9)), duration="5s", seed=4)
    assert res.availability("c") == 1.0


def test_a_million_instances_build_and_run():
    res = sim.run(one_service(rate=1000.0, instances=10**6), duration="1s", seed=5)
    instances = res.instances("s")
    assert len(instances) == 10**6 and instances["completed"].sum() == res.component("s")["completed"]
    assert res.component("s")["completed"] == res.component("c")["completed"] > 800


def test_zero_length_durations():
    with pytest.raises(ValueError, match="duration must be > 0"):
        sim.run(one_service(), duration=0, seed=1)
    with pytest.raises(ValueError, match="window must be > 0"):
        sim.run(one_service(), duration=1, window="0s", seed=1)
    # Zero service time and zero warm-up are ordinary: every request completes at its arrival.
    res = sim.run(one_service(service_time=0.0), duration="10s", warmup=0, seed=1)
    assert res.latency("c").max() == 0 and res.component("c")["completed"] > 900


def test_probabilities_of_exactly_0_and_1():
    assert sim.run(one_service(error_probability=0.0), duration="10s", seed=6).availability("c") == 1.0
    assert sim.run(one_service(error_probability=1.0), duration="10s", seed=6).availability("c") == 0.0
    # A lossless and a totally lossy network.
    for loss, availability in [(0.0, 1.0), (1.0, 0.0)]:
        m = sim.Model("lossy")
        m.zone("a")
        m.zone("b")
        s = m.service("s", service_time=0.001, zones="b")
        m.client("c", target=s, workload=sim.Open(rate=100), zones="a")
        m.network(cross_zone="1ms", cross_zone_loss=loss)
        assert sim.run(m, duration="10s", seed=6).availability("c") == availability
    # A mix weight of 0: that operation never happens.
    res = sim.run(one_service(mix={"read": 1.0, "write": 0.0}), duration="10s", seed=6)
    assert set(res.summary(by_op=True).query("component == 'c'")["op"]) == {"all", "read"}
    with pytest.raises(ValueError, match=r"probability in \[0, 1\]"):
        one_service(error_probability=1.0000001)

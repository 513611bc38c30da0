"""API fuzzer (hypothesis): model builders, distribution parameters and run options.

Every call with any argument ends in a result or a clean ``ValueError`` naming what was
wrong, never another exception, a crash or a hang. Arguments mix sensible values with
hostile ones (negative, zero, huge, NaN, infinities, wrong types, bad strings). Runs are
capped at a few thousand events so each example takes milliseconds.

CI runs a fixed, derandomized set of examples; a longer, random search:

    ARCHSIM_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/python/test_api_fuzz.py

A failing example is printed by hypothesis; keep it as a regression test below.
"""

from __future__ import annotations

import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archsim as sim

EXAMPLES = int(os.environ.get("ARCHSIM_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXAMPLES or 150, derandomize=EXAMPLES == 0, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
MAX_EVENTS = 5_000

HOSTILE = st.sampled_from([None, True, -1, 0, -0.0, 2**63, 2**64, 10**30, math.nan, math.inf, -math.inf, 1e-300,
                           "", "5", "abc", "-1s", "1e400s", "1h1h", "0ns", [], {}, (1, 2)])
SMALL_INT = st.one_of(st.integers(-2, 40), HOSTILE)
DURATION = st.one_of(st.sampled_from(["0s", "1ns", "250us", "5ms", "1s", "10m", "1000d"]),
                     st.floats(-1, 100), HOSTILE)
PROBABILITY = st.one_of(st.floats(-0.5, 1.5), st.sampled_from([0, 1, 0.0, 1.0]), HOSTILE)
DISTRIBUTIONS = {
    "Const": (sim.Const, [DURATION]),
    "Uniform": (sim.Uniform, [DURATION, DURATION]),
    "Exp": (sim.Exp, [DURATION]),
    "Erlang": (sim.Erlang, [SMALL_INT, DURATION]),
    "Gamma": (sim.Gamma, [st.one_of(st.floats(-1, 10), HOSTILE), DURATION]),
    "Normal": (sim.Normal, [DURATION, DURATION]),
    "LogNormal": (lambda a, b: sim.LogNormal(median=a, p99=b), [DURATION, DURATION]),
    "Pareto": (sim.Pareto, [st.one_of(st.floats(-1, 5), HOSTILE), DURATION]),
    "HyperExp": (sim.HyperExp, [st.lists(PROBABILITY, max_size=3), st.lists(DURATION, max_size=3)]),
    "Empirical": (sim.Empirical, [st.lists(DURATION, max_size=5)]),
}


def attempt(call, *args, **kwargs):
    """call(...) or None if it refused its arguments with a clean ValueError."""
    try:
        return call(*args, **kwargs)
    except ValueError as e:
        assert str(e), f"{call} raised an empty ValueError"
        return None


@st.composite
def distributions(draw):
    name = draw(st.sampled_from(sorted(DISTRIBUTIONS)))
    factory, params = DISTRIBUTIONS[name]
    args = [draw(p) for p in params]
    if name == "Empirical" or draw(st.booleans()):
        return attempt(factory, *args)
    return attempt(sim.Mixture, [0.5, 0.5], [attempt(factory, *args), sim.Exp("1ms")])


@FUZZ
@given(distributions(), st.integers(0, 2**64 - 1))
def test_distribution_parameters_give_a_distribution_or_a_clean_error(d, seed):
    if d is None:
        return
    draws = d.sample(200, seed)
    assert draws.shape == (200,)
    assert not np.isnan(draws).any() and (draws >= 0).all(), (d, draws)
    mean = d.mean()
    assert mean is None or mean >= 0, (d, mean)


@st.composite
def models(draw):
    m = sim.Model("fuzz")
    db = attempt(m.service, "db", instances=draw(SMALL_INT), workers=draw(SMALL_INT),
                 queue_limit=draw(st.one_of(st.none(), SMALL_INT)), service_time=draw(distributions()) or "1ms",
                 error_probability=draw(PROBABILITY))
    if db is None:
        db = m.service("db", service_time="1ms")
    front = db
    kind = draw(st.sampled_from(["service", "cache", "shards", "balancer", "none"]))
    if kind == "cache":
        front = attempt(m.cache, "cache", backend=db, capacity=draw(st.one_of(st.integers(-1, 5000), HOSTILE)),
                        ttl=draw(st.one_of(st.none(), DURATION)),
                        policy=draw(st.sampled_from(["lru", "lfu", "fifo", "ttl", "mru"])),
                        mode=draw(st.sampled_from(["read-through", "cache-aside", "write-behind", "nope"])),
                        single_flight=draw(st.sampled_from([False, True, 1])), warm=draw(SMALL_INT)) or db
    elif kind == "shards":
        front = attempt(m.shards, "shards", backend=db, routing=draw(st.sampled_from(["hash", "range", "consistent",
                                                                                      "modulo"])),
                        vnodes=draw(SMALL_INT), key_space=draw(st.one_of(st.none(), SMALL_INT))) or db
    elif kind == "balancer":
        front = attempt(m.balancer, "lb", target=db,
                        strategy=draw(st.sampled_from(["p2c", "random", "least_outstanding", "best"]))) or db
    elif kind == "service":
        front = attempt(m.service, "api", workers=draw(SMALL_INT), service_time=draw(distributions()) or 0,
                        calls=[sim.Call(db, timeout=draw(st.one_of(st.none(), st.sampled_from(["1ms", "1s"]))))]) or db
    if draw(st.booleans()):
        workload = attempt(sim.Open, rate=draw(st.one_of(st.floats(-1, 1e6), HOSTILE)))
    else:
        workload = attempt(sim.Closed, users=draw(SMALL_INT), think=draw(distributions()) or 0)
    keys = attempt(sim.Zipf, draw(SMALL_INT), draw(st.one_of(st.floats(-1, 3), HOSTILE))) if draw(st.booleans()) \
        else attempt(sim.UniformKeys, draw(SMALL_INT))
    client = attempt(m.client, "web", target=front, workload=workload or sim.Open(rate=100), keys=keys,
                     mix=draw(st.sampled_from([None, {"read": 1}, {"read": 0.5, "write": 0.5}, {"read": -1},
                                               {"read": 0}, {"write": math.nan}])))
    if client is None:
        m.client("web", target=front, workload=sim.Open(rate=100))
    return m


RUN_OPTIONS = st.fixed_dictionaries({}, optional={
    "duration": DURATION, "warmup": DURATION, "seed": st.one_of(st.integers(0, 2**64 - 1), HOSTILE),
    "until_requests": SMALL_INT, "window": DURATION, "max_events": st.one_of(st.integers(1, MAX_EVENTS), HOSTILE),
    "trace": PROBABILITY,
})


@FUZZ
@given(models(), RUN_OPTIONS)
def test_models_and_run_options_give_a_result_or_a_clean_error(model, options):
    max_events = options.get("max_events")
    if not isinstance(max_events, int) or isinstance(max_events, bool) or not 1 <= max_events <= MAX_EVENTS:
        options["max_events"] = MAX_EVENTS  # bounds the run; hostile values are tried on their own below
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a stalled run warns; its result is still a result
        res = attempt(sim.run, model, progress=False, **options)
    if res is not None:
        assert res.events <= options["max_events"]
        assert isinstance(res.fingerprint(), str)
        res.summary()


@FUZZ
@given(st.one_of(st.sampled_from([True, -1, 0, 1.5, 2**64, math.nan, "5", []]), st.integers(-5, 0),
                 st.integers(2**64, 2**70)))
def test_hostile_event_limits_are_refused_cleanly(max_events):
    assert attempt(sim.run, _tiny_model(), duration=1, progress=False, max_events=max_events) is None


# -- regressions: what the fuzzer found, kept as plain tests -----------------------------
def _tiny_model() -> sim.Model:
    m = sim.Model("fuzz")
    db = m.service("db", service_time="1ms")
    m.client("web", target=db, workload=sim.Open(rate=100))
    return m


def test_until_requests_beyond_uint64_is_refused_cleanly():
    # was a pybind11 TypeError ("incompatible function arguments") from RunOptions
    with pytest.raises(ValueError, match=r"until_requests must be an integer >= 1 and < 2\^64"):
        sim.run(_tiny_model(), until_requests=2**64, progress=False)

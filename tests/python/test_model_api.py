"""The builder and run() reject bad input with ValueError naming the parameter
and what it accepts; model-level problems (unknown targets, cycles, no client,
bad placement) surface from run() with the component's name."""

import re
import signal
from contextlib import contextmanager

import numpy as np
import pytest

import archsim as sim

STRATEGIES = ("round_robin", "random", "least_outstanding", "p2c")
UNITS = "ns, us, ms, s, m, h, d"


def small_model(name="m"):
    m = sim.Model(name)
    db = m.service("db", service_time="1ms")
    checkout = m.service("checkout", workers=4, service_time="2ms", calls=[sim.Call(db)])
    m.client("web", target=checkout, workload=sim.Open(rate=50))
    return m


def expect_value_error(fn, *fragments):
    with pytest.raises(ValueError) as info:
        fn()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


@contextmanager
def time_limit(seconds):
    """Raise TimeoutError in the main thread if the block runs longer than `seconds`."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def model():
    return sim.Model("m")


# (id, call, fragments the message must contain)
BUILDER_ERRORS = [
    ("model name empty", lambda: sim.Model(""), ["Model name"]),
    ("negative workers", lambda: model().service("s", workers=-1), ["'s'", "workers", "[1, 1000000]", "-1"]),
    ("zero workers", lambda: model().service("s", workers=0), ["workers", "[1, 1000000]"]),
    ("fractional workers", lambda: model().service("s", workers=2.5), ["workers", "integer"]),
    ("boolean workers", lambda: model().service("s", workers=True), ["workers", "integer"]),
    ("zero instances", lambda: model().service("s", instances=0), ["'s'", "instances", "[1, 10000000]"]),
    ("negative queue_limit", lambda: model().service("s", queue_limit=-1), ["'s'", "queue_limit", "[0, "]),
    ("bad service_time", lambda: model().service("s", service_time="fast"), ["'s'", "service_time", "distribution"]),
    ("negative service_time", lambda: model().service("s", service_time=-0.5), ["service_time"]),
    ("bad per-op service_time", lambda: model().service("s", service_time={"write": "slow"}),
     ["service_time['write']", "distribution"]),
    ("bad call target", lambda: model().service("s", calls=[42]), ["target", "42"]),
    ("empty component name", lambda: model().service(""), ["component name", "non-empty"]),
    ("bracket in name", lambda: model().service("s[0]"), ["component name", "'['"]),
    ("Call strategy", lambda: sim.Call("db", strategy="fastest"), ["Call.strategy", *STRATEGIES, "'fastest'"]),
    ("Call target", lambda: sim.Call(""), ["target"]),
    ("Parallel empty", lambda: sim.Parallel([]), ["Parallel", "at least one call"]),
    ("Parallel k too big", lambda: sim.Parallel(["a", "b"], wait=3), ["Parallel.wait", "[1, 2]", "3"]),
    ("Parallel k zero", lambda: sim.Parallel(["a", "b", "c"], wait=0), ["Parallel.wait", "[1, 3]", "0"]),
    ("Parallel k negative", lambda: sim.Parallel(["a", "b"], wait=-1), ["Parallel.wait", "[1, 2]"]),
    ("Parallel wait word", lambda: sim.Parallel(["a", "b"], wait="most"),
     ["Parallel.wait", "'all'", "'first'", "'most'"]),
    ("Parallel wait bool", lambda: sim.Parallel(["a", "b"], wait=True), ["Parallel.wait", "'all'", "'first'"]),
    ("Parallel wait float", lambda: sim.Parallel(["a", "b"], wait=1.0), ["Parallel.wait"]),
    ("balancer strategy", lambda: model().balancer("lb", target="s", strategy="fastest"),
     ["'lb'", "strategy", *STRATEGIES, "'fastest'"]),
    ("balancer instances", lambda: model().balancer("lb", target="s", instances=0), ["'lb'", "instances"]),
    ("balancer target", lambda: model().balancer("lb", target=None), ["target", "None"]),
    ("client strategy", lambda: model().client("c", target="s", strategy="nearest"),
     ["'c'", "strategy", *STRATEGIES, "'nearest'"]),
    ("client workload", lambda: model().client("c", target="s", workload=100), ["'c'", "workload", "Open", "Closed"]),
    ("client keys", lambda: model().client("c", target="s", keys=1000), ["'c'", "keys", "UniformKeys", "Zipf"]),
    ("client mix empty", lambda: model().client("c", target="s", mix={}), ["'c'", "mix", ">= 0"]),
    ("client mix negative", lambda: model().client("c", target="s", mix={"read": 1, "write": -1}), ["mix", ">= 0"]),
    ("client mix all zero", lambda: model().client("c", target="s", mix={"read": 0}), ["mix", "positive total"]),
    ("client mix not numeric", lambda: model().client("c", target="s", mix={"read": "a lot"}), ["mix"]),
    ("client deadline", lambda: model().client("c", target="s", deadline="soon"), ["'c'", "deadline", UNITS]),
    ("client negative deadline", lambda: model().client("c", target="s", deadline=-1), ["deadline", ">= 0"]),
    ("client tenants", lambda: model().client("c", target="s", tenants=0), ["'c'", "tenants", "[1, 1000000]"]),
    ("hosts and zones", lambda: model().service("s", hosts=["h"], zones=["z"]), ["'s'", "hosts or zones"]),
    ("host in unknown zone", lambda: model().host("h1", zone="z9"), ["'h1'", "unknown zone", "'z9'"]),
    ("network loss", lambda: model().network(cross_zone_loss=1.5), ["network.cross_zone_loss", "[0, 1]", "1.5"]),
    ("network latency", lambda: model().network(same_zone="near"), ["network.same_zone", "distribution"]),
    ("network link type", lambda: model().network(links=[("a", "b", "1ms")]), ["network.links", "archsim.Link"]),
    ("link loss", lambda: model().network(links=[sim.Link("a", "b", loss=-0.1)]), ["Link.loss", "[0, 1]"]),
    ("link latency", lambda: model().network(links=[sim.Link("a", "b", latency="far")]), ["Link.latency"]),
    ("Open rate negative", lambda: sim.Open(rate=-1), ["Open.rate", "[0, 1e10]"]),
    ("Open rate huge", lambda: sim.Open(rate=1e11), ["Open.rate", "[0, 1e10]"]),
    ("Open rate text", lambda: sim.Open(rate="fast"), ["Open.rate", "requests per second"]),
    ("Open rate nan", lambda: sim.Open(rate=float("nan")), ["Open.rate"]),
    ("schedule pair", lambda: sim.Open(rate=1, schedule=[("1s",)]), ["Open.schedule", "(time, rate)"]),
    ("schedule time", lambda: sim.Open(rate=1, schedule=[("later", 5)]), ["Open.schedule time", UNITS]),
    ("schedule rate", lambda: sim.Open(rate=1, schedule=[("1s", -5)]), ["Open.schedule rate", "[0, 1e10]"]),
    ("burst neither", lambda: sim.Burst(at="1s", duration="1s"), ["Burst", "exactly one of rate or factor"]),
    ("burst both", lambda: sim.Burst(at="1s", duration="1s", rate=5, factor=2), ["exactly one of rate or factor"]),
    ("burst type", lambda: sim.Open(rate=1, bursts=[("1s", "2s", 5)]), ["Open.bursts", "archsim.Burst"]),
    ("burst at", lambda: sim.Open(rate=1, bursts=[sim.Burst(at="then", duration="1s", rate=3)]), ["Burst.at", UNITS]),
    ("burst duration", lambda: sim.Open(rate=1, bursts=[sim.Burst(at="1s", duration=-2, rate=3)]),
     ["Burst.duration"]),
    ("burst rate", lambda: sim.Open(rate=1, bursts=[sim.Burst(at="1s", duration="1s", rate=-3)]), ["Burst", "rate"]),
    ("closed users", lambda: sim.Closed(users=0), ["Closed.users", "[1, 10^8]"]),
    ("closed users float", lambda: sim.Closed(users=2.5), ["Closed.users"]),
    ("closed think", lambda: sim.Closed(users=3, think="a while"), ["Closed.think", "distribution"]),
]


@pytest.mark.parametrize("call, fragments", [pytest.param(c, f, id=i) for i, c, f in BUILDER_ERRORS])
def test_builder_arguments_reject_bad_input_naming_the_parameter(call, fragments):
    expect_value_error(call, *fragments)


def test_duplicate_component_names_are_rejected_across_kinds():
    m = sim.Model("dup")
    m.service("api")
    expect_value_error(lambda: m.service("api"), "'api'", "already used by a service")
    expect_value_error(lambda: m.balancer("api", target="api"), "'api'", "already used")
    expect_value_error(lambda: m.client("api", target="api"), "'api'", "already used")
    m.client("web", target="api")
    expect_value_error(lambda: m.service("web"), "'web'", "already used by a client")
    assert m.components == {"api": "service", "web": "client"}


def test_a_zone_declared_twice_is_rejected():
    m = sim.Model()
    m.zone("eu-1a", "eu")
    expect_value_error(lambda: m.zone("eu-1a", "eu"), "'eu-1a'", "twice")


def test_builder_accepts_good_input_in_every_spelling():
    m = sim.Model("ok")
    m.zone("z1", "r1")
    m.zone("z2", "r1")
    m.host("h1", "z1")
    m.network(same_zone="100us", cross_zone=sim.Exp("1ms"), cross_zone_loss=0, links=[sim.Link("z1", "z2", 0.002)])
    db = m.service("db", instances=2, workers=3, queue_limit=0, service_time=0.001, zones="z2")
    svc = m.service("svc", hosts="h1", service_time={"read": "1ms", "default": sim.Exp("2ms")},
                    calls=[db, "db", sim.Call(db, op="write"), sim.Parallel([db, db], wait="first"),
                           sim.Parallel([db, db, db], wait=2)])
    lb = m.balancer("lb", target=svc, strategy="p2c")
    m.client("web", target=lb, workload=sim.Open(5, schedule=[(1, 10)]), keys=sim.UniformKeys(10),
             mix={"read": 1, "write": 1.5}, deadline=1, tenants=2, zones=["z1"])
    m.client("batch", target="svc", workload=sim.Closed(2, think="10ms"))
    r = sim.run(m, duration=2, warmup="0.5s", seed=2**64 - 1, window="250ms")
    assert r.requests_completed > 0
    assert r.seed == 2**64 - 1


# -- run() options ------------------------------------------------------------------

RUN_ERRORS = [
    ("no duration or until_requests", {}, ["duration", "until_requests"]),
    ("duration unit", {"duration": "5 parsecs"}, ["duration", "parsecs", UNITS]),
    ("duration empty", {"duration": ""}, ["duration", UNITS]),
    ("duration negative string", {"duration": "-3s"}, ["duration"]),
    ("duration negative", {"duration": -1}, ["duration", ">= 0"]),
    ("duration nan", {"duration": float("nan")}, ["duration"]),
    ("duration zero", {"duration": 0}, ["duration", "> 0"]),
    ("duration too long", {"duration": 1e300}, ["duration", "int64"]),
    ("duration type", {"duration": [10]}, ["duration", UNITS]),
    ("duration bool", {"duration": True}, ["duration"]),
    ("warmup equal to duration", {"duration": "10s", "warmup": "10s"}, ["warmup", "duration", "10s"]),
    ("warmup longer than duration", {"duration": "10s", "warmup": 11}, ["warmup", "duration"]),
    ("warmup unit", {"duration": "10s", "warmup": "1 fortnight"}, ["warmup", UNITS]),
    ("seed negative", {"duration": 1, "seed": -1}, ["seed", "[0, 2^64)"]),
    ("seed too big", {"duration": 1, "seed": 2**64}, ["seed", "[0, 2^64)"]),
    ("seed float", {"duration": 1, "seed": 1.5}, ["seed", "integer"]),
    ("seed bool", {"duration": 1, "seed": True}, ["seed", "integer"]),
    ("seed text", {"duration": 1, "seed": "42"}, ["seed", "integer"]),
    ("until_requests zero", {"until_requests": 0}, ["until_requests", ">= 1"]),
    ("until_requests float", {"until_requests": 10.0}, ["until_requests", "integer"]),
    ("window zero", {"duration": 1, "window": 0}, ["window", "> 0"]),
    ("window unit", {"duration": 1, "window": "1 blink"}, ["window", UNITS]),
]


@pytest.mark.parametrize("kwargs, fragments", [pytest.param(k, f, id=i) for i, k, f in RUN_ERRORS])
def test_run_options_reject_bad_input_naming_the_option(kwargs, fragments):
    expect_value_error(lambda: sim.run(small_model(), **kwargs), *fragments)


def test_run_needs_a_model():
    expect_value_error(lambda: sim.run("shop", duration=1), "archsim.Model", "str")


# -- model-level errors from run() ---------------------------------------------------

def test_an_unknown_target_fails_at_run_naming_it_and_suggesting_the_nearest_name():
    m = sim.Model("typo")
    m.service("checkout")
    m.client("web", target="chekout")
    message = expect_value_error(lambda: sim.run(m, duration=1), "client 'web'", "'chekout'",
                                 "did you mean 'checkout'")
    assert "checkout" in message.split("components:")[-1]


def test_an_unknown_call_target_names_the_calling_service():
    m = sim.Model("typo")
    m.service("orders-db")
    m.service("checkout", calls=[sim.Call("orders_db")])
    m.client("web", target="checkout")
    expect_value_error(lambda: sim.run(m, duration=1), "service 'checkout'", "'orders_db'",
                       "did you mean 'orders-db'")


def test_a_far_off_name_gets_no_suggestion():
    m = sim.Model("typo")
    m.service("checkout")
    m.client("web", target="inventory")
    message = expect_value_error(lambda: sim.run(m, duration=1), "'inventory'")
    assert "did you mean" not in message


def test_a_client_is_not_a_target():
    m = sim.Model("m")
    m.service("api")
    m.client("web", target="api")
    m.client("bot", target="web")
    expect_value_error(lambda: sim.run(m, duration=1), "client 'bot'", "'web' is a client")


def test_a_cycle_of_synchronous_calls_fails_naming_the_cycle():
    m = sim.Model("loop")
    a = m.service("a", calls=["b"])
    m.service("b", calls=["a"])
    m.client("web", target=a)
    expect_value_error(lambda: sim.run(m, duration=1), "cycle", "a -> b -> a")


def test_a_cycle_through_a_parallel_group_and_a_balancer_is_found():
    m = sim.Model("loop")
    m.service("leaf")
    m.service("a", calls=[sim.Parallel(["leaf", "lb"])])
    m.balancer("lb", target="a")
    m.client("web", target="a")
    expect_value_error(lambda: sim.run(m, duration=1), "a -> lb -> a")


def test_a_model_without_a_client_fails():
    m = sim.Model("quiet")
    m.service("a")
    expect_value_error(lambda: sim.run(m, duration=1), "'quiet'", "no client")
    expect_value_error(lambda: sim.run(sim.Model("empty"), duration=1), "'empty'", "no components")


@pytest.mark.parametrize("build, fragments", [
    pytest.param(lambda m: m.service("s", hosts="h9"), ["service 's'", "'h9'"], id="unknown host"),
    pytest.param(lambda m: m.service("s", zones=["z1", "z7"]), ["service 's'", "'z7'", "z1"], id="unknown zone"),
    pytest.param(lambda m: m.network(links=[sim.Link("z1", "mars")]), ["'mars'"], id="unknown link end"),
    pytest.param(lambda m: (m.host("h1", "z1"), m.host("h1", "z1")), ["'h1'", "twice"], id="duplicate host"),
])
def test_placement_errors_fail_at_run_naming_the_place(build, fragments):
    m = sim.Model("placed")
    m.zone("z1")
    build(m)
    if "s" not in m.components:
        m.service("s")
    m.client("web", target="s")
    expect_value_error(lambda: sim.run(m, duration=1), *fragments)


def test_a_nan_mix_weight_is_rejected_naming_the_op():
    m = sim.Model("m")
    m.service("s")
    with pytest.raises(ValueError, match=r"mix.*'read'|'read'.*mix"):
        m.client("web", target="s", mix={"read": float("nan"), "write": 1})
        sim.run(m, duration=1)


# -- regressions of bugs found by these tests --------------------------------------

def test_a_single_component_as_calls_is_rejected_or_accepted_but_never_hangs():
    m = sim.Model("m")
    db = m.service("db")
    with time_limit(0.3):
        try:
            m.service("api", calls=db)
        except ValueError as e:
            assert "calls" in str(e)


def test_parallel_of_a_single_component_never_hangs():
    m = sim.Model("m")
    db = m.service("db")
    with time_limit(0.3):
        try:
            sim.Parallel(db)
        except ValueError as e:
            assert "calls" in str(e)


def test_calls_given_as_a_bare_string_is_not_split_into_characters():
    m = sim.Model("m")
    m.service("db")
    try:
        m.service("api", calls="db")
    except ValueError as e:
        assert "calls" in str(e)
        return
    m.client("web", target="api")
    r = sim.run(m, duration=1)  # raises today: target 'd' is not a component
    assert "db" in r.summary().component.tolist()


@pytest.mark.parametrize("bad", [-1, "many", 2.5])
def test_max_events_rejects_bad_input_naming_it(bad):
    expect_value_error(lambda: sim.run(small_model(), duration=1, max_events=bad), "max_events")


@pytest.mark.parametrize("base", [0, 5])
def test_a_negative_burst_factor_is_rejected_naming_factor(base):
    expect_value_error(lambda: sim.Open(rate=base, bursts=[sim.Burst(at="1s", duration="1s", factor=-1)]),
                       "factor")


def test_numpy_integers_are_accepted_as_seed_and_counts():
    m = sim.Model("np")
    s = m.service("s", instances=np.int64(2), workers=np.int32(3), service_time=sim.Exp("1ms"))
    m.client("web", target=s, workload=sim.Closed(users=np.int64(2), think=sim.Exp("10ms")))
    r = sim.run(m, duration=1, seed=np.uint64(7))
    assert r.seed == 7


def test_a_model_whose_clock_cannot_advance_stops_with_a_warning_instead_of_hanging():
    # Zero think time and zero service time: every event happens at t = 0.
    m = sim.Model("zeno")
    s = m.service("s")
    m.client("web", target=s, workload=sim.Closed(users=2))
    with pytest.warns(RuntimeWarning, match="stopped advancing"):
        r = sim.run(m, duration=1)
    assert r.stop_reason == "stalled"
    assert r.requests_completed > 0

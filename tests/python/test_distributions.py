"""archsim distributions and key choosers from Python: sampling contract,
agreement with the C++ known answers, means, and argument validation."""

import math
import re

import numpy as np
import pytest

import archsim as sim

# One instance of every class; time parameters given both as seconds and as strings.
DISTRIBUTIONS = {
    "Const": lambda: sim.Const("250ms"),
    "Uniform": lambda: sim.Uniform(1, 3),
    "Exp": lambda: sim.Exp(mean="5ms"),
    "Exp(rate)": lambda: sim.Exp(rate=200),
    "Erlang": lambda: sim.Erlang(3, "6ms"),
    "Gamma(shape<1)": lambda: sim.Gamma(0.5, 2.0),
    "Gamma(shape>1)": lambda: sim.Gamma(2.5, "400ms"),
    "Normal": lambda: sim.Normal(1.0, 0.5),
    "LogNormal(mu,sigma)": lambda: sim.LogNormal(-5.0, 0.5),
    "LogNormal(median,p99)": lambda: sim.LogNormal(median="1ms", p99="10ms"),
    "Pareto": lambda: sim.Pareto(3.0, "1ms"),
    "HyperExp": lambda: sim.HyperExp([0.9, 0.1], ["1ms", "10ms"]),
    "Mixture": lambda: sim.Mixture([0.7, 0.3], [sim.Exp("1ms"), sim.Uniform("2ms", "4ms")]),
    "Empirical": lambda: sim.Empirical([0.1, 0.2, "300ms", 0.4, 0.5]),
}
KEY_CHOOSERS = {
    "UniformKeys": lambda: sim.UniformKeys(1000),
    "Zipf": lambda: sim.Zipf(1000, 0.9),
}
ALL = {**DISTRIBUTIONS, **KEY_CHOOSERS}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("n", [0, 1, 1000])
def test_sample_returns_a_numpy_array_of_length_n(name, n):
    x = ALL[name]().sample(n, seed=1)
    assert isinstance(x, np.ndarray)
    assert x.shape == (n,)
    assert x.dtype == (np.uint64 if name in KEY_CHOOSERS else np.float64)


@pytest.mark.parametrize("name", ALL)
def test_same_seed_gives_the_same_array(name):
    d = ALL[name]()
    np.testing.assert_array_equal(d.sample(500, seed=7), d.sample(500, seed=7))
    np.testing.assert_array_equal(d.sample(500, seed=7), ALL[name]().sample(500, seed=7))
    np.testing.assert_array_equal(d.sample(500), d.sample(500, seed=0))  # the default seed is 0


@pytest.mark.parametrize("name", [n for n in ALL if n != "Const"])
def test_different_seeds_give_different_arrays(name):
    d = ALL[name]()
    assert not np.array_equal(d.sample(500, seed=7), d.sample(500, seed=8))


def test_const_ignores_the_seed():
    assert np.all(sim.Const("250ms").sample(100, seed=3) == 0.25)


def test_python_draws_match_the_cpp_known_answers():
    # Seed 42 uses stream "sample", the stream tests/cpp pins; the two
    # front-ends must agree bit for bit (up to 1e-12 relative for doubles).
    cases = [
        (sim.Exp(mean=0.005), [0.0001954109658210386, 0.00076764314806259011, 0.0030622634095120427]),
        (sim.Gamma(0.5, 2.0), [0.0023484365808749781, 0.39451965704865843, 0.86095800111379417]),
        (sim.Gamma(2.5, 0.4), [1.2358701389681954, 1.1861847355348842, 0.40004570457338906]),
        (sim.LogNormal(median=0.001, p99=0.01), [0.0017312613091643296, 0.00037680152168953121, 0.00052278677015936534]),
        (sim.Mixture([0.7, 0.3], [sim.Exp(0.001), sim.Uniform(0.002, 0.004)]),
         [0.00015352862961251802, 0.00051930386998052917, 0.002964909558471061]),
    ]
    for d, expected in cases:
        np.testing.assert_allclose(d.sample(3, seed=42), expected, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(sim.Zipf(1000, 0.9).sample(8, seed=42), [841, 297, 236, 127, 3, 52, 61, 93])
    np.testing.assert_array_equal(sim.UniformKeys(1000).sample(4, seed=42), [32, 216, 253, 351])


def test_time_parameters_accept_seconds_or_unit_strings():
    np.testing.assert_array_equal(sim.Exp(mean="5ms").sample(100, seed=3), sim.Exp(mean=0.005).sample(100, seed=3))
    np.testing.assert_array_equal(sim.Exp(rate=200).sample(100, seed=3), sim.Exp(mean=0.005).sample(100, seed=3))
    assert sim.Uniform("1ms", "3ms").mean() == pytest.approx(0.002, rel=1e-15)
    assert sim.Erlang(3, "6ms").mean() == pytest.approx(0.006, rel=1e-15)


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_sample_mean_matches_mean(name):
    # The sample mean of n draws has standard error sqrt(variance / n)
    # (central limit theorem); 5 standard errors at a fixed seed.
    d = DISTRIBUTIONS[name]()
    n = 200_000
    x = d.sample(n, seed=11)
    mean, var = d.mean(), d.variance()
    assert mean is not None and var is not None
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / n) + 1e-15 * abs(mean)


def test_closed_form_means():
    assert sim.Exp(mean="5ms").mean() == pytest.approx(0.005, rel=1e-15)
    assert sim.Gamma(2.5, 0.4).mean() == pytest.approx(1.0, rel=1e-15)
    assert sim.Pareto(3, 2).mean() == pytest.approx(3.0, rel=1e-15)
    assert sim.HyperExp([0.9, 0.1], [0.001, 0.01]).mean() == pytest.approx(0.0019, rel=1e-12)
    assert sim.Empirical([1, 2, 3, 6]).mean() == pytest.approx(3.0, rel=1e-15)
    assert sim.LogNormal(median=1.0, p99=10.0).mean() == pytest.approx(math.exp((math.log(10) / 2.3263478740408408) ** 2 / 2))


def test_infinite_moments_are_none():
    assert sim.Pareto(shape=1, scale=1).mean() is None
    assert sim.Pareto(shape=1, scale=1).variance() is None
    assert sim.Pareto(shape=0.5, scale="1ms").mean() is None
    assert sim.Pareto(shape=1.5, scale=1).mean() == pytest.approx(3.0)
    assert sim.Pareto(shape=1.5, scale=1).variance() is None
    assert sim.Mixture([1, 1], [sim.Exp(1), sim.Pareto(1, 1)]).mean() is None


def test_zipf_frequencies_match_exact_probabilities():
    # P(key k) = (k+1)^-s / H(n, s); each frequency is binomial with standard
    # error sqrt(p(1-p)/N); 5 standard errors.
    n, s, draws = 20, 1.0, 400_000
    keys = sim.Zipf(n, s).sample(draws, seed=5)
    p = np.arange(1, n + 1, dtype=float) ** -s
    p /= p.sum()
    freq = np.bincount(keys.astype(np.int64), minlength=n) / draws
    assert freq.shape == (n,)
    assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / draws))


def test_key_choosers_report_their_size():
    assert sim.Zipf(1000, 0.9).n == 1000
    assert sim.UniformKeys(10**8).n == 10**8
    assert sim.Zipf(10**8, 0.9).sample(1000, seed=2).max() < 10**8
    assert repr(sim.Zipf(1000, 0.9)) == "Zipf(n=1000, exponent=0.9)"
    assert repr(sim.Exp(mean="5ms")) == "Exp(mean=0.005)"


UNITS = r"ns, us, ms, s, m, h, d"

# (constructor, regular expressions the ValueError message must match): the
# parameter's name and its accepted range or type.
BAD_ARGUMENTS = {
    "negative rate": (lambda: sim.Exp(rate=-1), [r"rate", r"> 0"]),
    "zero rate": (lambda: sim.Exp(rate=0), [r"rate", r"> 0"]),
    "negative mean": (lambda: sim.Exp(mean=-1), [r"mean", r"> 0"]),
    "negative mean string": (lambda: sim.Exp(mean="-3ms"), [r"Exp\.mean", r"negative", UNITS]),
    "both mean and rate": (lambda: sim.Exp(mean=1, rate=1), [r"mean", r"rate"]),
    "negative Erlang mean": (lambda: sim.Erlang(2, -1), [r"mean", r"> 0"]),
    "p99 below median": (lambda: sim.LogNormal(median="10ms", p99="5ms"), [r"p99", r"> median"]),
    "p99 equal to median": (lambda: sim.LogNormal(median=1, p99=1), [r"p99", r"> median"]),
    "LogNormal mixed parametrisations": (lambda: sim.LogNormal(0, 1, median=1, p99=2), [r"mu and sigma", r"median and p99"]),
    "negative sigma": (lambda: sim.LogNormal(0, -1), [r"sigma", r">= 0"]),
    "empty Empirical": (lambda: sim.Empirical([]), [r"values", r"empty"]),
    "negative Empirical value": (lambda: sim.Empirical([1, -1]), [r"values", r">= 0"]),
    "Zipf n=0": (lambda: sim.Zipf(0), [r"\bn\b", r">= 1"]),
    "Zipf negative exponent": (lambda: sim.Zipf(10, -1), [r"exponent", r"\[0, 100\]"]),
    "UniformKeys n=0": (lambda: sim.UniformKeys(0), [r"\bn\b", r">= 1"]),
    "Zipf n above 2^53": (lambda: sim.Zipf(2**53 + 1), [r"\bn\b", r"2\^53"]),
    "Erlang k=0": (lambda: sim.Erlang(0, 1), [r"\bk\b", r"\[1, 1000\]"]),
    "Erlang k=1001": (lambda: sim.Erlang(1001, 1), [r"\bk\b", r"\[1, 1000\]"]),
    "Erlang fractional k": (lambda: sim.Erlang(2.5, 1), [r"\bk\b", r"integer"]),
    "Uniform high<low": (lambda: sim.Uniform(2, 1), [r"high", r">= low"]),
    "Uniform negative low": (lambda: sim.Uniform(-1, 1), [r"low", r">= 0"]),
    "Gamma zero shape": (lambda: sim.Gamma(0, 1), [r"shape", r"> 0"]),
    "Normal non-positive mean": (lambda: sim.Normal(0, 1), [r"mean", r"> 0"]),
    "Pareto zero scale": (lambda: sim.Pareto(1, 0), [r"scale", r"> 0"]),
    "Mixture mismatched lengths": (lambda: sim.Mixture([1, 2], [sim.Exp(1)]), [r"weights", r"components", r"same length"]),
    "Mixture negative weight": (lambda: sim.Mixture([-1, 2], [sim.Exp(1), sim.Exp(2)]), [r"weights", r">= 0"]),
    "HyperExp mismatched lengths": (lambda: sim.HyperExp([1], [1, 2]), [r"probabilities", r"means", r"same length"]),
    "non-numeric shape": (lambda: sim.Gamma("x", 1), [r"Gamma\.shape", r"number"]),
    "non-numeric mean": (lambda: sim.Exp(mean=[1]), [r"Exp\.mean", r"seconds"]),
    "unparseable duration": (lambda: sim.Exp(mean="abc"), [r"Exp\.mean", UNITS]),
    "non-numeric exponent": (lambda: sim.Zipf(10, "a"), [r"Zipf\.exponent", r"number"]),
    "non-numeric n": (lambda: sim.Zipf("10"), [r"\bn\b", r"integer"]),
    "non-numeric rate": (lambda: sim.Exp(rate="fast"), [r"Exp\.rate", r"number"]),
    "boolean value": (lambda: sim.Const(True), [r"Const\.value"]),
    "non-distribution component": (lambda: sim.Mixture([1], [3.0]), [r"components", r"distribution"]),
    "non-numeric Empirical value": (lambda: sim.Empirical([1, "x"]), [r"Empirical\.values", UNITS]),
    "NaN mean": (lambda: sim.Exp(mean=float("nan")), [r"mean", r"finite"]),
    "negative sample count": (lambda: sim.Exp(1).sample(-1), [r"\bn\b", r">= 0"]),
    "fractional sample count": (lambda: sim.Exp(1).sample(2.5), [r"\bn\b", r"integer"]),
    "negative seed": (lambda: sim.Exp(1).sample(3, seed=-1), [r"seed", r"2\^64"]),
    "seed of 2^64": (lambda: sim.Exp(1).sample(3, seed=2**64), [r"seed", r"2\^64"]),
    "negative key sample count": (lambda: sim.Zipf(10).sample(-1), [r"\bn\b", r">= 0"]),
    "negative key seed": (lambda: sim.Zipf(10).sample(3, seed=-1), [r"seed", r"2\^64"]),
    "key seed of 2^64": (lambda: sim.UniformKeys(10).sample(3, seed=2**64), [r"seed", r"2\^64"]),
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_bad_arguments_raise_value_error_naming_parameter_and_range(case):
    make, patterns = BAD_ARGUMENTS[case]
    with pytest.raises(ValueError) as info:
        make()
    for pattern in patterns:
        assert re.search(pattern, str(info.value)), f"{pattern!r} not in {str(info.value)!r}"


def test_a_huge_integer_duration_raises_value_error():
    with pytest.raises(ValueError, match=r"Exp\.mean"):
        sim.Exp(mean=10**400)


def test_a_huge_erlang_k_names_the_accepted_range():
    with pytest.raises(ValueError, match=r"\[1, 1000\]"):
        sim.Erlang(10**30, 1)

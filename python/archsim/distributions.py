"""Distributions and key choosers.

Time-valued parameters take seconds or a string with a unit, so
``Exp(mean="5ms")`` and ``Exp(mean=0.005)`` are the same distribution; samples
are in seconds. Every class validates its arguments in the compiled core and
raises ValueError naming the parameter and its accepted range.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _core
from ._units import to_ns

__all__ = [
    "Distribution", "Const", "Uniform", "Exp", "Erlang", "Gamma", "Normal", "LogNormal",
    "Pareto", "HyperExp", "Mixture", "Empirical", "KeyChooser", "UniformKeys", "Zipf", "as_distribution",
]


def _seconds(value, name: str) -> float:
    """A time parameter in seconds; strings carry a unit."""
    if isinstance(value, str):
        return to_ns(value, name) / 1e9
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name}: expected a number of seconds or a duration string, got {value!r}")
    return _number(value, name)


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name}: {value!r} is too large for a double") from None


def _call(factory, *args):
    try:
        return factory(*args)
    except (ValueError, TypeError) as e:
        raise ValueError(str(e)) from None


class Distribution:
    """Base of all distributions: ``sample``, ``mean``, ``variance``.

    Example::

        sim.Exp("5ms").sample(3, seed=42)     # three draws, seconds
        sim.Exp("5ms").mean(), sim.Exp("5ms").variance()
    """

    _impl: "_core.Distribution"

    def sample(self, n: int = 1, seed: int = 0) -> np.ndarray:
        """``n`` draws (seconds for time-valued ones) from stream "sample" of ``seed``."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"sample: n must be an integer >= 0, got {n!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**64:
            raise ValueError(f"sample: seed must be an integer in [0, 2^64), got {seed!r}")
        return self._impl.sample(int(n), int(seed))

    def mean(self) -> float | None:
        """The mean, or None where it is infinite (e.g. Pareto with shape <= 1)."""
        return self._impl.mean()

    def variance(self) -> float | None:
        """The variance, or None where it is infinite."""
        return self._impl.variance()

    def __repr__(self) -> str:
        return self._impl.describe()


class Const(Distribution):
    """Always ``value``.

    Example::

        m.service("cache", service_time=sim.Const("1ms"))
    """

    def __init__(self, value):
        self.value = _seconds(value, "Const.value")
        self._impl = _call(_core.Distribution.constant, self.value)


class Uniform(Distribution):
    """Uniform on [low, high].

    Example::

        sim.Uniform("1ms", "3ms").mean()      # 0.002
    """

    def __init__(self, low, high):
        self.low, self.high = _seconds(low, "Uniform.low"), _seconds(high, "Uniform.high")
        self._impl = _call(_core.Distribution.uniform, self.low, self.high)


class Exp(Distribution):
    """Exponential, given ``mean`` or ``rate`` (per second).

    Example::

        sim.Exp("5ms")          # mean 5 ms
        sim.Exp(rate=200)       # the same
    """

    def __init__(self, mean=None, *, rate=None):
        if (mean is None) == (rate is None):
            raise ValueError("Exp: give exactly one of mean (seconds) or rate (per second)")
        if rate is not None:
            rate = _number(rate, "Exp.rate")
            if not rate > 0:
                raise ValueError(f"Exp: rate must be > 0, got {rate}")
            mean = 1.0 / rate
        self.mean_value = _seconds(mean, "Exp.mean")
        self._impl = _call(_core.Distribution.exponential, self.mean_value)


class Erlang(Distribution):
    """Sum of ``k`` exponentials with total mean ``mean``.

    Example::

        sim.Erlang(4, "10ms")   # less variable than Exp("10ms"): C^2 = 1/4
    """

    def __init__(self, k: int, mean):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= 1000:
            raise ValueError(f"Erlang: k must be an integer in [1, 1000], got {k!r}")
        self.k, self.mean_value = int(k), _seconds(mean, "Erlang.mean")
        self._impl = _call(_core.Distribution.erlang, self.k, self.mean_value)


class Gamma(Distribution):
    """Gamma with ``shape`` and ``scale`` (mean = shape * scale).

    Example::

        sim.Gamma(shape=0.5, scale=0.004)   # mean 2 ms, C^2 = 2
    """

    def __init__(self, shape, scale):
        self.shape, self.scale = _number(shape, "Gamma.shape"), _seconds(scale, "Gamma.scale")
        self._impl = _call(_core.Distribution.gamma, self.shape, self.scale)


class Normal(Distribution):
    """Normal(mean, stddev) truncated at 0 (negative draws are redrawn).

    Example::

        sim.Normal("20ms", "5ms")
    """

    def __init__(self, mean, stddev):
        self.mu, self.stddev = _seconds(mean, "Normal.mean"), _seconds(stddev, "Normal.stddev")
        self._impl = _call(_core.Distribution.normal, self.mu, self.stddev)


class LogNormal(Distribution):
    """Log-normal, by ``mu``/``sigma`` of the underlying normal, or by ``median`` and ``p99``.

    Example::

        sim.LogNormal(median="4ms", p99="40ms")
    """

    def __init__(self, mu=None, sigma=None, *, median=None, p99=None):
        if median is not None or p99 is not None:
            if mu is not None or sigma is not None or median is None or p99 is None:
                raise ValueError("LogNormal: give either mu and sigma, or median and p99")
            self.median, self.p99 = _seconds(median, "LogNormal.median"), _seconds(p99, "LogNormal.p99")
            self._impl = _call(_core.Distribution.lognormal_median_p99, self.median, self.p99)
        else:
            if mu is None or sigma is None:
                raise ValueError("LogNormal: give either mu and sigma, or median and p99")
            self.mu, self.sigma = _number(mu, "LogNormal.mu"), _number(sigma, "LogNormal.sigma")
            self._impl = _call(_core.Distribution.lognormal, self.mu, self.sigma)


class Pareto(Distribution):
    """Pareto with ``shape`` (alpha) and ``scale`` (minimum value).

    Example::

        sim.Pareto(shape=2.5, scale="1ms")   # heavy tail, finite variance
    """

    def __init__(self, shape, scale):
        self.shape, self.scale = _number(shape, "Pareto.shape"), _seconds(scale, "Pareto.scale")
        self._impl = _call(_core.Distribution.pareto, self.shape, self.scale)


class HyperExp(Distribution):
    """Exponential with mean ``means[i]`` with probability ``probabilities[i]``.

    Example::

        sim.HyperExp([0.9, 0.1], ["2ms", "50ms"])   # mostly fast, sometimes slow
    """

    def __init__(self, probabilities: Sequence[float], means: Sequence):
        self.probabilities = [_number(p, "HyperExp.probabilities") for p in probabilities]
        self.means = [_seconds(m, "HyperExp.means") for m in means]
        self._impl = _call(_core.Distribution.hyperexp, self.probabilities, self.means)


class Mixture(Distribution):
    """Draw from ``components[i]`` with probability proportional to ``weights[i]``.

    Example::

        sim.Mixture([0.95, 0.05], [sim.Exp("2ms"), sim.Const("100ms")])
    """

    def __init__(self, weights: Sequence[float], components: Sequence[Distribution]):
        self.weights = [_number(w, "Mixture.weights") for w in weights]
        for c in components:
            if not isinstance(c, Distribution):
                raise ValueError(f"Mixture.components: expected distributions, got {c!r}")
        self.components = list(components)
        self._impl = _call(_core.Distribution.mixture, self.weights, [c._impl for c in self.components])


class Empirical(Distribution):
    """Resamples the given values uniformly (a bootstrap of measured data).

    Example::

        sim.Empirical([0.002, 0.003, 0.003, 0.010])   # measured latencies, seconds
    """

    def __init__(self, values: Sequence):
        self.values = [_seconds(v, "Empirical.values") for v in values]
        self._impl = _call(_core.Distribution.empirical, self.values)


def as_distribution(value, name: str) -> Distribution:
    """A distribution, or a constant for a bare duration."""
    if isinstance(value, Distribution):
        return value
    try:
        return Const(value)
    except ValueError:
        raise ValueError(f"{name}: expected a distribution (e.g. archsim.Exp('5ms')) or a duration, got {value!r}") from None


class KeyChooser:
    """Which key a request touches: integers 0 .. n-1.

    Example::

        sim.Zipf(1000, 0.9).sample(5, seed=1)
    """

    _impl: "_core.KeyChooser"

    @property
    def n(self) -> int:
        return self._impl.size()

    def sample(self, n: int = 1, seed: int = 0) -> np.ndarray:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"sample: n must be an integer >= 0, got {n!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**64:
            raise ValueError(f"sample: seed must be an integer in [0, 2^64), got {seed!r}")
        return self._impl.sample(int(n), int(seed))

    def __repr__(self) -> str:
        return self._impl.describe()


def _key_count(n, cls: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{cls}: n must be an integer >= 1, got {n!r}")
    return int(n)


class UniformKeys(KeyChooser):
    """Every key equally likely.

    Example::

        m.client("web", target=api, keys=sim.UniformKeys(10_000))
    """

    def __init__(self, n: int):
        self._impl = _call(_core.KeyChooser.uniform, _key_count(n, "UniformKeys"))


class Zipf(KeyChooser):
    """Key k (0-based) with probability proportional to 1/(k+1)^exponent; O(1) per draw.

    Example::

        m.client("web", target=cache, keys=sim.Zipf(100_000, 0.9))
    """

    def __init__(self, n: int, exponent: float = 1.0):
        self.exponent = _number(exponent, "Zipf.exponent")
        self._impl = _call(_core.KeyChooser.zipf, _key_count(n, "Zipf"), self.exponent)

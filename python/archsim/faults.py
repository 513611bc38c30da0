"""Faults: failures injected into a run, the same way every time.

    sim.run(m, duration="10m", seed=1,
            faults=[sim.Crash("orders-db[0]", at="2m", duration="30s"),
                    sim.Slow("checkout", factor=4, at="5m", duration="1m"),
                    sim.Partition(["zone-a"], ["zone-b"], at="6m", duration="20s"),
                    sim.RandomCrashes("checkout", mttf="2m", mttr="10s")])

A service fault's target is one instance ("db[0]") or every instance of a
service ("db"). A network fault names two groups of sites; a site is a zone,
a region, a host, a component or an instance. Each run's fault log is
``Result.faults``. Every constructor takes plain keyword arguments (the
scenario files map onto them).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _core
from ._units import to_ns
from .distributions import Distribution, Exp, as_distribution

__all__ = ["Fault", "Crash", "Slow", "DropResponses", "ErrorResponses", "CorruptResponses", "RandomCrashes",
           "Partition", "LinkLatency"]


def _target(value) -> str:
    name = getattr(value, "name", value)
    if not isinstance(name, str) or not name:
        raise ValueError(f"fault target must be a service or an instance such as 'db[0]', got {value!r}")
    return name


class Fault:
    """Base of the faults: a target, a start time and an optional duration."""

    kind = ""
    target = ""

    def _window(self):
        name = type(self).__name__
        self.at_ns = to_ns(self.at, f"{name}.at")
        self.duration_ns = None if self.duration is None else to_ns(self.duration, f"{name}.duration")
        if self.duration_ns == 0:
            raise ValueError(f"{name}.duration must be > 0 (None: until the end of the run)")

    def _spec(self):
        f = _core.FaultSpec()
        f.kind, f.target, f.at = self.kind, self.target, self.at_ns
        if self.duration_ns is not None:
            f.duration = self.duration_ns
        return f


def _probability(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ValueError(f"{name} must be a probability in (0, 1], got {value!r}")
    return float(value)


def _sites(value, name: str) -> list[str]:
    items = [value] if isinstance(value, str) or hasattr(value, "name") else value
    try:
        sites = [getattr(v, "name", v) for v in items]
    except TypeError:
        sites = [value]
    if not sites or not all(isinstance(v, str) and v for v in sites):
        raise ValueError(f"{name} must be a site or a list of sites (zone, region, host, component or "
                         f"instance names), got {value!r}")
    return sites


@dataclass
class Crash(Fault):
    """The instance crashes at ``at``: its queued and in-service requests fail
    with "unavailable", and so does every request that reaches it until it
    restarts after ``duration`` (None: it stays down).

    Example::

        sim.run(m, duration="5m", faults=[sim.Crash("db[0]", at="1m", duration="30s")])
    """

    target: object
    at: object = 0.0
    duration: object = None
    kind = "crash"

    def __post_init__(self):
        self.target = _target(self.target)
        self._window()


@dataclass
class Slow(Fault):
    """Service times of the instance are multiplied by ``factor`` from ``at``
    for ``duration`` (None: until the end of the run).

    Example::

        sim.run(m, duration="5m", faults=[sim.Slow("db", factor=3, at="1m", duration="20s")])
    """

    target: object
    factor: float = 2.0
    at: object = 0.0
    duration: object = None
    kind = "slow"

    def __post_init__(self):
        self.target = _target(self.target)
        if isinstance(self.factor, bool) or not isinstance(self.factor, (int, float)) or not 0 < self.factor < 1e6:
            raise ValueError(f"Slow.factor must be a number in (0, 10^6), got {self.factor!r}")
        self._window()

    def _spec(self):
        f = super()._spec()
        f.factor = float(self.factor)
        return f


@dataclass
class _ResponseFault(Fault):
    target: object
    probability: float = 0.1
    at: object = 0.0
    duration: object = None

    def __post_init__(self):
        self.target = _target(self.target)
        self.probability = _probability(self.probability, f"{type(self).__name__}.probability")
        self._window()

    def _spec(self):
        f = super()._spec()
        f.probability = self.probability
        return f


@dataclass
class DropResponses(_ResponseFault):
    """Each successful response of the target is lost on its way back with
    ``probability``: the work is done, the caller sees "dropped".

    Example::

        sim.run(m, duration="5m", faults=[sim.DropResponses("db", probability=0.01)])
    """

    kind = "drop_responses"


@dataclass
class ErrorResponses(_ResponseFault):
    """Each request the target serves fails with "error" after its service
    time, with ``probability``.

    Example::

        sim.run(m, duration="5m", faults=[sim.ErrorResponses("db", probability=0.05)])
    """

    kind = "error_responses"


@dataclass
class CorruptResponses(_ResponseFault):
    """Each successful response of the target carries corrupted data with
    ``probability``: the callers count it as a success, and every response
    built on it is corrupted too (the ``corrupted`` column of the summary).

    Example::

        sim.run(m, duration="5m", faults=[sim.CorruptResponses("db", probability=0.001)])
    """

    kind = "corrupt_responses"


@dataclass
class RandomCrashes(Fault):
    """Each instance of the target alternates up and down: it runs for a time
    drawn from ``mttf``, crashes (as ``Crash``), and restarts after a time drawn
    from ``mttr``. A duration means an exponential time with that mean; a
    distribution is used as given. Draws come from the stream
    "<instance>/random_crashes". New crashes start only within [at, at + duration).

    Example::

        sim.run(m, duration="1h", faults=[sim.RandomCrashes("db", mttf="10m", mttr="30s")])
    """

    target: object
    mttf: object = "1h"
    mttr: object = "1m"
    at: object = 0.0
    duration: object = None
    kind = "random_crashes"

    def __post_init__(self):
        self.target = _target(self.target)
        self._mttf = self._time(self.mttf, "RandomCrashes.mttf")
        self._mttr = self._time(self.mttr, "RandomCrashes.mttr")
        self._window()

    @staticmethod
    def _time(value, name: str) -> Distribution:
        if isinstance(value, Distribution):
            d = value
        else:
            if to_ns(value, name) == 0:
                raise ValueError(f"{name} must be > 0")
            d = Exp(value)
        mean = d.mean()
        if mean is not None and not mean > 0:
            raise ValueError(f"{name} must have a mean > 0, got {d!r}")
        return d

    def _spec(self):
        f = super()._spec()
        f.mttf, f.mttr = self._mttf._impl, self._mttr._impl
        return f


@dataclass
class Partition(Fault):
    """Messages between the sites of group ``a`` and those of group ``b`` are
    lost (only from a to b when ``one_way``); the sender learns of it as
    "dropped" after the message's transit time, as for network loss. Messages
    within a group, or to or from a site in neither, pass.

    Example::

        sim.run(m, duration="5m", faults=[sim.Partition("eu", "us", at="1m", duration="30s")])
    """

    a: object
    b: object
    at: object = 0.0
    duration: object = None
    one_way: bool = False
    kind = "partition"

    def __post_init__(self):
        self.a = _sites(self.a, "Partition.a")
        self.b = _sites(self.b, "Partition.b")
        if not isinstance(self.one_way, bool):
            raise ValueError(f"Partition.one_way must be True or False, got {self.one_way!r}")
        self._window()

    def _spec(self):
        f = super()._spec()
        f.sites_a, f.sites_b, f.one_way = self.a, self.b, self.one_way
        return f


@dataclass
class LinkLatency(Fault):
    """Messages between the sites of group ``a`` and those of group ``b`` (both
    ways) take an extra ``latency`` (a distribution, or a duration).

    Example::

        sim.run(m, duration="5m", faults=[sim.LinkLatency("eu", "us", latency="200ms", at="1m")])
    """

    a: object
    b: object
    latency: object = "10ms"
    at: object = 0.0
    duration: object = None
    kind = "link_latency"

    def __post_init__(self):
        self.a = _sites(self.a, "LinkLatency.a")
        self.b = _sites(self.b, "LinkLatency.b")
        self._latency = as_distribution(self.latency, "LinkLatency.latency")
        self._window()

    def _spec(self):
        f = super()._spec()
        f.sites_a, f.sites_b, f.latency = self.a, self.b, self._latency._impl
        return f

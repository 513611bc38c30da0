"""Workloads: how a client sends requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral
from typing import Sequence

from ._units import to_ns
from .distributions import Distribution, as_distribution

__all__ = ["Open", "Closed", "Burst"]


def _rate(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name}: expected a rate in requests per second, got {value!r}")
    if not 0 <= value <= 1e10:  # also rejects NaN
        raise ValueError(f"{name}: rate must be in [0, 1e10] per second, got {value}")
    return float(value)


@dataclass(frozen=True)
class Burst:
    """Extra load: the rate becomes ``rate`` (or base x ``factor``) during [at, at + duration).

    Example::

        sim.Open(200, bursts=[sim.Burst(at="30s", duration="5s", rate=2000)])
    """

    at: object
    duration: object
    rate: float | None = None
    factor: float | None = None

    def __post_init__(self):
        if (self.rate is None) == (self.factor is None):
            raise ValueError("Burst: give exactly one of rate or factor")
        if self.rate is not None:
            _rate(self.rate, "Burst.rate")
        elif isinstance(self.factor, bool) or not isinstance(self.factor, (int, float)) or not self.factor >= 0:
            raise ValueError(f"Burst.factor must be a number >= 0 (a multiple of the base rate), got {self.factor!r}")


class Open:
    """Poisson arrivals at ``rate`` per second.

    ``schedule`` lists ``(time, rate)`` changes, e.g. ``[("0s", 100), ("1m", 400)]``;
    ``bursts`` overlay temporary changes. Between changes the rate is constant
    and arrivals are exactly Poisson.

    Example::

        sim.Open(rate=500)
        sim.Open(100, schedule=[("0s", 100), ("1m", 400)], bursts=[sim.Burst(at="2m", duration="10s", factor=3)])
    """

    def __init__(self, rate: float = 1.0, *, schedule: Sequence | None = None, bursts: Sequence[Burst] = ()):
        points = {0: _rate(rate, "Open.rate")}
        for item in schedule or ():
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise ValueError(f"Open.schedule: expected (time, rate) pairs, got {item!r}")
            points[to_ns(item[0], "Open.schedule time")] = _rate(item[1], "Open.schedule rate")
        segments = sorted(points.items())
        for b in bursts:
            if not isinstance(b, Burst):
                raise ValueError(f"Open.bursts: expected archsim.Burst, got {b!r}")
            start = to_ns(b.at, "Burst.at")
            end = start + to_ns(b.duration, "Burst.duration")
            segments = _overlay(segments, start, end, b)
        self.segments = segments  # [(from_ns, rate)], sorted, first at 0
        self.rate = float(rate)

    def rate_at(self, t_ns: int) -> float:
        r = self.segments[0][1]
        for t, rate in self.segments:
            if t <= t_ns:
                r = rate
        return r

    def __repr__(self):
        return f"Open(rate={self.rate:g}, segments={len(self.segments)})"


def _overlay(segments, start, end, burst):
    def base_at(t):
        r = segments[0][1]
        for s, rate in segments:
            if s <= t:
                r = rate
        return r

    times = sorted({s for s, _ in segments} | {start, end})
    out = []
    for t in times:
        base = base_at(t)
        if start <= t < end:
            rate = burst.rate if burst.rate is not None else base * burst.factor
            rate = _rate(rate, "Burst")
        else:
            rate = base
        if not out or out[-1][1] != rate:
            out.append((t, rate))
    return out


@dataclass
class Closed:
    """``users`` users, each: send a request, wait for the reply, think, repeat.

    Example::

        m.client("users", target=api, workload=sim.Closed(users=200, think=sim.Exp("1s")))
    """

    users: int
    think: object = 0.0
    think_dist: Distribution = field(init=False)

    def __post_init__(self):
        if isinstance(self.users, bool) or not isinstance(self.users, Integral) or not 1 <= self.users <= 100_000_000:
            raise ValueError(f"Closed.users must be an integer in [1, 10^8], got {self.users!r}")
        self.users = int(self.users)
        self.think_dist = as_distribution(self.think, "Closed.think")

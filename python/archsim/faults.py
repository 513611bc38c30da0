"""Faults: scheduled failures injected into a run, the same way every time.

    sim.run(m, duration="10m", seed=1,
            faults=[sim.Crash("orders-db[0]", at="2m", duration="30s"),
                    sim.Slow("checkout", factor=4, at="5m", duration="1m")])

A target is one instance ("db[0]") or every instance of a service ("db").
Each run's fault log is ``Result.faults``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _core
from ._units import to_ns

__all__ = ["Fault", "Crash", "Slow"]


def _target(value) -> str:
    name = getattr(value, "name", value)
    if not isinstance(name, str) or not name:
        raise ValueError(f"fault target must be a service or an instance such as 'db[0]', got {value!r}")
    return name


class Fault:
    """Base of the faults: a target, a start time and an optional duration."""

    kind = ""

    def _spec(self):
        f = _core.FaultSpec()
        f.kind, f.target, f.at = self.kind, self.target, self.at_ns
        if self.duration_ns is not None:
            f.duration = self.duration_ns
        return f


@dataclass
class Crash(Fault):
    """The instance crashes at ``at``: its queued and in-service requests fail
    with "unavailable", and so does every request that reaches it until it
    restarts after ``duration`` (None: it stays down)."""

    target: object
    at: object = 0.0
    duration: object = None
    kind = "crash"

    def __post_init__(self):
        self.target = _target(self.target)
        self.at_ns = to_ns(self.at, "Crash.at")
        self.duration_ns = None if self.duration is None else to_ns(self.duration, "Crash.duration")
        if self.duration_ns == 0:
            raise ValueError("Crash.duration must be > 0 (None: until the end of the run)")


@dataclass
class Slow(Fault):
    """Service times of the instance are multiplied by ``factor`` from ``at``
    for ``duration`` (None: until the end of the run)."""

    target: object
    factor: float = 2.0
    at: object = 0.0
    duration: object = None
    kind = "slow"

    def __post_init__(self):
        self.target = _target(self.target)
        if isinstance(self.factor, bool) or not isinstance(self.factor, (int, float)) or not 0 < self.factor < 1e6:
            raise ValueError(f"Slow.factor must be a number in (0, 10^6), got {self.factor!r}")
        self.at_ns = to_ns(self.at, "Slow.at")
        self.duration_ns = None if self.duration is None else to_ns(self.duration, "Slow.duration")
        if self.duration_ns == 0:
            raise ValueError("Slow.duration must be > 0 (None: until the end of the run)")

    def _spec(self):
        f = super()._spec()
        f.factor = float(self.factor)
        return f

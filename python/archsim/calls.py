"""Calls: the edges from a service to its dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

__all__ = ["Call", "Parallel", "STRATEGIES"]

STRATEGIES = ("round_robin", "random", "least_outstanding", "p2c")


def target_name(target) -> str:
    name = getattr(target, "name", target)
    if not isinstance(name, str) or not name:
        raise ValueError(f"expected a component (or its name) as target, got {target!r}")
    return name


@dataclass
class Call:
    """A synchronous call to ``target``.

    ``op`` is the operation sent (default: the incoming request's);
    ``strategy`` picks the target's instance when the caller balances itself.
    """

    target: object
    op: str | None = None
    strategy: str = "round_robin"

    def __post_init__(self):
        self.target = target_name(self.target)
        if self.strategy not in STRATEGIES:
            raise ValueError(f"Call.strategy must be one of {', '.join(STRATEGIES)}; got {self.strategy!r}")


@dataclass
class Parallel:
    """Calls made at once. ``wait`` is "all", "first", or an integer k (k of n)."""

    calls: Sequence[Call]
    wait: object = "all"

    def __post_init__(self):
        if isinstance(self.calls, (str, Call)) or hasattr(self.calls, "kind"):
            self.calls = [self.calls]  # a single call or component
        self.calls = [c if isinstance(c, Call) else Call(c) for c in self.calls]
        if not self.calls:
            raise ValueError("Parallel: needs at least one call")
        n = len(self.calls)
        if isinstance(self.wait, bool) or not (self.wait in ("all", "first") or isinstance(self.wait, int)):
            raise ValueError(f"Parallel.wait must be 'all', 'first' or an integer k in [1, {n}]; got {self.wait!r}")
        if isinstance(self.wait, int) and not 1 <= self.wait <= n:
            raise ValueError(f"Parallel.wait: k must be in [1, {n}], got {self.wait}")

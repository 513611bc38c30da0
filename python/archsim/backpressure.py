"""Backpressure: a busy service tells the services calling it to hold their requests."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

__all__ = ["Backpressure"]


@dataclass
class Backpressure:
    """An instance whose queue reaches ``high`` waiting requests is *pressing* until its
    queue is down to ``low`` (default high // 2). A service calling it sends to an
    instance that is not pressing; when every instance is, the attempt waits at the
    caller, holding the caller's worker, until one stops pressing. Overload then
    backs up the call chain: the caller's own queue grows, and its own backpressure
    or ``queue_limit`` sheds at the edge. Clients and balancers do not hold back.

    Example::

        m.service("db", workers=8, backpressure=sim.Backpressure(high=50, low=20))
    """

    high: int
    low: int | None = None

    def __post_init__(self):
        if isinstance(self.high, bool) or not isinstance(self.high, Integral) or not 1 <= self.high <= 2**62:
            raise ValueError(f"Backpressure.high must be an integer >= 1 (waiting requests), got {self.high!r}")
        if self.low is None:
            self.low = self.high // 2
        if isinstance(self.low, bool) or not isinstance(self.low, Integral) or not 0 <= self.low < self.high:
            raise ValueError(f"Backpressure.low must be an integer in [0, high), got {self.low!r}")

"""Calls: the edges from a service to its dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

__all__ = ["Call", "Parallel", "Retry", "CircuitBreaker", "Hedge", "STRATEGIES", "JITTERS", "ERROR_KINDS"]

STRATEGIES = ("round_robin", "random", "least_outstanding", "p2c")
JITTERS = ("none", "full", "equal", "decorrelated")
ERROR_KINDS = ("timeout", "rejected", "unavailable", "circuit_open", "dropped", "error")


@dataclass
class Retry:
    """Retry a failed call: up to ``attempts`` tries in all.

    The wait before retry k is ``backoff * 2^(k-1)``, at most ``cap``, with
    ``jitter`` "none", "full" (uniform in [0, d]), "equal" (d/2 + uniform in
    [0, d/2]) or "decorrelated" (uniform in [backoff, 3 x the previous wait],
    capped). ``budget``: retries allowed per first attempt on this call edge
    over the run (e.g. 0.1), None for no limit. ``on``: the errors worth
    retrying.

        sim.Call(db, timeout="50ms", retry=sim.Retry(attempts=3, backoff="10ms", jitter="full"))

    Example::

        sim.Retry(attempts=3, backoff="10ms", cap="200ms", jitter="full", budget=0.1)
    """

    attempts: int = 3
    backoff: object = "10ms"
    cap: object = "1s"
    jitter: str = "none"
    budget: float | None = None
    on: tuple = ("timeout", "rejected", "unavailable", "dropped", "error")

    def __post_init__(self):
        from ._units import to_ns

        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int) or not 1 <= self.attempts <= 100:
            raise ValueError(f"Retry.attempts must be an integer in [1, 100], got {self.attempts!r}")
        self.backoff_ns = to_ns(self.backoff, "Retry.backoff")
        self.cap_ns = to_ns(self.cap, "Retry.cap")
        if self.jitter not in JITTERS:
            raise ValueError(f"Retry.jitter must be one of {', '.join(JITTERS)}; got {self.jitter!r}")
        if self.budget is not None and (isinstance(self.budget, bool) or not isinstance(self.budget, (int, float))
                                        or not self.budget >= 0):
            raise ValueError(f"Retry.budget must be a number >= 0 (retries per first attempt) or None, "
                             f"got {self.budget!r}")
        self.on = (self.on,) if isinstance(self.on, str) else tuple(self.on)
        for e in self.on:
            if e not in ERROR_KINDS:
                raise ValueError(f"Retry.on: unknown error {e!r}; accepted: {', '.join(ERROR_KINDS)}")


def target_name(target) -> str:
    name = getattr(target, "name", target)
    if not isinstance(name, str) or not name:
        raise ValueError(f"expected a component (or its name) as target, got {target!r}")
    return name


@dataclass
class CircuitBreaker:
    """Stop calling a failing dependency for a while.

    Opens after ``consecutive_failures`` failed attempts in a row, or when the
    failure rate over the last ``window`` attempts reaches ``failure_rate``
    (give one or both). While open, attempts fail at once with
    "circuit_open" for ``open_for``; then ``probes`` trial attempts go out:
    all succeeding closes it, any failing opens it again. One breaker guards
    a call edge for all instances of the calling service.

        sim.Call(db, breaker=sim.CircuitBreaker(failure_rate=0.5, window=20, open_for="5s"))

    Example::

        sim.Call(db, breaker=sim.CircuitBreaker(failure_rate=0.5, window=20, open_for="5s"))
    """

    consecutive_failures: int | None = None
    failure_rate: float | None = None
    window: int = 20
    open_for: object = "5s"
    probes: int = 1

    def __post_init__(self):
        from ._units import to_ns

        if self.consecutive_failures is None and self.failure_rate is None:
            raise ValueError("CircuitBreaker: give consecutive_failures, failure_rate, or both")
        if self.consecutive_failures is not None and (
                isinstance(self.consecutive_failures, bool) or not isinstance(self.consecutive_failures, int)
                or self.consecutive_failures < 1):
            raise ValueError(f"CircuitBreaker.consecutive_failures must be an integer >= 1, "
                             f"got {self.consecutive_failures!r}")
        if self.failure_rate is not None and (isinstance(self.failure_rate, bool)
                                              or not isinstance(self.failure_rate, (int, float))
                                              or not 0 < self.failure_rate <= 1):
            raise ValueError(f"CircuitBreaker.failure_rate must be in (0, 1], got {self.failure_rate!r}")
        for name in ("window", "probes"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 1_000_000:
                raise ValueError(f"CircuitBreaker.{name} must be an integer in [1, 10^6], got {v!r}")
        self.open_for_ns = to_ns(self.open_for, "CircuitBreaker.open_for")
        if self.open_for_ns == 0:
            raise ValueError("CircuitBreaker.open_for must be > 0")


@dataclass
class Hedge:
    """Send a second copy of an attempt to another instance when the first has
    not replied after ``delay``, or after the ``percentile`` of this call's
    observed attempt latency (give one); the first success wins and the other
    reply is ignored. With ``percentile``, no hedge goes out until ``min_samples``
    attempts have succeeded; the percentile is recomputed every 64 successes.

    Example::

        sim.Call(db, hedge=sim.Hedge(percentile=95))
    """

    delay: object = None
    percentile: float | None = None
    min_samples: int = 100

    def __post_init__(self):
        from ._units import to_ns

        if (self.delay is None) == (self.percentile is None):
            raise ValueError("Hedge: give delay=... or percentile=... (one of them)")
        self.delay_ns = None if self.delay is None else to_ns(self.delay, "Hedge.delay")
        if self.percentile is not None and (isinstance(self.percentile, bool)
                                            or not isinstance(self.percentile, (int, float))
                                            or not 0 < self.percentile < 100):
            raise ValueError(f"Hedge.percentile must be in (0, 100), e.g. 95, got {self.percentile!r}")
        if isinstance(self.min_samples, bool) or not isinstance(self.min_samples, int) \
                or not 1 <= self.min_samples <= 10_000_000:
            raise ValueError(f"Hedge.min_samples must be an integer in [1, 10^7], got {self.min_samples!r}")


@dataclass
class Call:
    """A synchronous call to ``target``.

    ``op`` is the operation sent (default: the incoming request's);
    ``strategy`` picks the target's instance when the caller balances itself;
    ``timeout`` bounds each attempt (the call fails with "timeout"); ``retry``
    is a ``Retry`` policy; ``breaker`` a ``CircuitBreaker``; ``bulkhead`` the
    most attempts in flight on this edge (more fail at once as "rejected");
    ``hedge`` a ``Hedge`` policy. ``idempotent=False`` marks a call whose
    effect must happen once (a payment): when the dependency completes more
    than one attempt of one call (a retry after a timeout, a hedge), each
    extra completion counts as a duplicate effect (``duplicates`` column).

    Example::

        sim.Call(db, op="write", timeout="50ms", retry=sim.Retry(attempts=3), bulkhead=32)
    """

    target: object
    op: str | None = None
    strategy: str = "round_robin"
    timeout: object = None
    retry: Retry | None = None
    breaker: CircuitBreaker | None = None
    bulkhead: int | None = None
    hedge: Hedge | None = None
    idempotent: bool = True

    def __post_init__(self):
        from ._units import to_ns

        self.target = target_name(self.target)
        if self.strategy not in STRATEGIES:
            raise ValueError(f"Call.strategy must be one of {', '.join(STRATEGIES)}; got {self.strategy!r}")
        self.timeout_ns = None if self.timeout is None else to_ns(self.timeout, "Call.timeout")
        if self.timeout_ns == 0:
            raise ValueError("Call.timeout must be > 0 (None for no timeout)")
        if self.retry is not None and not isinstance(self.retry, Retry):
            raise ValueError(f"Call.retry must be an archsim.Retry or None, got {self.retry!r}")
        if self.breaker is not None and not isinstance(self.breaker, CircuitBreaker):
            raise ValueError(f"Call.breaker must be an archsim.CircuitBreaker or None, got {self.breaker!r}")
        if self.bulkhead is not None and (isinstance(self.bulkhead, bool) or not isinstance(self.bulkhead, int)
                                          or not 1 <= self.bulkhead <= 10_000_000):
            raise ValueError(f"Call.bulkhead must be an integer in [1, 10^7] (attempts in flight) or None, "
                             f"got {self.bulkhead!r}")
        if self.hedge is not None and not isinstance(self.hedge, Hedge):
            raise ValueError(f"Call.hedge must be an archsim.Hedge or None, got {self.hedge!r}")
        if not isinstance(self.idempotent, bool):
            raise ValueError(f"Call.idempotent must be True or False, got {self.idempotent!r}")


@dataclass
class Parallel:
    """Calls made at once. ``wait`` is "all", "first", or an integer k (k of n).

    Example::

        m.service("api", calls=[sim.Parallel([sim.Call(a), sim.Call(b), sim.Call(c)], wait=2)])
    """

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

"""Token-bucket rate limits for services."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RateLimit"]


@dataclass(frozen=True)
class RateLimit:
    """Admit at most ``rate`` requests per second with bursts of up to ``burst``.

    A token bucket refilled at ``rate`` per second, holding at most ``burst``
    tokens; each arrival takes one or is refused with "rejected". With
    ``per_tenant`` each tenant has its own bucket, so one noisy tenant cannot
    use up the others' share.

        m.service("api", rate_limit=sim.RateLimit(rate=500, burst=50, per_tenant=True))

    Example::

        m.service("api", rate_limit=sim.RateLimit(rate=1000, burst=100, per_tenant=True))
    """

    rate: float
    burst: float = 1.0
    per_tenant: bool = False

    def __post_init__(self):
        for name, low in (("rate", 0.0), ("burst", 1.0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not low <= v <= 1e10:
                raise ValueError(f"RateLimit.{name} must be a number in [{low:g}, 1e10], got {v!r}")
        if not isinstance(self.per_tenant, bool):
            raise ValueError(f"RateLimit.per_tenant must be True or False, got {self.per_tenant!r}")

"""Multi-tenancy: per-tenant quotas of a service and per-tenant results.

A tenant is named by the clients that send its requests
(``m.client("acme-web", ..., tenant="acme")``); each such client is one of the
tenant's workloads, with its own arrival process, operation mix and keys, and
its keys live in the tenant's own key space. A service's ``quotas`` table
limits each tenant on its own; ``res.tenants()`` reports each tenant.
See docs/guide/multi-tenancy.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from . import _core
from .histogram import LatencyHistogram

__all__ = ["Quota"]


@dataclass(frozen=True)
class Quota:
    """One tenant's limits at a service: a token bucket of ``rate`` requests per second
    with bursts of ``burst``, and at most ``max_in_flight`` of its requests in the service
    at once (waiting or being served, over all instances). An arrival beyond either fails
    with "rejected" and counts as refused for its tenant. Give a rate, a max_in_flight or both.

    Example::

        m.service("api", workers=8, quotas={"bulk": sim.Quota(rate=200, burst=20),
                                            "batch": sim.Quota(max_in_flight=4)})
    """

    rate: float = 0.0
    burst: float = 1.0
    max_in_flight: int | None = None

    def __post_init__(self):
        for name, low in (("rate", 0.0), ("burst", 1.0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not low <= v <= 1e10:
                raise ValueError(f"Quota.{name} must be a number in [{low:g}, 1e10], got {v!r}")
        m = self.max_in_flight
        if m is not None and (isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 2**31):
            raise ValueError(f"Quota.max_in_flight must be an integer in [1, 2^31] or None, got {m!r}")
        if self.rate == 0 and m is None:
            raise ValueError("Quota limits nothing: give rate (requests per second) or max_in_flight")


def quota_specs(where: str, quotas) -> list:
    """The builder's ``quotas`` mapping (tenant -> Quota) as core specs."""
    if not isinstance(quotas, Mapping):
        raise ValueError(f"{where}: quotas must map tenant names to archsim.Quota, got {quotas!r}")
    specs = []
    for tenant, q in quotas.items():
        if not isinstance(tenant, str) or not tenant:
            raise ValueError(f"{where}: quotas: a tenant name must be a non-empty string, got {tenant!r}")
        if not isinstance(q, Quota):
            raise ValueError(f"{where}: quotas[{tenant!r}] must be an archsim.Quota, got {q!r}")
        s = _core.TenantQuotaSpec()
        s.tenant, s.rate, s.burst = tenant, float(q.rate), float(q.burst)
        s.max_in_flight = q.max_in_flight or 0
        specs.append(s)
    return specs


def tenant_names(raw) -> list[str]:
    return [t.name for t in raw.tenants]


def tenant_latency(raw, name: str) -> LatencyHistogram:
    """Latency histogram (seconds) of tenant ``name``'s successful client requests."""
    from .result import _copy_hist

    for t in raw.tenants:
        if t.name == name:
            return LatencyHistogram(_copy_hist(t.latency))
    known = tenant_names(raw)
    raise KeyError(f"no tenant {name!r} in this result; tenants: {known or 'none (name them with a client tenant=)'}")


_COLUMNS = ["tenant", "arrivals", "completed", "errors", "refused", "throughput", "availability", "mean", "p50",
            "p90", "p99", "p999", "max"]


def tenant_frame(raw, seconds: float) -> pd.DataFrame:
    """One row per tenant: client requests (arrivals, completed, errors by kind), requests
    services refused, throughput, availability and latency percentiles in seconds."""
    rows = []
    for t in raw.tenants:
        h = tenant_latency(raw, t.name)
        errors = t.errors
        finished = t.completed + sum(errors.values())
        row = {"tenant": t.name, "arrivals": t.arrivals, "completed": t.completed, "errors": sum(errors.values()),
               "refused": t.refused, "throughput": t.completed / seconds if seconds else float("nan"),
               "availability": t.completed / finished if finished else float("nan"),
               "mean": h.mean() if h.count else float("nan")}
        for label, q in (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9)):
            row[label] = h.percentile(q) if h.count else float("nan")
        row["max"] = h.max() if h.count else float("nan")
        row.update({f"errors_{k}": v for k, v in errors.items()})
        rows.append(row)
    if not rows:
        return pd.DataFrame(columns=_COLUMNS)
    return pd.DataFrame(rows)


def tenant_report(frame: pd.DataFrame, ms, pct) -> list[str]:
    """The report's per-tenant table; nothing for a model without named tenants."""
    if frame.empty:
        return []
    header = f"{'tenant':<16}{'thru/s':>10}{'mean':>10}{'p50':>10}{'p99':>10}{'p99.9':>10}{'errors':>9}" \
             f"{'refused':>9}{'avail':>9}"
    lines = ["", header, "-" * len(header)]
    for _, r in frame.iterrows():
        lines.append(f"{r['tenant']:<16}{r['throughput']:>10.1f}{ms(r['mean']):>10}{ms(r['p50']):>10}"
                     f"{ms(r['p99']):>10}{ms(r['p999']):>10}{int(r['errors']):>9}{int(r['refused']):>9}"
                     f"{pct(r['availability']):>9}")
    return lines


def tenant_records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).replace({np.nan: None}).to_dict(orient="records")

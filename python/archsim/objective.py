"""Service-level objectives checked against a run's result: the CLI's exit code 1.

    m.slo("web", p99="200ms", availability=0.999)
    verdicts = [v for o in m.slos for v in o.evaluate(res)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._units import to_ns

__all__ = ["Objective", "LATENCY_METRICS"]

# summary column -> label used in reports
LATENCY_METRICS = {"mean": "mean", "p50": "p50", "p90": "p90", "p99": "p99", "p999": "p99.9"}


@dataclass
class Objective:
    """Targets for one component (and optionally one operation).

    Latency targets (``mean``, ``p50``, ``p90``, ``p99``, ``p999``) are upper bounds on
    the latency of successful requests over the measured window; ``availability`` is a
    lower bound on successful / finished requests. Each target is one verdict.
    """

    component: str
    op: str | None = None
    mean: object = None
    p50: object = None
    p90: object = None
    p99: object = None
    p999: object = None
    availability: float | None = None
    name: str | None = None

    def __post_init__(self):
        self.component = getattr(self.component, "name", self.component)
        if not isinstance(self.component, str) or not self.component:
            raise ValueError(f"SLO: component must be a component name, got {self.component!r}")
        self.targets = {}
        for metric in LATENCY_METRICS:
            value = getattr(self, metric)
            if value is not None:
                ns = to_ns(value, f"SLO {metric}")
                if ns == 0:
                    raise ValueError(f"SLO {metric} must be > 0")
                self.targets[metric] = ns / 1e9
        if self.availability is not None:
            a = self.availability
            if isinstance(a, bool) or not isinstance(a, (int, float)) or not 0 < a <= 1:
                raise ValueError(f"SLO availability must be in (0, 1], got {a!r}")
            self.targets["availability"] = float(a)
        if not self.targets:
            raise ValueError("SLO: give at least one target: availability, mean, p50, p90, p99 or p999")

    @property
    def label(self) -> str:
        return self.name or (self.component if self.op is None else f"{self.component}/{self.op}")

    def evaluate(self, result) -> list[dict]:
        """One verdict per target: objective, component, metric, target, measured, ok.

        A component that finished no request in the measured window fails every target
        (measured is NaN): an objective about nothing cannot be met.
        """
        rows = result.summary(by_op=self.op is not None)
        rows = rows[(rows.component == self.component) & (rows.op == (self.op or "all"))]
        if rows.empty:
            raise ValueError(f"SLO {self.label}: no component {self.component!r}"
                             + ("" if self.op is None else f" with operation {self.op!r}") + " in the result")
        row = rows.iloc[0]
        verdicts = []
        for metric, target in self.targets.items():
            measured = float(row[metric])
            if metric == "availability":
                ok = not math.isnan(measured) and measured >= target
            else:
                ok = not math.isnan(measured) and measured <= target
            verdicts.append({"objective": self.label, "component": self.component, "op": self.op or "all",
                             "metric": metric, "target": target, "measured": measured, "ok": ok})
        return verdicts

"""Autoscaling: a service's autoscaler, and the instance count over time it produces.

    api = m.service("api", instances=2, workers=8, service_time=sim.Exp("20ms"),
                    autoscale=sim.Autoscale(target_utilisation=0.6, min=2, max=20, interval="15s",
                                            cooldown="60s", provisioning_delay="30s"))
    res.timeseries("api", "instances")   # active instances, time-averaged per window
    res.scaling("api")                    # one row per scaling decision
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd

from ._units import to_ns

__all__ = ["Autoscale", "AUTOSCALE_SERIES"]

# Time series of an autoscaled service (Result.timeseries): instances by state.
AUTOSCALE_SERIES = ("instances", "provisioning", "draining")


@dataclass(frozen=True, kw_only=True)
class Autoscale:
    """An autoscaler on a service, with the Kubernetes HPA rule: every ``interval`` it
    averages its metric over the interval, across the *active* instances, and asks for
    ``ceil(active * observed / target)`` instances (``active`` averaged over the interval
    too), clamped to [``min``, ``max``]; no change while ``observed / target`` is within
    ``tolerance`` of 1.

    Give one metric: ``target_utilisation`` (busy workers / workers, in (0, 1]) or
    ``target_queue`` (waiting requests per instance). A scale-up starts new instances that
    take requests only after ``provisioning_delay`` (a draining instance is taken back at
    once); a scale-down cancels provisioning instances first, then drains the
    highest-numbered active ones: they take no new requests and stop once they have
    finished what they hold. After any scaling, the next scale-up waits
    ``scale_up_cooldown`` and the next scale-down ``scale_down_cooldown`` (both default to
    ``cooldown``). The service's ``instances`` is the count at the start (raised to ``min``).

    Example::

        sim.Autoscale(target_utilisation=0.6, min=2, max=20, interval="15s", cooldown="60s",
                      provisioning_delay="30s")
    """

    target_utilisation: float | None = None
    target_queue: float | None = None
    min: int = 1
    max: int
    interval: object = "15s"
    cooldown: object = "60s"
    scale_up_cooldown: object = None
    scale_down_cooldown: object = None
    provisioning_delay: object = 0.0
    tolerance: float = 0.0

    def __post_init__(self):
        u, q = self.target_utilisation, self.target_queue
        if (u is None) == (q is None):
            raise ValueError("Autoscale: give one of target_utilisation (busy fraction in (0, 1]) or "
                             f"target_queue (waiting requests per instance), got {u!r} and {q!r}")
        if u is not None and not _number_in(u, 0, 1):
            raise ValueError(f"Autoscale.target_utilisation must be a number in (0, 1], got {u!r}")
        if q is not None and not _number_in(q, 0, 1e9):
            raise ValueError(f"Autoscale.target_queue must be a number in (0, 1e9] waiting requests per "
                             f"instance, got {q!r}")
        for name in ("min", "max"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, Integral) or not 1 <= v <= 1_000_000:
                raise ValueError(f"Autoscale.{name} must be an integer in [1, 1000000], got {v!r}")
        if self.min > self.max:
            raise ValueError(f"Autoscale: min ({self.min}) must be <= max ({self.max})")
        if to_ns(self.interval, "Autoscale.interval") <= 0:
            raise ValueError(f"Autoscale.interval must be > 0, got {self.interval!r}")
        for name in ("cooldown", "scale_up_cooldown", "scale_down_cooldown", "provisioning_delay"):
            if getattr(self, name) is not None:
                to_ns(getattr(self, name), f"Autoscale.{name}")
        t = self.tolerance
        if isinstance(t, bool) or not isinstance(t, Real) or not 0 <= t < 1:
            raise ValueError(f"Autoscale.tolerance must be a number in [0, 1), got {t!r}")

    @property
    def metric(self) -> str:
        """"utilisation" or "queue"."""
        return "utilisation" if self.target_utilisation is not None else "queue"

    @property
    def target(self) -> float:
        return float(self.target_utilisation if self.target_utilisation is not None else self.target_queue)

    def _spec(self):
        from . import _core

        a = _core.AutoscaleSpec()
        a.metric, a.target, a.min, a.max = self.metric, self.target, int(self.min), int(self.max)
        a.interval = to_ns(self.interval, "Autoscale.interval")
        cooldown = to_ns(self.cooldown, "Autoscale.cooldown")
        up, down = self.scale_up_cooldown, self.scale_down_cooldown
        a.scale_up_cooldown = cooldown if up is None else to_ns(up, "Autoscale.scale_up_cooldown")
        a.scale_down_cooldown = cooldown if down is None else to_ns(down, "Autoscale.scale_down_cooldown")
        a.provisioning_delay = to_ns(self.provisioning_delay, "Autoscale.provisioning_delay")
        a.tolerance = float(self.tolerance)
        return a


def _number_in(v, low_open: float, high: float) -> bool:
    return not isinstance(v, bool) and isinstance(v, Real) and low_open < v <= high


def scaling_frame(comp) -> pd.DataFrame:
    """One row per decision of ``comp``'s autoscaler (Result.scaling)."""
    a = comp.autoscale
    rows = [{"time_s": at / 1e9, "from": frm, "to": to, "reason": "scale_up" if to > frm else "scale_down",
             "metric": a.metric, "observed": observed, "target": a.target}
            for at, frm, to, observed in a.decisions]
    return pd.DataFrame(rows, columns=["time_s", "from", "to", "reason", "metric", "observed", "target"])


def count_series(comp, metric: str, width_ns: int, end_ns: int, measured_from_ns: int) -> pd.Series:
    """Instances in one state (active for "instances"), time-averaged per window of
    ``width_ns``, from the step function of the autoscaler's instance counts."""
    column = {"instances": 1, "provisioning": 2, "draining": 3}[metric]
    counts = comp.autoscale.counts
    times = np.array([c[0] for c in counts] + [end_ns], dtype=np.int64)
    levels = np.array([c[column] for c in counts], dtype=float)
    windows = max(1, -(-end_ns // width_ns))
    values = np.zeros(windows)
    for k in range(windows):  # the overlap of each constant piece with window k
        lo, hi = k * width_ns, min((k + 1) * width_ns, end_ns)
        overlap = np.clip(np.minimum(times[1:], hi) - np.maximum(times[:-1], lo), 0, None)
        values[k] = (overlap * levels).sum() / (hi - lo) if hi > lo else levels[-1]
    width = width_ns / 1e9
    s = pd.Series(values, index=pd.Index(np.arange(windows) * width, name="time_s"), name=metric)
    return s[s.index + width > measured_from_ns / 1e9 + 1e-12]


def autoscale_record(comp) -> dict:
    """An autoscaled service's timeline as plain data (Result.to_dict)."""
    a = comp.autoscale
    return {"metric": a.metric, "target": a.target,
            "decisions": scaling_frame(comp).to_dict(orient="records"),
            "counts": [{"time_s": at / 1e9, "active": n, "provisioning": p, "draining": d}
                       for at, n, p, d in a.counts]}


def autoscale_report(components, measured_from_ns: int, measured_to_ns: int) -> list[str]:
    """Report lines: per autoscaled service, its instances over the measured window."""
    scaled = [c for c in components if c.autoscale is not None]
    if not scaled:
        return []
    lines = ["", f"{'autoscaling':<16}{'target':>18}{'min':>6}{'mean':>8}{'max':>6}{'end':>6}{'ups':>6}{'downs':>6}",
             "-" * 72]
    for c in scaled:
        a = c.autoscale
        times = np.array([n[0] for n in a.counts] + [measured_to_ns], dtype=np.int64)
        active = np.array([n[1] for n in a.counts], dtype=float)
        span = np.clip(np.minimum(times[1:], measured_to_ns) - np.maximum(times[:-1], measured_from_ns), 0, None)
        seen = active[span > 0] if span.sum() else active[-1:]
        mean = (span * active).sum() / span.sum() if span.sum() else active[-1]
        ups = sum(1 for d in a.decisions if d[2] > d[1])
        target = f"{a.metric} {a.target:g}"
        lines.append(f"{c.name:<16}{target:>18}{int(seen.min()):>6}{mean:>8.2f}{int(seen.max()):>6}"
                     f"{int(active[-1]):>6}{ups:>6}{len(a.decisions) - ups:>6}")
    return lines

"""Service level objectives: a target on an SLI, its error budget and burn rate.

    slo = sim.SLO("web", availability=0.999)                       # 99.9 % of requests succeed
    slo = sim.SLO("web", percentile=99, threshold="200ms")         # p99 latency <= 200 ms
    slo = sim.SLO("web", availability=0.99, window="1m")           # ... in every minute
    res = sim.run(m, duration="10m", seed=1, slos=[slo])
    res.slos                                                       # verdicts, budget, burn rate

Both kinds count good events among valid ones (Google SRE workbook, ch. 2 and
5): availability counts successful requests among finished ones; a latency
objective counts successful requests no slower than ``threshold`` among the
successful ones, so "p99 <= 200 ms" is "at least 99 % within 200 ms". The
error budget is the share of bad events the objective allows,
(1 - objective) x valid; ``budget_consumed`` is bad / budget (1 = all of it);
the burn rate of a window is its bad fraction / (1 - objective), so a burn
rate of 1 spends the budget exactly over the compliance period.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from ._units import to_ns

__all__ = ["SLO", "slo_verdicts"]


@dataclass
class SLO:
    """An objective on one component's requests (a client, usually).

    Give ``availability`` (the target share of successful requests, e.g.
    0.999), or ``percentile`` and ``threshold`` (e.g. 99 and "200ms": that
    percentile of successful requests' latency must not exceed it).
    ``window``: the compliance window; None judges the whole measured run,
    a duration (a multiple of the run's window) judges each complete window
    of that length and the SLO is met only if every one is. ``op``: one
    operation only. ``name``: a label (default built from the others).

    Example::

        slo = sim.SLO("web", percentile=99, threshold="200ms")
        res = sim.run(m, duration="10m", slos=[slo, sim.SLO("web", availability=0.999)])
        res.slos_met
    """

    component: object
    availability: float | None = None
    percentile: float | None = None
    threshold: object = None
    window: object = None
    op: str | None = None
    name: str | None = None

    def __post_init__(self):
        self.component = getattr(self.component, "name", self.component)
        if not isinstance(self.component, str) or not self.component:
            raise ValueError(f"SLO.component must be a component or its name, got {self.component!r}")
        latency = self.percentile is not None or self.threshold is not None
        if (self.availability is None) == (not latency):
            raise ValueError("SLO: give availability=..., or percentile=... and threshold=... (not both)")
        if self.availability is not None:
            if isinstance(self.availability, bool) or not isinstance(self.availability, Real) \
                    or not 0 < self.availability < 1:
                raise ValueError(f"SLO.availability must be a fraction in (0, 1), e.g. 0.999, got {self.availability!r}")
            self.objective = float(self.availability)
            self.kind = "availability"
            self.threshold_ns = None
        else:
            if isinstance(self.percentile, bool) or not isinstance(self.percentile, Real) \
                    or not 0 < self.percentile < 100:
                raise ValueError(f"SLO.percentile must be in (0, 100), e.g. 99, got {self.percentile!r}")
            if self.threshold is None:
                raise ValueError("SLO.threshold: a latency SLO needs a threshold, e.g. '200ms'")
            self.threshold_ns = to_ns(self.threshold, "SLO.threshold")
            self.objective = float(self.percentile) / 100
            self.kind = "latency"
        self.window_ns = None if self.window is None else to_ns(self.window, "SLO.window")
        if self.window_ns == 0:
            raise ValueError("SLO.window must be > 0 (None: the whole run)")
        if self.op is not None and (not isinstance(self.op, str) or not self.op):
            raise ValueError(f"SLO.op must be an operation name or None, got {self.op!r}")
        if self.name is None:
            what = (f"availability>={self.availability:g}" if self.kind == "availability"
                    else f"p{self.percentile:g}<={self.threshold}")
            self.name = f"{self.component}{'/' + self.op if self.op else ''} {what}" + \
                (f" per {self.window}" if self.window is not None else "")

    # -- evaluation -------------------------------------------------------------
    def _counts(self, ops) -> tuple[np.ndarray, np.ndarray]:
        """(good, valid) per base window of the run, from time 0."""
        n = max((o.windows[-1][0] + 1 for o in ops if o.windows), default=0)
        good, valid = np.zeros(n), np.zeros(n)
        for o in ops:
            for i, completed, errors, hist in o.windows:  # only windows with a record are stored
                if self.kind == "availability":
                    good[i] += completed
                    valid[i] += completed + errors
                else:
                    good[i] += round(hist.cdf(self.threshold_ns) * hist.count) if hist.count else 0
                    valid[i] += completed
        return good, valid

    def series(self, result) -> pd.DataFrame:
        """Per compliance window: good and valid events, compliance, burn rate, met."""
        raw = result._raw
        base = raw.window_ns
        width = self.window_ns or base
        if width % base:
            raise ValueError(f"SLO {self.name!r}: window must be a multiple of the run's window ({base / 1e9:g}s)")
        ops = result._ops(self.component, self.op)
        good, valid = self._counts(ops)
        f = width // base if self.window_ns else None
        if f is None:  # one window: the whole measured run
            first = -(-raw.measured_from // base)  # base windows that start after the warm-up
            last = raw.measured_to // base          # and end before the run does
            good, valid = np.array([good[first:last].sum()]), np.array([valid[first:last].sum()])
            starts = np.array([raw.measured_from / 1e9])
        else:  # windows aligned on multiples of `width`, complete and after the warm-up
            first = -(-raw.measured_from // width)
            last = raw.measured_to // width
            pad = max(0, last * f - len(good))
            good, valid = np.pad(good, (0, pad)), np.pad(valid, (0, pad))
            good = good[first * f:last * f].reshape(-1, f).sum(axis=1)
            valid = valid[first * f:last * f].reshape(-1, f).sum(axis=1)
            starts = np.arange(first, max(first, last)) * width / 1e9
        groups = len(good)
        compliance = np.divide(good, valid, out=np.full(groups, np.nan), where=valid > 0)
        burn = (1 - compliance) / (1 - self.objective)
        return pd.DataFrame({"good": good.astype(np.int64), "valid": valid.astype(np.int64),
                             "compliance": compliance, "burn_rate": burn,
                             "met": ~(compliance < self.objective)},
                            index=pd.Index(starts, name="time_s"))

    def evaluate(self, result) -> dict:
        """The verdict on ``result``: met, compliance, error budget consumed, burn rates."""
        s = self.series(result)
        good, valid = int(s.good.sum()), int(s.valid.sum())
        budget = (1 - self.objective) * valid
        return {
            "slo": self.name, "component": self.component, "op": self.op or "all", "kind": self.kind,
            "objective": self.objective,
            "threshold": self.threshold_ns / 1e9 if self.threshold_ns is not None else float("nan"),
            "window": self.window_ns / 1e9 if self.window_ns else float("nan"),
            "valid": valid, "good": good,
            "compliance": good / valid if valid else float("nan"),
            "met": bool(s.met.all()) and valid > 0,
            "budget_consumed": (valid - good) / budget if budget > 0 else float("nan"),
            "max_burn_rate": float(s.burn_rate.max()) if valid else float("nan"),
            "windows_violated": int((~s.met).sum()),
        }


def slo_verdicts(slos, result) -> list[dict]:
    """Each SLO's verdict (``SLO.evaluate``) on a Result or a ReplicatedResult. With
    replications, an SLO is met when it is met in every replication; compliance is the
    mean, budget consumed and burn rate the worst.

    Example::

        slo_verdicts(m.slos, sim.run(m, **m.options))   # what ``archsim run`` prints
    """
    if not hasattr(result, "replications"):
        return [s.evaluate(result) for s in slos]
    verdicts = []
    for s in slos:
        each = [s.evaluate(r) for r in result.replications]
        v = dict(each[0])
        v["compliance"] = float(np.mean([e["compliance"] for e in each]))
        v["budget_consumed"] = max(e["budget_consumed"] for e in each)
        v["max_burn_rate"] = max(e["max_burn_rate"] for e in each)
        v["replications_met"] = sum(e["met"] for e in each)
        v["met"] = v["replications_met"] == len(each)
        verdicts.append(v)
    return verdicts

"""archsim.plan: the smallest setting that meets a latency SLO.

    p = archsim.plan(model, param="checkout.instances", slo="p99 < 200ms", load=2000)
    p.answer        # the smallest value meeting the SLO with 95 % confidence
    p.curve         # DataFrame: every value explored, analytic and simulated
    p.plot()

The search starts from the analytic estimate (``model.analyze()``): the
smallest value whose estimate meets the SLO. It then simulates that value with
independent replications and moves one step at a time, down while the SLO is
still met with confidence, up until it is, so the answer is simulated, not
assumed.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Integral
from typing import Callable

import numpy as np
import pandas as pd

from . import _core
from ._units import to_ns
from .model import Model
from .run import run

__all__ = ["plan", "Plan", "LatencyGoal"]

_METRICS = {"mean": None, "p50": 50.0, "p90": 90.0, "p99": 99.0, "p999": 99.9}
_SLO = re.compile(r"^\s*(\w+)\s*(<=|<)\s*(\S+)\s*$")
PARAMS = ("instances", "workers")


@dataclass(frozen=True)
class LatencyGoal:
    """A latency objective: ``metric`` (mean, p50, p90, p99, p999) below ``threshold`` seconds."""

    metric: str
    threshold: float
    inclusive: bool = False  # "<=" rather than "<"

    @classmethod
    def parse(cls, text: str) -> "LatencyGoal":
        m = _SLO.match(text) if isinstance(text, str) else None
        if m is None or m.group(1) not in _METRICS:
            raise ValueError(f"slo must read '<metric> < <duration>' with metric one of {', '.join(_METRICS)} and "
                             f"< or <=, e.g. 'p99 < 200ms'; got {text!r}")
        return cls(m.group(1), to_ns(m.group(3), "slo threshold") / 1e9, m.group(2) == "<=")

    def met_by(self, value: float) -> bool:
        return value <= self.threshold if self.inclusive else value < self.threshold

    def estimate(self, mean: float) -> float:
        """The analytic guess from a mean response time: exact for the mean; for a
        percentile q, the q-quantile of an exponential with that mean (the response
        time of an M/M/1 queue), -ln(1 - q) x mean."""
        q = _METRICS[self.metric]
        return mean if q is None else -math.log(1 - q / 100) * mean

    def __str__(self) -> str:
        return f"{self.metric} {'<=' if self.inclusive else '<'} {self.threshold:g}s"


@dataclass
class Plan:
    """The outcome of ``plan``: ``answer`` (None if no explored value met the
    SLO), ``start`` (the analytic starting point) and ``curve``, one row per
    value explored: analytic (estimate of the SLO metric, s), simulated (mean
    over replications), ci_low / ci_high (Student-t interval at the
    confidence), meets (ci_high below the threshold).

    Example::

        p = archsim.plan(m, param="api.workers", slo="p99 < 200ms"); p.curve
    """

    param: str
    slo: LatencyGoal
    at: str
    answer: int | None
    start: int
    confidence: float
    curve: pd.DataFrame

    def plot(self, ax=None):
        """The explored curve: simulated metric with its confidence interval, the
        analytic estimate and the SLO threshold, against the parameter."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        c = self.curve.sort_values("value")
        ax.errorbar(c.value, c.simulated * 1e3, yerr=[(c.simulated - c.ci_low) * 1e3, (c.ci_high - c.simulated) * 1e3],
                    fmt="o-", capsize=3, label=f"simulated {self.slo.metric} ({self.confidence:.0%} CI)")
        analytic = c[np.isfinite(c.analytic)]
        ax.plot(analytic.value, analytic.analytic * 1e3, "s--", alpha=0.7, label="analytic estimate")
        ax.axhline(self.slo.threshold * 1e3, color="red", lw=1, label=f"SLO {self.slo}")
        if self.answer is not None:
            ax.axvline(self.answer, color="green", lw=1, ls=":", label=f"answer {self.answer}")
        ax.set_xlabel(self.param)
        ax.set_ylabel(f"{self.slo.metric} at {self.at} (ms)")
        ax.legend(fontsize=8)
        return ax

    def __repr__(self) -> str:
        return f"<Plan {self.param}: answer {self.answer} for {self.slo} at {self.at} ({len(self.curve)} values explored)>"


# -- the model at one value ---------------------------------------------------------------------
def _service_field(model: Model, param: str):
    parts = param.split(".")
    if len(parts) != 2 or parts[1] not in PARAMS:
        raise ValueError(f"plan: param must be '<component>.<field>' with field one of {', '.join(PARAMS)}, "
                         f"e.g. 'checkout.instances'; got {param!r}")
    name, attr = parts
    for spec in model._services + (model._balancers if attr == "instances" else []):
        if spec.name == name:
            return spec, attr
    raise ValueError(f"plan: param {param!r}: no service{' or balancer' if attr == 'instances' else ''} named "
                     f"{name!r}; components: {list(model.components)}")


@contextmanager
def _set(spec, attr, value):
    old = getattr(spec, attr)
    setattr(spec, attr, value)
    try:
        yield
    finally:
        setattr(spec, attr, old)


def _client(model: Model, at: str | None):
    clients = {c.name: c for c in model._clients}
    if at is None:
        if len(clients) != 1:
            raise ValueError(f"plan: the model has {len(clients)} clients; say which one the SLO is measured at "
                             f"with at=, one of {list(clients)}")
        at = next(iter(clients))
    if at not in clients:
        raise ValueError(f"plan: at={at!r} is not a client of the model; clients: {list(clients)}")
    return clients[at]


# -- replications -------------------------------------------------------------------------------
def _replicated(model: Model, goal: LatencyGoal, at: str, replications: int, seed: int, confidence: float,
                run_options: dict) -> tuple[float, float, float]:
    """(mean, low, high) of the goal's metric at ``at`` over independent replications
    (``run(..., replications=R)``, Student-t interval at ``confidence``)."""
    reps = run(model, seed=seed, replications=replications, progress=False, **run_options)
    return reps.ci(at, goal.metric, confidence=confidence)


def plan(model: Model | Callable[[int], Model], param: str, slo: str, *, load: float | None = None,
         at: str | None = None, replications: int = 5, duration="20s", warmup="2s", seed: int = 0,
         confidence: float = 0.95, max_value: int = 256, **run_options) -> Plan:
    """The smallest value of ``param`` for which ``slo`` holds with ``confidence``.

    model: an ``archsim.Model`` (``param`` is then "<service>.instances",
        "<service>.workers" or "<balancer>.instances"), or a function
        ``build(value) -> Model`` (``param`` is then only a label).
    slo: "<metric> < <duration>", metric one of mean, p50, p90, p99, p999,
        measured at the client ``at`` (default: the model's only client).
    load: the rate (requests/s) of that client, which must be open (default:
        its own rate).
    replications, duration, warmup, seed and further run options: each value
        is simulated by ``run(..., replications=R, seed=seed)``, the same
        replication seeds for every value (common random numbers).

    The SLO holds at a value when the upper end of the two-sided Student-t
    interval at ``confidence`` (0.95: a 97.5 % one-sided bound) over the
    replications is below the threshold. The search starts at the smallest
    value whose analytic estimate meets the SLO (for a percentile, the
    estimate is that of an exponential response time with the analytic mean)
    and assumes that larger values never do worse.

    Example::

        archsim.plan(m, param="checkout.instances", slo="p99 < 200ms", load=2000).answer
    """
    target = LatencyGoal.parse(slo)
    for name, value, low in (("replications", replications, 2), ("max_value", max_value, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
            raise ValueError(f"plan: {name} must be an integer >= {low}, got {value!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, float) or not 0.5 <= confidence < 1:
        raise ValueError(f"plan: confidence must be a float in [0.5, 1), got {confidence!r}")
    if load is not None and (isinstance(load, bool) or not isinstance(load, (int, float)) or not load > 0):
        raise ValueError(f"plan: load must be a rate > 0 (requests per second), got {load!r}")

    if isinstance(model, Model):
        spec, attr = _service_field(model, param)

        @contextmanager
        def at_value(v):
            with _set(spec, attr, v):
                yield model
    elif callable(model):
        @contextmanager
        def at_value(v):
            built = model(v)
            if not isinstance(built, Model):
                raise ValueError(f"plan: build({v}) returned {type(built).__name__}, not an archsim.Model")
            yield built
    else:
        raise ValueError(f"plan: model must be an archsim.Model or a function value -> Model, got {model!r}")

    @contextmanager
    def configured(v):
        with at_value(v) as m:
            client = _client(m, at)
            if load is None:
                yield m, client.name
                return
            if client.closed:
                raise ValueError(f"plan: load sets the rate of an open client; {client.name!r} is closed")
            with _set(client, "rate_schedule", [_core.RateSegment(0, float(load))]):
                yield m, client.name

    options = dict(duration=duration, warmup=warmup, **run_options)
    analytic: dict[int, float] = {}

    def estimate(v: int) -> float:
        if v not in analytic:
            with configured(v) as (m, name):
                est = m.analyze()
                mean = est.components.at[name, "mean"]
            analytic[v] = target.estimate(mean) if np.isfinite(mean) else (math.inf if mean == math.inf else math.nan)
        return analytic[v]

    start = next((v for v in range(1, max_value + 1) if target.met_by(estimate(v))), None)
    if start is None:  # no estimate meets it (or none is given): start from the smallest stable value
        start = next((v for v in range(1, max_value + 1) if math.isfinite(estimate(v))), 1)

    rows: dict[int, dict] = {}
    where = None

    def simulate(v: int) -> bool:
        with configured(v) as (m, name):
            nonlocal where
            where = name
            mean, low, high = _replicated(m, target, name, replications, seed, confidence, options)
        rows[v] = {"value": v, "analytic": estimate(v), "simulated": mean, "ci_low": low, "ci_high": high,
                   "meets": target.met_by(high), "replications": replications}
        return rows[v]["meets"]

    v = start
    if simulate(v):
        while v > 1 and simulate(v - 1):
            v -= 1
        answer = v
    else:
        answer = None
        while v < max_value:
            v += 1
            if simulate(v):
                answer = v
                break
    curve = pd.DataFrame(sorted(rows.values(), key=lambda r: r["value"]),
                         columns=["value", "analytic", "simulated", "ci_low", "ci_high", "meets", "replications"])
    return Plan(param, target, where, answer, start, confidence, curve)

"""archsim.run: simulate a model and return its Result."""

from __future__ import annotations

import os
import sys
import time
import warnings
from numbers import Integral

from . import _core
from ._units import to_ns
from .deployments import Deployment
from .faults import Fault
from .model import Model
from .result import Result
from .slo import SLO

__all__ = ["run"]


class _ProgressBar:
    """A one-line progress bar on stderr, shown only on a terminal after about a second."""

    def __init__(self, enabled: bool | None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()  # wall clock for the bar only; never reaches the engine
        self.shown = False

    def __call__(self, now: int, until: int, events: int) -> bool:
        if not self.enabled:
            return True
        elapsed = time.monotonic() - self.started
        if elapsed < 1.0 and not self.shown:
            return True
        self.shown = True
        frac = min(1.0, now / until) if until < 2**62 else 0.0
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\r[{bar:<30}] {frac:6.1%}  sim {now / 1e9:9.2f}s  {events / 1e6:8.1f}M events"
                         f"  {events / max(elapsed, 1e-9) / 1e6:5.1f}M ev/s")
        sys.stderr.flush()
        return True

    def close(self):
        if self.shown:
            sys.stderr.write("\n")


def run(model: Model, *, duration=None, warmup=0.0, seed: int = 0, until_requests: int | None = None,
        window="1s", progress: bool | None = None, max_events: int | None = None, faults=(),
        trace: float | None = None, slos=(), replications: int = 1, event_log=None, deployments=()):
    """Simulate ``model`` and return its Result (a ReplicatedResult when ``replications`` > 1).

    duration: simulated time to run (seconds or "10m"); until_requests: stop after this many
    client requests complete (one of the two is required). warmup: requests arriving earlier
    are not measured; ``"mser5"`` detects it from the clients' latency series (MSER-5, see
    ``archsim.stats.mser5``). seed: the run's seed; same seed, same model -> identical results.
    window: width of the time-series windows. progress: a progress bar on stderr (default:
    on a terminal). faults: faults to inject (``Crash``, ``Slow``, ``RandomCrashes``, ``Partition``,
    ...); the log is ``Result.faults``.
    slos: ``SLO`` objectives judged on the result (``Result.slos``, ``Result.slos_met``).
    trace: the fraction of client requests to trace, in (0, 1]; the spans are ``Result.trace``
    (an ``archsim.trace.Trace``; ``.write("out.json")`` for Perfetto).
    replications: independent runs whose streams derive from ``(seed, replication index)``;
    replication 0 is the run with ``seed`` itself. Every figure then has a 95 % Student-t
    confidence interval: ``res.summary()``, ``res.ci(...)``.
    event_log: debug mode, a file path: every event the engine takes from its queue is written
    there, one line each (time in ns, sequence number, component, kind, payload); compare two
    logs with ``archsim.event_log.first_divergence``. Off (None) by default, at no cost.
    deployments: canaries, blue-green switches, feature flags and rolling restarts
    (``Canary``, ``BlueGreen``, ``FeatureFlag``, ``RollingRestart``); the timeline is
    ``Result.deployments``, each version's figures ``Result.versions``.
    Ctrl-C ends the run early and returns what was simulated so far.

    Example::

        m = sim.Model("mm1")
        q = m.service("q", service_time=sim.Exp("8ms"))
        m.client("web", target=q, workload=sim.Open(rate=100))
        res = sim.run(m, duration="60s", warmup="5s", seed=1)
        res.latency("web").percentile(99)
        reps = sim.run(m, duration="60s", warmup="mser5", seed=1, replications=5)
        reps.ci("web", "p99")           # (mean, low, high)
    """
    if isinstance(replications, bool) or not isinstance(replications, Integral) or replications < 1:
        raise ValueError(f"replications must be an integer >= 1, got {replications!r}")
    options = dict(duration=duration, seed=seed, until_requests=until_requests, window=window,
                   max_events=max_events, faults=faults, trace=trace, slos=slos, deployments=deployments)
    if event_log is not None:
        if replications != 1 or (isinstance(warmup, str) and warmup == "mser5"):
            raise ValueError("event_log logs a single run; it cannot be combined with replications > 1 "
                             "or warmup='mser5' (which run several)")
        options["event_log"] = event_log
    if replications == 1 and not (isinstance(warmup, str) and warmup == "mser5"):
        return _run_single(model, warmup=warmup, progress=progress, **options)
    from .replications import run_replications

    return run_replications(model, replications=int(replications), warmup=warmup, progress=progress,
                            run_single=_run_single, **options)


def _run_single(model: Model, *, duration, warmup, seed, until_requests, window, progress, max_events,
                faults, trace, slos, event_log=None, deployments=()) -> Result:
    if not isinstance(model, Model):
        raise ValueError(f"run: expected an archsim.Model, got {type(model).__name__}")
    if duration is None and until_requests is None:
        raise ValueError("run: give duration (e.g. '10m') or until_requests (e.g. 1_000_000)")
    opts = _core.RunOptions()
    if duration is not None:
        opts.duration = to_ns(duration, "duration")
        if opts.duration == 0:
            raise ValueError("duration must be > 0")
    opts.warmup = to_ns(warmup, "warmup")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or not 0 <= seed < 2**64:
        raise ValueError(f"seed must be an integer in [0, 2^64), got {seed!r}")
    opts.seed = int(seed)
    if until_requests is not None:
        if isinstance(until_requests, bool) or not isinstance(until_requests, Integral) \
                or not 1 <= until_requests < 2**64:
            raise ValueError(f"until_requests must be an integer >= 1 and < 2^64, got {until_requests!r}")
        opts.until_requests = int(until_requests)
    opts.window = to_ns(window, "window")
    if opts.window == 0:
        raise ValueError("window must be > 0")
    if max_events is not None:
        if isinstance(max_events, bool) or not isinstance(max_events, Integral) or not 1 <= max_events < 2**64:
            raise ValueError(f"max_events must be an integer in [1, 2^64), got {max_events!r}")
        opts.max_events = int(max_events)
    fault_specs = []
    for f in faults:
        if not isinstance(f, Fault):
            raise ValueError(f"faults: expected a fault (archsim.Crash, Slow, RandomCrashes, DropResponses, "
                             f"ErrorResponses, CorruptResponses, Partition, LinkLatency), got {f!r}")
        fault_specs.append(f._spec())
    opts.faults = fault_specs
    deployment_specs = []
    for d in deployments:
        if not isinstance(d, Deployment):
            raise ValueError(f"deployments: expected a deployment (archsim.Canary, BlueGreen, FeatureFlag, "
                             f"RollingRestart), got {d!r}")
        if d.service not in model.components:
            raise ValueError(f"deployments: {type(d).__name__} names service {d.service!r}, which is not in the "
                             f"model; components: {', '.join(model.components)}")
        deployment_specs.append(d._spec())
    opts.deployments = deployment_specs
    if trace is not None:
        if isinstance(trace, bool) or not isinstance(trace, (int, float)) or not 0 < trace <= 1:
            raise ValueError(f"trace must be a fraction of client requests in (0, 1], got {trace!r}")
        opts.trace_sample = float(trace)
    if event_log is not None:
        if not isinstance(event_log, (str, os.PathLike)) or not os.fspath(event_log):
            raise ValueError(f"event_log must be a file path (str or os.PathLike), got {event_log!r}")
        opts.event_log = os.fspath(event_log)
    slos = list(slos)
    for s in slos:
        if not isinstance(s, SLO):
            raise ValueError(f"slos: expected archsim.SLO objects, got {s!r}")
        if s.component not in model.components:
            raise ValueError(f"slos: SLO {s.name!r} names component {s.component!r}, which is not in the model; "
                             f"components: {', '.join(model.components)}")
    bar = _ProgressBar(progress)
    started = time.perf_counter()  # wall time for the report only; never reaches the engine
    try:
        # The bar is always passed, even when hidden: its calls are where Ctrl-C is noticed.
        raw = _core.run_model(model._to_spec(), opts, bar)
    finally:
        bar.close()
    wall_seconds = time.perf_counter() - started
    if raw.stop_reason == "stalled":
        warnings.warn(f"run stopped early at {raw.measured_to / 1e9:g}s: simulated time stopped advancing "
                      "(10^7 events at one instant). A cycle with no delay in it, such as a closed workload "
                      "with zero think time calling a service with zero service time, never advances the "
                      "clock; give one of them a duration.", RuntimeWarning, stacklevel=2)
    elif raw.stop_reason == "cancelled":
        warnings.warn(f"run interrupted at {raw.measured_to / 1e9:g}s simulated; the result covers what ran",
                      RuntimeWarning, stacklevel=2)
    result = Result(raw, model_name=model.name, slos=slos)
    from .trace import Trace

    result.trace = Trace(raw, float(trace)) if trace is not None else None
    result.source = model  # what was run: its diagram and description go into to_html's report
    result.wall_seconds = wall_seconds
    return result

"""Deployments: new versions of a service's code, rolled out during a run, the same way every time.

    v2 = sim.Version("v2", service_time=sim.Exp("6ms"), error_probability=0.02)
    res = sim.run(m, duration="10m", seed=1, deployments=[
        sim.Canary("api", v2, share=0.05, at="2m", window="30s", max_error_rate=0.01,
                   max_p99="200ms", promote_after="5m"),
        sim.FeatureFlag("api", "new-search", at="8m", extra_time="2ms"),
        sim.RollingRestart("db", at="1m", restart_time="20s")])
    res.deployments               # the timeline: canary started, rolled back: ..., flag on, ...
    res.versions("api")           # requests, errors and latency per version
    res.version_share("api")      # each version's share of the requests, per window

A service's own configuration is its version "v1". A deployment's ``service`` is a
service (a rolling restart: any component whose instances can crash). Versions share
the service's instances and queues: each request that arrives is routed to a version
(weighted, like a service mesh's traffic split), drawn from the stream
"<service>/versions" only while two versions share the traffic. A run without
deployments draws nothing more and keeps its figures. Every constructor takes plain
keyword arguments (the scenario files map onto them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from . import _core
from ._units import to_ns
from .distributions import as_distribution

__all__ = ["Version", "Deployment", "Canary", "BlueGreen", "FeatureFlag", "RollingRestart", "INITIAL_VERSION"]

INITIAL_VERSION = "v1"  # the name of a service's own configuration


def _service(value, where: str) -> str:
    name = getattr(value, "name", value)
    if not isinstance(name, str) or not name or "[" in name:
        raise ValueError(f"{where}.service must be a service (its name or the ref m.service returned), "
                         f"got {value!r}")
    return name


def _probability(value, name: str, none_ok: bool = False):
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a probability in [0, 1]{' or None' if none_ok else ''}, got {value!r}")
    return float(value)


def _positive_ns(value, name: str, none_ok: bool = False):
    if value is None and none_ok:
        return None
    ns = to_ns(value, name)
    if ns == 0:
        raise ValueError(f"{name} must be > 0" + (" (None: not used)" if none_ok else ""))
    return ns


def _service_times(value, name: str):
    """A distribution (every operation), or {op: distribution} with an optional "default":
    (the default or None, [(op, distribution)])."""
    if value is None:
        return None, []
    if isinstance(value, Mapping):
        default = value.get("default")
        by_op = [(op, as_distribution(d, f"{name}[{op!r}]")) for op, d in value.items() if op != "default"]
        for op, _ in by_op:
            if not isinstance(op, str) or not op:
                raise ValueError(f"{name}: operation names must be non-empty strings, got {op!r}")
        return (None if default is None else as_distribution(default, f"{name}['default']")), by_op
    return as_distribution(value, name), []


@dataclass
class Version:
    """A version of a service's code. What it leaves as None is the service's own:
    ``service_time`` (a distribution or duration for every operation, or a mapping
    ``{op: distribution}`` with an optional ``"default"`` that changes only those) and
    ``error_probability`` (the chance a request fails with "error" after its service time).
    The service's own configuration is version "v1".

    Example::

        v2 = sim.Version("v2", service_time=sim.Exp("6ms"), error_probability=0.02)
        v3 = sim.Version("v3", service_time={"search": sim.Exp("20ms")})
    """

    name: str
    service_time: object = None
    error_probability: float | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"Version.name must be a non-empty string, got {self.name!r}")
        if self.name == INITIAL_VERSION:
            raise ValueError(f"Version.name {INITIAL_VERSION!r} is the service's own configuration; "
                             f"name the new version differently (e.g. 'v2')")
        where = f"Version {self.name!r}"
        self._default, self._by_op = _service_times(self.service_time, f"{where}: service_time")
        self.error_probability = _probability(self.error_probability, f"{where}: error_probability", none_ok=True)

    def _spec(self):
        v = _core.VersionSpec()
        v.name = self.name
        if self._default is not None:
            v.service_time = self._default._impl
        v.service_time_by_op = [(op, d._impl) for op, d in self._by_op]
        v.error_probability = -1.0 if self.error_probability is None else self.error_probability
        return v


class Deployment:
    """Base of the deployments: a service and a start time."""

    kind = ""

    def _base_spec(self):
        d = _core.DeploymentSpec()
        d.kind, d.service, d.at = self.kind, self.service, self.at_ns
        return d

    def _version(self, where: str):
        if not isinstance(self.version, Version):
            raise ValueError(f"{where}.version must be an archsim.Version, got {self.version!r}")


@dataclass
class Canary(Deployment):
    """From ``at``, ``share`` of the service's requests go to ``version``. Every ``window`` the
    canary is judged on the requests of the version that finished since its last judgement,
    once there are ``min_requests`` of them (else the judgement waits a window more): an error
    rate above ``max_error_rate`` or a p99 latency (at the service) above ``max_p99`` rolls it
    back, all requests go to the previous version again, and the timeline says why. With
    ``promote_after``, the first passing judgement at or after ``at + promote_after`` promotes
    the version: it gets every request. None: not judged on that, or never promoted.

    Example::

        sim.Canary("api", sim.Version("v2", error_probability=0.05), share=0.05, at="1m",
                   window="10s", max_error_rate=0.01, max_p99="200ms", promote_after="5m")
    """

    service: object
    version: Version
    share: float = 0.05
    at: object = 0.0
    window: object = "10s"
    min_requests: int = 100
    max_error_rate: float | None = None
    max_p99: object = None
    promote_after: object = None
    kind = "canary"

    def __post_init__(self):
        self.service = _service(self.service, "Canary")
        self._version("Canary")
        if isinstance(self.share, bool) or not isinstance(self.share, (int, float)) or not 0 < self.share < 1:
            raise ValueError(f"Canary.share must be a fraction in (0, 1) (0.05: 5 % of the requests), "
                             f"got {self.share!r}")
        self.at_ns = to_ns(self.at, "Canary.at")
        self.window_ns = _positive_ns(self.window, "Canary.window")
        if isinstance(self.min_requests, bool) or not isinstance(self.min_requests, int) \
                or not 1 <= self.min_requests <= 2**62:
            raise ValueError(f"Canary.min_requests must be an integer >= 1, got {self.min_requests!r}")
        self.max_error_rate = _probability(self.max_error_rate, "Canary.max_error_rate", none_ok=True)
        self.max_p99_ns = _positive_ns(self.max_p99, "Canary.max_p99", none_ok=True)
        self.promote_after_ns = _positive_ns(self.promote_after, "Canary.promote_after", none_ok=True)

    def _spec(self):
        d = self._base_spec()
        d.version = self.version._spec()
        d.share, d.window, d.min_requests = float(self.share), self.window_ns, self.min_requests
        if self.max_error_rate is not None:
            d.max_error_rate = self.max_error_rate
        if self.max_p99_ns is not None:
            d.max_p99 = self.max_p99_ns
        if self.promote_after_ns is not None:
            d.promote_after = self.promote_after_ns
        return d


@dataclass
class BlueGreen(Deployment):
    """At ``at`` the service's requests switch to ``version``: at once (``ramp`` 0), or
    gradually, the version's share rising linearly from 0 to 1 over ``ramp``.

    Example::

        sim.BlueGreen("api", sim.Version("v2", service_time=sim.Exp("4ms")), at="2m", ramp="1m")
    """

    service: object
    version: Version
    at: object = 0.0
    ramp: object = 0.0
    kind = "blue_green"

    def __post_init__(self):
        self.service = _service(self.service, "BlueGreen")
        self._version("BlueGreen")
        self.at_ns = to_ns(self.at, "BlueGreen.at")
        self.ramp_ns = to_ns(self.ramp, "BlueGreen.ramp")

    def _spec(self):
        d = self._base_spec()
        d.version, d.ramp = self.version._spec(), self.ramp_ns
        return d


@dataclass
class FeatureFlag(Deployment):
    """Flag ``name`` of the service is on from ``at`` for ``duration`` (None: until the end of
    the run) and changes every request the service serves meanwhile, whatever its version:
    ``extra_time`` (a distribution or duration) is added to each service time, ``service_time``
    replaces it (for every operation, or ``{op: distribution}`` for some), ``error_probability``
    is an extra, independent chance of failing with "error". Give at least one.

    Example::

        sim.FeatureFlag("api", "recommendations", at="3m", duration="2m", extra_time=sim.Exp("3ms"))
        sim.FeatureFlag("api", "new-search", at="1m", service_time={"search": sim.Exp("20ms")})
    """

    service: object
    name: str
    at: object = 0.0
    duration: object = None
    extra_time: object = None
    service_time: object = None
    error_probability: float = 0.0
    kind = "feature_flag"

    def __post_init__(self):
        self.service = _service(self.service, "FeatureFlag")
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"FeatureFlag.name must be a non-empty string, got {self.name!r}")
        where = f"FeatureFlag {self.name!r}"
        self.at_ns = to_ns(self.at, f"{where}: at")
        self.duration_ns = _positive_ns(self.duration, f"{where}: duration", none_ok=True)
        self._extra = None if self.extra_time is None else as_distribution(self.extra_time, f"{where}: extra_time")
        self._default, self._by_op = _service_times(self.service_time, f"{where}: service_time")
        self.error_probability = _probability(self.error_probability, f"{where}: error_probability")
        if self._extra is None and self.service_time is None and self.error_probability == 0:
            raise ValueError(f"{where} changes nothing: give extra_time, service_time or error_probability")

    def _spec(self):
        d = self._base_spec()
        d.flag = self.name
        if self.duration_ns is not None:
            d.duration = self.duration_ns
        if self._extra is not None:
            d.extra_time = self._extra._impl
        if self._default is not None:
            d.flag_service_time = self._default._impl
        d.flag_service_time_by_op = [(op, dist._impl) for op, dist in self._by_op]
        d.flag_error_probability = self.error_probability
        return d


@dataclass
class RollingRestart(Deployment):
    """From ``at``, the instances of ``service`` restart ``batch`` at a time, in order: each
    batch is down for ``restart_time`` (a crash and a restart, as ``sim.Crash``: its queued and
    in-service requests fail as "unavailable", and so do arrivals until it is back), then
    ``pause``, then the next batch. The restarts are in the fault log too (kind "restart").
    ``service`` may be any component whose instances can crash (service, cache, store, broker).

    Example::

        sim.RollingRestart("api", at="2m", batch=1, restart_time="20s", pause="10s")
    """

    service: object
    at: object = 0.0
    batch: int = 1
    restart_time: object = "30s"
    pause: object = 0.0
    kind = "rolling_restart"

    def __post_init__(self):
        self.service = _service(self.service, "RollingRestart")
        self.at_ns = to_ns(self.at, "RollingRestart.at")
        if isinstance(self.batch, bool) or not isinstance(self.batch, int) or not 1 <= self.batch <= 10_000_000:
            raise ValueError(f"RollingRestart.batch must be an integer in [1, 10000000] (instances restarted "
                             f"at once), got {self.batch!r}")
        self.restart_time_ns = _positive_ns(self.restart_time, "RollingRestart.restart_time")
        self.pause_ns = to_ns(self.pause, "RollingRestart.pause")

    def _spec(self):
        d = self._base_spec()
        d.batch, d.restart_time, d.pause = self.batch, self.restart_time_ns, self.pause_ns
        return d


# -- results ---------------------------------------------------------------------------------
TIMELINE_COLUMNS = ["time", "service", "event", "kind", "version", "share"]


def timeline_frame(raw) -> pd.DataFrame:
    """The deployment timeline (see ``Result.deployments``)."""
    rows = [{"time": e.at / 1e9, "service": e.service, "event": e.detail, "kind": e.kind,
             "version": e.version or None, "share": e.share} for e in raw.deployments]
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def versions_frame(raw, name: str | None) -> pd.DataFrame:
    """One row per version of each service with deployments (see ``Result.versions``)."""
    from .histogram import LatencyHistogram

    rows = []
    for v in raw.versions:
        if name is not None and v.service != name:
            continue
        h = LatencyHistogram(_copy(v.latency))
        finished = v.completed + v.failed
        rows.append({"service": v.service, "version": v.name, "arrivals": v.arrivals, "completed": v.completed,
                     "errors": v.failed, "error_rate": v.failed / finished if finished else np.nan,
                     "mean": h.mean() if h.count else np.nan,
                     "p50": h.percentile(50) if h.count else np.nan,
                     "p99": h.percentile(99) if h.count else np.nan})
    return pd.DataFrame(rows, columns=["service", "version", "arrivals", "completed", "errors", "error_rate",
                                       "mean", "p50", "p99"])


def share_frame(raw, name: str, factor: int) -> pd.DataFrame:
    """Each version's share of the requests that arrived at ``name``, per window (rows: window
    start in s; columns: versions; NaN where nothing arrived)."""
    versions = [v for v in raw.versions if v.service == name]
    if not versions:
        return pd.DataFrame(index=pd.Index([], name="time_s"))
    last = max((v.windows[-1][0] for v in versions if v.windows), default=-1)
    groups = last // factor + 1
    counts = np.zeros((groups, len(versions)))
    for j, v in enumerate(versions):
        for index, arrivals in v.windows:
            counts[index // factor, j] += arrivals
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.full_like(counts, np.nan), where=totals > 0)
    width = raw.window_ns * factor / 1e9
    df = pd.DataFrame(shares, columns=[v.name for v in versions],
                      index=pd.Index(np.arange(groups) * width, name="time_s"))
    df.columns.name = "version"
    return df[df.index + width > raw.measured_from / 1e9 + 1e-12]


def deployment_report(raw) -> list[str]:
    """Report lines: the versions' figures and the timeline; nothing without deployments."""
    if not raw.deployments and not raw.versions:
        return []
    lines = []
    versions = versions_frame(raw, None)
    if not versions.empty:
        lines += ["", f"{'service':<16}{'version':<10}{'arrivals':>10}{'errors':>9}{'err rate':>10}{'mean':>10}"
                      f"{'p99':>10}", "-" * 75]
        for _, v in versions.iterrows():
            rate = "-" if np.isnan(v.error_rate) else f"{v.error_rate:.3%}"
            lines.append(f"{v.service:<16}{v.version:<10}{v.arrivals:>10}{v.errors:>9}{rate:>10}"
                         f"{_ms(v['mean']):>10}{_ms(v.p99):>10}")
    if raw.deployments:
        lines += ["", "deployment timeline"]
        lines += [f"  {e.at / 1e9:>9.3f}s  {e.service:<14} {e.detail}" for e in raw.deployments]
    return lines


def _ms(seconds: float) -> str:
    return "-" if np.isnan(seconds) else f"{seconds * 1e3:.2f}ms"


def _copy(h):
    c = _core.Histogram(h.sub_bits)
    c.merge(h)
    return c

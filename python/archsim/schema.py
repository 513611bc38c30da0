"""One description of every scenario parameter: name, type, unit, default, doc, validation.

The scenario loader (``archsim.load``), its error messages, ``Model.to_yaml``,
``archsim describe`` and docs/scenarios.md are all driven by the tables here,
so a parameter is described exactly once. Each value type knows how to read a
YAML node (``load``: check it, report a problem at its position, return the
Python value the builder takes) and how to write a builder value back as plain
data (``dump``), so a model round-trips through YAML.

Conventions of the format:

- Durations are seconds (a number) or a string with a unit: "250us", "5ms", "2s", "10m", "1h".
- Where a field takes one of several types (a distribution, a workload, a fault,
  a call step), write a one-key mapping ``{TypeName: parameters}``, with the
  names of the Python API: ``{Exp: {mean: 5ms}}``. A value that is not a mapping
  stands for the first parameter: ``{Exp: 5ms}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from . import _core
from ._units import to_ns
from . import distributions as dist
from .calls import ERROR_KINDS, JITTERS, STRATEGIES, Call, CircuitBreaker, Hedge, Parallel, Retry
from .faults import (
    CorruptResponses, Crash, DropResponses, ErrorResponses, LinkLatency, Partition, RandomCrashes, Slow,
)
from .model import ComponentRef, Link
from .autoscale import Autoscale
from .backpressure import Backpressure
from .broker import ORDERINGS, OVERFLOWS, ConsumerGroup
from .deployments import BlueGreen, Canary, FeatureFlag, RollingRestart, Version
from .rate_limit import RateLimit
from .tenancy import Quota
from .slo import SLO
from .shard_changes import AddShard, RemoveShard
from .workload import Burst, Closed, Open

__all__ = ["REQUIRED", "Param", "TypeDesc", "COMPONENTS", "SCENARIO", "NETWORK", "describe", "reference_markdown",
           "nearest_name"]


class _Required:
    def __repr__(self):
        return "required"


REQUIRED = _Required()


def nearest_name(name: str, candidates) -> str:
    """The candidate closest to ``name`` (edit distance, from the core), or ""."""
    return _core.nearest_name(str(name), [str(c) for c in candidates])


class Problem(Exception):
    """A problem with one value; the loader adds the file position and field path."""

    def __init__(self, message: str, node=None, path: str | None = None):
        super().__init__(message)
        self.message, self.node, self.path = message, node, path


class Reported(Exception):
    """The problem was reported already (with its position); stop reading this value."""


# -- value types ---------------------------------------------------------------------------
# A value type reads a node through the loader context ``cx`` (which knows scalars,
# positions and the names declared in the file) and returns the builder's value.
class ValueType:
    label = "a value"   # what the docs and errors call it

    def load(self, cx, node, path):
        raise NotImplementedError

    def dump(self, value):
        return value

    def accepts_null(self) -> bool:
        return False


def _type_name(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return f"{v!r}"
    if isinstance(v, str):
        return f"'{v}'"
    return type(v).__name__


def _int_text(n: int) -> str:
    if n > 2**32 and (n + 1) & n == 0:
        return f"2^{n.bit_length()} - 1"
    if n > 2**32 and n & (n - 1) == 0:
        return f"2^{n.bit_length() - 1}"
    return f"{n:_}"


class Int(ValueType):
    def __init__(self, low: int, high: int):
        self.low, self.high = low, high
        self.label = f"an integer in [{_int_text(low)}, {_int_text(high)}]"

    def load(self, cx, node, path):
        v = cx.scalar(node, path)
        if isinstance(v, float) and v.is_integer() and abs(v) < 2**63:
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int) or not self.low <= v <= self.high:
            raise Problem(f"expected {self.label}, got {_type_name(v)}")
        return v


class Number(ValueType):
    def __init__(self, low: float, high: float, low_open: bool = False, unit: str = ""):
        self.low, self.high, self.low_open = low, high, low_open
        self.label = f"a number in {'(' if low_open else '['}{low:g}, {high:g}]"

    def load(self, cx, node, path):
        v = cx.scalar(node, path)
        if isinstance(v, str):
            try:  # YAML 1.1 reads 1e3 (no dot) as a string
                v = float(v)
            except ValueError:
                pass
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v) \
                or not (self.low < v if self.low_open else self.low <= v) or not v <= self.high:
            raise Problem(f"expected {self.label}, got {_type_name(v)}")
        return v


class Bool(ValueType):
    label = "true or false"

    def load(self, cx, node, path):
        v = cx.scalar(node, path)
        if not isinstance(v, bool):
            raise Problem(f"expected true or false, got {_type_name(v)}")
        return v


class Str(ValueType):
    label = "a string"

    def load(self, cx, node, path):
        v = cx.scalar(node, path)
        if not isinstance(v, str) or not v:
            raise Problem(f"expected a non-empty string, got {_type_name(v)}")
        return v


class Enum(ValueType):
    def owns(self, value) -> bool:
        return isinstance(value, str) and value in self.choices

    def __init__(self, choices):
        self.choices = tuple(choices)
        self.label = "one of " + ", ".join(str(c) for c in self.choices)

    def load(self, cx, node, path):
        v = cx.scalar(node, path)
        if v not in self.choices or isinstance(v, bool):
            raise Problem(f"expected {self.label}, got {_type_name(v)}{cx.did_you_mean(v, self.choices)}")
        return v


class Duration(ValueType):
    def __init__(self, positive: bool = False):
        self.positive = positive
        self.label = "a duration > 0" if positive else "a duration"

    def load(self, cx, node, path):
        v = cx.scalar(node, path)
        try:
            ns = to_ns(v, "duration")
        except (ValueError, OverflowError) as e:
            raise Problem(f"expected {self.label} (seconds, or a string such as '5ms'): {e}") from None
        if self.positive and ns == 0:
            raise Problem(f"expected {self.label}, got {_type_name(v)}")
        return v

    def dump(self, value):
        return dump_seconds(value if not isinstance(value, str) else to_ns(value) / 1e9)


def dump_seconds(seconds):
    """A duration in seconds as the shortest string that reads back to the same float."""
    if isinstance(seconds, str):
        return seconds
    s = float(seconds)
    ns = round(s * 1e9)
    if ns / 1e9 == s:
        text = _core.format_duration(ns)
        try:
            if _core.parse_duration_ns(text) == ns:
                return text
        except ValueError:
            pass
    return s


class Optional(ValueType):
    def __init__(self, inner: ValueType, none_means: str):
        self.inner, self.none_means = inner, none_means
        self.label = f"{inner.label}, or null ({none_means})"

    def load(self, cx, node, path):
        if cx.is_null(node):
            return None
        return self.inner.load(cx, node, path)

    def dump(self, value):
        return None if value is None else self.inner.dump(value)

    def accepts_null(self) -> bool:
        return True


class ListOf(ValueType):
    def __init__(self, inner: ValueType, min_items: int = 0, single_ok: bool = False):
        self.inner, self.min_items, self.single_ok = inner, min_items, single_ok
        self.label = f"a list, each {inner.label}" + (" (or one item)" if single_ok else "")

    def load(self, cx, node, path):
        if self.single_ok and not cx.is_sequence(node):
            return [self.inner.load(cx, node, path)]
        items = cx.sequence(node, path)
        if len(items) < self.min_items:
            raise Problem(f"expected at least {self.min_items} item(s), got {len(items)}")
        return cx.each(items, path, lambda n, p: self.inner.load(cx, n, p))

    def dump(self, value):
        if not isinstance(value, (list, tuple)):
            value = [value]  # the builder takes one item for a list of one
        return [self.inner.dump(v) for v in value]


class MapOf(ValueType):
    """A mapping with free keys (names the user chooses) and typed values."""

    def __init__(self, key_label: str, inner: ValueType, key_type: ValueType | None = None):
        self.key_label, self.inner, self.key_type = key_label, inner, key_type
        self.label = f"a mapping {key_label} -> {inner.label}"

    def load(self, cx, node, path):
        out = {}
        for key, key_node, value_node in cx.mapping(node, path):
            p = f"{path}.{key}"
            if self.key_type is not None:
                cx.check(lambda: self.key_type.load(cx, key_node, p), key_node, p)
            v = cx.attempt(lambda: self.inner.load(cx, value_node, p), value_node, p)
            if v is not cx.FAILED:
                out[key] = v
        return out

    def dump(self, value):
        return {k: self.inner.dump(v) for k, v in value.items()}


class Ref(ValueType):
    """The name of something declared in the file: a component, zone or host."""

    def __init__(self, space: str, kinds: tuple = ()):
        self.space, self.kinds = space, kinds
        what = " or ".join(kinds) if kinds else space
        self.label = f"the name of a {what}"

    def load(self, cx, node, path):
        v = cx.scalar(node, path)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str) or not v:
            raise Problem(f"expected {self.label}, got {_type_name(v)}")
        known = cx.names(self.space, self.kinds)
        base = v.split("[", 1)[0] if self.space == "instance" else v
        if base not in known:
            listing = ", ".join(known) if known else "none declared"
            raise Problem(f"unknown {self.space} '{v}'{cx.did_you_mean(base, known)}; known: {listing}")
        return v

    def dump(self, value):
        return getattr(value, "name", value)  # a ComponentRef is its name


class OneOf(ValueType):
    """The first of ``options`` whose ``matches(node)`` holds reads the value."""

    def __init__(self, options, label: str):
        self.options, self.label = options, label

    def load(self, cx, node, path):
        for matches, vt in self.options:
            if matches(cx, node):
                return vt.load(cx, node, path)
        return self.options[-1][1].load(cx, node, path)

    def dump(self, value):
        for _, vt in self.options:
            if getattr(vt, "owns", lambda v: False)(value):
                return vt.dump(value)
        return self.options[-1][1].dump(value)


# -- object types: records and variants -------------------------------------------------------
@dataclass
class Param:
    """One parameter: name, value type, default (REQUIRED if none), unit and doc."""

    name: str
    type: ValueType
    doc: str
    default: object = REQUIRED
    unit: str = ""


@dataclass
class TypeDesc:
    """A type with named parameters: a component kind, a distribution, a policy, a fault.

    ``build(**params)`` makes the Python object (the builder's own constructor, which has
    the last word on validation); ``read(obj)`` returns its parameters for writing back.
    """

    name: str
    doc: str
    params: list
    build: Callable | None = None
    read: Callable | None = None
    cls: type | None = None
    check: Callable | None = None   # extra check on the loaded params: returns a message or None

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def load_params(self, cx, node, path) -> dict:
        """Check a mapping against the parameters; every problem is reported."""
        if not cx.is_mapping(node):
            first = self.params[0]
            value = cx.attempt(lambda: first.type.load(cx, node, f"{path}.{first.name}"), node,
                               f"{path}.{first.name}")
            given = {} if value is cx.FAILED else {first.name: value}
            failed = value is cx.FAILED
        else:
            given, failed = {}, False
            names = [p.name for p in self.params]
            for key, key_node, value_node in cx.mapping(node, path):
                p = f"{path}.{key}"
                if key not in names:
                    cx.error(key_node, p, f"unknown parameter of {self.name}{cx.did_you_mean(key, names)}; "
                                          f"accepted: {', '.join(names)}")
                    failed = True
                    continue
                par = self.param(key)
                value = cx.attempt(lambda: par.type.load(cx, value_node, p), value_node, p)
                if value is cx.FAILED:
                    failed = True
                else:
                    given[key] = value
        for par in self.params:
            if par.default is REQUIRED and par.name not in given and not failed:
                cx.error(node, path, f"{self.name} needs '{par.name}' ({par.type.label})")
                failed = True
        if failed:
            return cx.FAILED
        if self.check is not None:
            message = self.check(given)
            if message:
                cx.error(node, path, message)
                return cx.FAILED
        return given

    def load(self, cx, node, path):
        params = self.load_params(cx, node, path)
        if params is cx.FAILED:
            raise Reported()
        try:
            return self.build(**params)
        except (ValueError, TypeError, OverflowError) as e:
            raise Problem(str(e)) from None

    def dump_params(self, obj) -> dict:
        values = self.read(obj)
        out = {}
        for par in self.params:
            if par.name not in values:
                continue
            v = par.type.dump(values[par.name])
            if par.default is not REQUIRED and v == (None if par.default is None else par.type.dump(par.default)):
                continue  # defaults are left out
            out[par.name] = v
        return out


class Record(ValueType):
    """A mapping of a type's parameters (the type is implied by the field)."""

    def __init__(self, desc: TypeDesc):
        self.desc = desc
        self.label = f"{desc.name} parameters"

    def load(self, cx, node, path):
        cx.mapping(node, path)  # a record must be a mapping
        return self.desc.load(cx, node, path)

    def dump(self, value):
        return self.desc.dump_params(value)

    def owns(self, value) -> bool:
        return self.desc.cls is not None and isinstance(value, self.desc.cls)


class Variant(ValueType):
    """A one-key mapping ``{TypeName: parameters}`` choosing one of several types."""

    def __init__(self, label: str, types: list, scalar: ValueType | None = None, scalar_means: str = ""):
        self.types = {t.name: t for t in types}
        self.kind = label  # "key chooser": kept for messages when label is set to a longer phrase
        self.label, self.scalar, self.scalar_means = label, scalar, scalar_means

    def load(self, cx, node, path):
        if self.scalar is not None and not cx.is_mapping(node):
            return self.scalar.load(cx, node, path)
        pairs = cx.mapping(node, path)
        names = list(self.types)
        if len(pairs) != 1:
            raise Problem(f"expected {self.label}: a one-key mapping {{TypeName: parameters}} with TypeName one of "
                          f"{', '.join(names)}; got {len(pairs)} keys")
        key, key_node, value_node = pairs[0]
        if key not in self.types:
            cx.error(key_node, f"{path}.{key}", f"unknown {self.kind} type '{key}'{cx.did_you_mean(key, names)}; "
                                                f"accepted: {', '.join(names)}")
            raise Reported()
        return self.types[key].load(cx, value_node, f"{path}.{key}")

    def desc_of(self, value):
        for t in self.types.values():
            if t.cls is not None and type(value) is t.cls:
                return t
        raise ValueError(f"cannot write {value!r} as {self.label}")

    def dump(self, value):
        if self.scalar is not None and self.scalar.owns(value):
            return self.scalar.dump(value)
        t = self.desc_of(value)
        return {t.name: t.dump_params(value)}

    def owns(self, value) -> bool:
        return any(t.cls is not None and type(value) is t.cls for t in self.types.values())


# -- distributions and key choosers ---------------------------------------------------------
def _attrs(**names):
    """read(obj): parameter -> attribute of the object."""
    return lambda obj: {p: getattr(obj, a) for p, a in names.items() if hasattr(obj, a)}


SECONDS = Duration()
NONNEG = Number(0, 1e300)


def _dist(cls, doc, params, read):
    return TypeDesc(cls.__name__, doc, params, build=cls, read=read, cls=cls)


class _ConstScalar(ValueType):
    """A bare duration as a distribution: the constant."""

    label = "a duration (a constant)"

    def load(self, cx, node, path):
        v = SECONDS.load(cx, node, path)
        return dist.Const(v)

    def owns(self, value) -> bool:
        return type(value) is dist.Const

    def dump(self, value):
        return dump_seconds(value.value)


class _DistributionVariant(Variant):
    """Distributions accept the builder's bare durations too (a constant)."""

    def dump(self, value):
        return super().dump(dist.as_distribution(value, "distribution"))

    def owns(self, value) -> bool:
        return isinstance(value, dist.Distribution)


DISTRIBUTION_TYPES: list = []
DISTRIBUTION = _DistributionVariant("distribution", DISTRIBUTION_TYPES, scalar=_ConstScalar())
DISTRIBUTION.label = "a distribution ({Exp: 5ms}, ...) or a duration"
DISTRIBUTION_TYPES += [
    _dist(dist.Const, "Always the same value.", [Param("value", SECONDS, "the value", unit="s")],
          _attrs(value="value")),
    _dist(dist.Uniform, "Uniform on [low, high].",
          [Param("low", SECONDS, "lower bound", unit="s"), Param("high", SECONDS, "upper bound", unit="s")],
          _attrs(low="low", high="high")),
    TypeDesc("Exp", "Exponential with the given mean (or rate per second).",
             [Param("mean", Optional(SECONDS, "give rate"), "mean", None, "s"),
              Param("rate", Optional(Number(0, 1e300, low_open=True), "give mean"), "rate", None, "1/s")],
             build=dist.Exp, read=_attrs(mean="mean_value"), cls=dist.Exp),
    _dist(dist.Erlang, "Sum of k exponentials with total mean `mean`.",
          [Param("k", Int(1, 1000), "number of phases"), Param("mean", SECONDS, "mean", unit="s")],
          _attrs(k="k", mean="mean_value")),
    _dist(dist.Gamma, "Gamma with shape and scale (mean = shape x scale).",
          [Param("shape", Number(0, 1e300, low_open=True), "shape"), Param("scale", SECONDS, "scale", unit="s")],
          _attrs(shape="shape", scale="scale")),
    _dist(dist.Normal, "Normal truncated at 0 (negative draws are redrawn).",
          [Param("mean", SECONDS, "mean of the untruncated normal", unit="s"),
           Param("stddev", SECONDS, "standard deviation", unit="s")],
          _attrs(mean="mu", stddev="stddev")),
    _dist(dist.LogNormal, "Log-normal, by mu/sigma of the underlying normal, or by median and p99.",
          [Param("median", Optional(SECONDS, "give mu and sigma"), "median", None, "s"),
           Param("p99", Optional(SECONDS, "give mu and sigma"), "99th percentile", None, "s"),
           Param("mu", Optional(Number(-1e300, 1e300), "give median and p99"), "mean of log", None),
           Param("sigma", Optional(NONNEG, "give median and p99"), "stddev of log", None)],
          _attrs(median="median", p99="p99", mu="mu", sigma="sigma")),
    _dist(dist.Pareto, "Pareto with shape (alpha) and scale (the minimum).",
          [Param("shape", Number(0, 1e300, low_open=True), "shape (alpha)"),
           Param("scale", SECONDS, "minimum value", unit="s")],
          _attrs(shape="shape", scale="scale")),
    _dist(dist.HyperExp, "Exponential with mean means[i] with probability probabilities[i].",
          [Param("probabilities", ListOf(Number(0, 1), 1), "branch probabilities (sum 1)"),
           Param("means", ListOf(SECONDS, 1), "branch means", unit="s")],
          _attrs(probabilities="probabilities", means="means")),
    _dist(dist.Mixture, "Draw from components[i] with probability proportional to weights[i].",
          [Param("weights", ListOf(NONNEG, 1), "weights"),
           Param("components", ListOf(DISTRIBUTION, 1), "distributions")],
          _attrs(weights="weights", components="components")),
    _dist(dist.Empirical, "Resample the given values uniformly.",
          [Param("values", ListOf(SECONDS, 1), "measured values", unit="s")], _attrs(values="values")),
]
DISTRIBUTION.types = {t.name: t for t in DISTRIBUTION_TYPES}

KEY_COUNT = Int(1, 2**62)
KEYS = Variant("key chooser", [
    TypeDesc("UniformKeys", "Every key equally likely.", [Param("n", KEY_COUNT, "number of keys")],
             build=dist.UniformKeys, read=_attrs(n="n"), cls=dist.UniformKeys),
    TypeDesc("Zipf", "Key k with probability proportional to 1/(k+1)^exponent.",
             [Param("n", KEY_COUNT, "number of keys"), Param("exponent", NONNEG, "skew", 1.0)],
             build=dist.Zipf, read=_attrs(n="n", exponent="exponent"), cls=dist.Zipf),
])
KEYS.label = "a key chooser ({Zipf: {n: 100000, exponent: 0.9}} or {UniformKeys: 1000})"

# -- workloads -------------------------------------------------------------------------------
RATE = Number(0, 1e10)


class _SchedulePoint(ValueType):
    label = "a pair [time, rate]"

    def load(self, cx, node, path):
        items = cx.sequence(node, path)
        if len(items) != 2:
            raise Problem(f"expected {self.label}, got {len(items)} items")
        return (SECONDS.load(cx, items[0], f"{path}[0]"), RATE.load(cx, items[1], f"{path}[1]"))

    def dump(self, value):
        return [SECONDS.dump(value[0]), value[1]]


BURST = TypeDesc("Burst", "Extra load: the rate becomes `rate` (or base x `factor`) during [at, at + duration).",
                 [Param("at", SECONDS, "start", unit="s"), Param("duration", SECONDS, "length", unit="s"),
                  Param("rate", Optional(RATE, "give factor"), "rate during the burst", None, "1/s"),
                  Param("factor", Optional(NONNEG, "give rate"), "multiple of the base rate", None)],
                 build=Burst, read=_attrs(at="at", duration="duration", rate="rate", factor="factor"), cls=Burst)


def _read_open(w: Open) -> dict:
    schedule = [(t / 1e9, r) for t, r in w.segments[1:]]
    return {"rate": w.segments[0][1], "schedule": schedule}


WORKLOAD = Variant("workload", [
    TypeDesc("Open", "Poisson arrivals at `rate` per second; `schedule` changes the rate over time, "
                     "`bursts` overlay temporary changes.",
             [Param("rate", RATE, "arrival rate", 1.0, "1/s"),
              Param("schedule", ListOf(_SchedulePoint()), "(time, rate) changes", []),
              Param("bursts", ListOf(Record(BURST)), "temporary changes", [])],
             build=lambda rate=1.0, schedule=(), bursts=(): Open(rate, schedule=schedule, bursts=bursts),
             read=_read_open, cls=Open),
    TypeDesc("Closed", "`users` users, each sends a request, waits for the reply, thinks, repeats.",
             [Param("users", Int(1, 100_000_000), "number of users"),
              Param("think", DISTRIBUTION, "think time between a reply and the next request", 0.0, "s")],
             build=Closed, read=lambda w: {"users": w.users, "think": w.think_dist}, cls=Closed),
])
WORKLOAD.label = "a workload ({Open: {rate: 100}} or {Closed: {users: 10, think: 1s}})"

# -- call policies and steps ------------------------------------------------------------------
RETRY = TypeDesc("Retry", "Retry a failed call, up to `attempts` tries in all, with exponential backoff.",
                 [Param("attempts", Int(1, 100), "tries in all, the first included", 3),
                  Param("backoff", SECONDS, "wait before the first retry; doubles each retry", "10ms", "s"),
                  Param("cap", SECONDS, "longest wait", "1s", "s"),
                  Param("jitter", Enum(JITTERS), "randomisation of the wait", "none"),
                  Param("budget", Optional(NONNEG, "no limit"), "retries allowed per first attempt over the run",
                        None),
                  Param("on", ListOf(Enum(ERROR_KINDS), single_ok=True), "errors worth retrying",
                        list(Retry.on))],
                 build=Retry, cls=Retry,
                 read=lambda r: {"attempts": r.attempts, "backoff": r.backoff_ns / 1e9, "cap": r.cap_ns / 1e9,
                                 "jitter": r.jitter, "budget": r.budget, "on": list(r.on)})
BREAKER = TypeDesc("CircuitBreaker", "Stop calling a failing dependency for a while (give consecutive_failures, "
                                     "failure_rate or both).",
                   [Param("consecutive_failures", Optional(Int(1, 10**9), "not used"),
                          "opens after this many failed attempts in a row", None),
                    Param("failure_rate", Optional(Number(0, 1, low_open=True), "not used"),
                          "opens when the failure rate over the window reaches this", None),
                    Param("window", Int(1, 1_000_000), "attempts in the failure-rate window", 20),
                    Param("open_for", Duration(positive=True), "how long it stays open", "5s", "s"),
                    Param("probes", Int(1, 1_000_000), "trial attempts when half-open", 1)],
                   build=CircuitBreaker, cls=CircuitBreaker,
                   read=lambda b: {"consecutive_failures": b.consecutive_failures, "failure_rate": b.failure_rate,
                                   "window": b.window, "open_for": b.open_for_ns / 1e9, "probes": b.probes})
HEDGE = TypeDesc("Hedge", "Send a second copy of an attempt unanswered after `delay`, or after the `percentile` "
                          "of the call's observed latency (give one); the first success wins.",
                 [Param("delay", Optional(SECONDS, "use percentile"), "wait before hedging", None, "s"),
                  Param("percentile", Optional(Number(0, 100, low_open=True), "use delay"),
                        "hedge after this percentile of the observed attempt latency", None),
                  Param("min_samples", Int(1, 10_000_000), "replies seen before a percentile hedge goes out", 100)],
                 build=Hedge, cls=Hedge,
                 read=lambda h: {"delay": None if h.delay_ns is None else h.delay_ns / 1e9,
                                 "percentile": h.percentile, "min_samples": h.min_samples})
TARGET = Ref("component", ("service", "balancer"))
TARGET.kinds = ()  # any component but a client; filled in by the loader's name space "target"
TARGET.space = "target"
TARGET.label = "the name of a component that serves requests"

CALL = TypeDesc("Call", "A synchronous call to `target` (the worker waits for it).",
                [Param("target", TARGET, "the component called"),
                 Param("op", Optional(Str(), "the incoming request's"), "operation sent", None),
                 Param("strategy", Enum(STRATEGIES), "instance choice when calling a service directly",
                       "round_robin"),
                 Param("timeout", Optional(Duration(positive=True), "no timeout"), "per-attempt timeout", None, "s"),
                 Param("retry", Optional(Record(RETRY), "no retries"), "retry policy", None),
                 Param("breaker", Optional(Record(BREAKER), "none"), "circuit breaker", None),
                 Param("bulkhead", Optional(Int(1, 10_000_000), "no limit"), "most attempts in flight on this edge",
                       None),
                 Param("hedge", Optional(Record(HEDGE), "no hedging"), "hedging policy", None),
                 Param("idempotent", Bool(), "false: a second completed attempt is a duplicate effect", True)],
                build=Call, cls=Call,
                read=lambda c: {"target": c.target, "op": c.op, "strategy": c.strategy,
                                "timeout": None if c.timeout_ns is None else c.timeout_ns / 1e9, "retry": c.retry,
                                "breaker": c.breaker, "bulkhead": c.bulkhead, "hedge": c.hedge,
                                "idempotent": c.idempotent})


class _CallShorthand(ValueType):
    """A bare component name: a call with every default."""

    label = "a component name (a call with defaults)"

    def load(self, cx, node, path):
        return Call(TARGET.load(cx, node, path))

    def owns(self, value) -> bool:
        return isinstance(value, (str, ComponentRef)) or (isinstance(value, Call) and value == Call(value.target))

    def dump(self, value):
        return value.target if isinstance(value, Call) else getattr(value, "name", value)


class _Wait(ValueType):
    label = "all, first, or an integer k (k of n)"

    def load(self, cx, node, path):
        v = cx.scalar(node, path)
        if v in ("all", "first") or (isinstance(v, int) and not isinstance(v, bool) and v >= 1):
            return v
        raise Problem(f"expected {self.label}, got {_type_name(v)}{cx.did_you_mean(v, ['all', 'first'])}")


CALL_OR_NAME = Variant("call", [CALL], scalar=_CallShorthand())
CALL_OR_NAME.label = "a component name or {Call: {...}}"
PARALLEL = TypeDesc("Parallel", "Calls made at once; `wait` for all, the first, or k of them.",
                    [Param("calls", ListOf(CALL_OR_NAME, 1), "the calls"), Param("wait", _Wait(), "what to wait for",
                                                                                  "all")],
                    build=Parallel, cls=Parallel, read=lambda p: {"calls": list(p.calls), "wait": p.wait})
STEP = Variant("call step", [CALL, PARALLEL], scalar=_CallShorthand())
STEP.label = "a call step: a component name, {Call: {...}} or {Parallel: {...}}"

RATE_LIMIT = TypeDesc("RateLimit", "Token bucket: at most `rate` requests per second, bursts of `burst`.",
                      [Param("rate", RATE, "requests per second", unit="1/s"),
                       Param("burst", Number(1, 1e10), "bucket size", 1.0),
                       Param("per_tenant", Bool(), "one bucket per tenant", False)],
                      build=RateLimit, cls=RateLimit, read=_attrs(rate="rate", burst="burst", per_tenant="per_tenant"))


BACKPRESSURE = TypeDesc("Backpressure", "From `high` waiting requests until down to `low`, an instance tells the "
                                         "services calling it to hold their attempts.",
                        [Param("high", Int(1, 2**62), "waiting requests that start it"),
                         Param("low", Optional(Int(0, 2**62), "high // 2"), "waiting requests that end it", None)],
                        build=Backpressure, cls=Backpressure, read=_attrs(high="high", low="low"))


AUTOSCALE = TypeDesc("Autoscale", "Keep the service's instances at ceil(active * observed / target) (the Kubernetes "
                                   "HPA rule), clamped to [min, max]; give target_utilisation or target_queue.",
                     [Param("target_utilisation", Optional(Number(0, 1, low_open=True), "use target_queue"),
                            "busy workers / workers of the active instances to aim for", None),
                      Param("target_queue", Optional(Number(0, 1e9, low_open=True), "use target_utilisation"),
                            "waiting requests per active instance to aim for", None),
                      Param("min", Int(1, 1_000_000), "fewest instances", 1),
                      Param("max", Int(1, 1_000_000), "most instances (placed up front)"),
                      Param("interval", Duration(positive=True), "between evaluations; the metric is averaged "
                                                                  "over it", "15s", "s"),
                      Param("cooldown", SECONDS, "after a scaling, no further scaling for this long", "60s", "s"),
                      Param("scale_up_cooldown", Optional(SECONDS, "cooldown"), "cooldown before a scale-up", None,
                            "s"),
                      Param("scale_down_cooldown", Optional(SECONDS, "cooldown"), "cooldown before a scale-down",
                            None, "s"),
                      Param("provisioning_delay", SECONDS, "a new instance takes requests this long after the "
                                                           "decision", 0.0, "s"),
                      Param("tolerance", Number(0, 0.999999), "no change while observed / target is within this "
                                                              "of 1", 0.0)],
                     build=Autoscale, cls=Autoscale,
                     read=_attrs(target_utilisation="target_utilisation", target_queue="target_queue", min="min",
                                 max="max", interval="interval", cooldown="cooldown",
                                 scale_up_cooldown="scale_up_cooldown", scale_down_cooldown="scale_down_cooldown",
                                 provisioning_delay="provisioning_delay", tolerance="tolerance"))
QUOTA = TypeDesc("Quota", "One tenant's limits at a service: a token bucket (`rate`, `burst`) and a cap on its "
                          "requests in the service at once; give rate, max_in_flight or both.",
                 [Param("rate", RATE, "requests per second (0: no rate limit)", 0.0, "1/s"),
                  Param("burst", Number(1, 1e10), "bucket size", 1.0),
                  Param("max_in_flight", Optional(Int(1, 2**31), "no cap"),
                        "the tenant's requests waiting or in service at once", None)],
                 build=Quota, cls=Quota, read=_attrs(rate="rate", burst="burst", max_in_flight="max_in_flight"))


def _distribution_variant(cx, node) -> bool:
    """{Exp: ...} is a distribution; {read: ..., write: ...} a per-operation mapping. A one-key
    mapping whose key is capitalised or looks like a distribution's name is read as a
    distribution, so a misspelling ({exp: 5ms}) is an error, not an operation named exp."""
    keys = cx.mapping_keys(node)
    if keys is None or len(keys) != 1 or not isinstance(keys[0], str):
        return False
    key, names = keys[0], list(DISTRIBUTION.types)
    return key[:1].isupper() or key.lower() in (n.lower() for n in names) or bool(nearest_name(key, names))


class _PerOp(MapOf):
    def owns(self, value) -> bool:
        return isinstance(value, dict)


SERVICE_TIME = OneOf([(lambda cx, n: cx.is_mapping(n) and not _distribution_variant(cx, n),
                       _PerOp("operation (or default)", DISTRIBUTION)),
                      (lambda cx, n: True, DISTRIBUTION)],
                     "a distribution, or a mapping operation -> distribution with an optional 'default'")
PLACEMENT_HOSTS = Optional(ListOf(Ref("host"), 1, single_ok=True), "not pinned")
PLACEMENT_ZONES = Optional(ListOf(Ref("zone"), 1, single_ok=True), "every declared zone")
COUNT = Int(1, 10_000_000)

# -- components ------------------------------------------------------------------------------
# Each component kind: the builder method of the same name takes these parameters.
COMPONENTS: dict[str, TypeDesc] = {}


def component(desc: TypeDesc) -> TypeDesc:
    COMPONENTS[desc.name] = desc
    return desc


component(TypeDesc("service", "Instances x workers, a FIFO queue per instance; after its service time a request "
                              "makes its call steps in order, holding its worker.", [
    Param("instances", COUNT, "instances", 1),
    Param("workers", Int(1, 1_000_000), "workers per instance", 1),
    Param("queue_limit", Optional(Int(0, 2**62), "unbounded"), "waiting requests per instance before rejecting",
          None),
    Param("service_time", SERVICE_TIME, "time a worker spends on a request (per operation if a mapping)", 0.0, "s"),
    Param("calls", ListOf(STEP, single_ok=True), "call steps, in order", []),
    Param("error_probability", Number(0, 1), "chance a request fails with 'error' after its service time", 0.0),
    Param("rate_limit", Optional(Record(RATE_LIMIT), "none"), "token-bucket admission", None),
    Param("max_queue_time", Optional(SECONDS, "no shedding"), "shed requests that waited longer", None, "s"),
    Param("backpressure", Optional(Record(BACKPRESSURE), "none"),
          "callers hold their attempts while an instance's queue is long", None),
    Param("lifo_above", Optional(Int(0, 2**62), "always FIFO"),
          "serve the newest first while more than this many requests wait (adaptive LIFO)", None),
    Param("autoscale", Optional(Record(AUTOSCALE), "a fixed number of instances"),
          "an autoscaler; instances is then the count at the start", None),
    Param("quotas", Optional(MapOf("tenant", Record(QUOTA)), "none"),
          "per-tenant limits: tenant -> {rate, burst, max_in_flight}", None),
    Param("fair_queueing", Bool(), "serve waiting requests in round robin over tenants", False),
    Param("hosts", PLACEMENT_HOSTS, "hosts to place instances on (round robin)", None),
    Param("zones", PLACEMENT_ZONES, "zones to spread instances over", None),
]))
component(TypeDesc("balancer", "A load balancer over the instances of `target`; no queue, no processing time.", [
    Param("target", TARGET, "the component balanced"),
    Param("strategy", Enum(STRATEGIES), "instance choice", "round_robin"),
    Param("instances", COUNT, "instances", 1),
    Param("hosts", PLACEMENT_HOSTS, "hosts to place instances on", None),
    Param("zones", PLACEMENT_ZONES, "zones to spread instances over", None),
]))
component(TypeDesc("client", "A workload source sending requests to `target`.", [
    Param("target", TARGET, "where requests go"),
    Param("workload", WORKLOAD, "arrival process", Open(rate=1.0)),
    Param("keys", KEYS, "which key each request touches", dist.UniformKeys(1000)),
    Param("mix", MapOf("operation", NONNEG), "operation -> weight", {"read": 1.0}),
    Param("deadline", Optional(SECONDS, "none"), "a later reply counts as a timeout", None, "s"),
    Param("tenants", Int(1, 1_000_000), "anonymous tenants requests are spread over (rate limits per tenant)", 1),
    Param("tenant", Optional(Str(), "none"), "the named tenant whose workload this is (own key space, "
                                             "per-tenant results)", None),
    Param("strategy", Enum(STRATEGIES), "instance choice when the target is a service", "round_robin"),
    Param("hosts", PLACEMENT_HOSTS, "host to place the client on", None),
    Param("zones", PLACEMENT_ZONES, "zone to place the client in", None),
]))

# -- data tier: caches and shard routers -----------------------------------------------------
def _read_shard_change(c) -> dict:
    return {"shard": c.shard, "at": to_ns(c.at, "at") / 1e9}


SHARD_CHANGE = Variant("shard change", [
    TypeDesc("AddShard", "Activate backend instance `shard` (null: the lowest-numbered inactive one) at `at`.",
             [Param("shard", Optional(Int(0, 10_000_000), "the lowest-numbered inactive instance"),
                    "backend instance", None),
              Param("at", SECONDS, "when", 0.0, "s")],
             build=AddShard, cls=AddShard, read=_read_shard_change),
    TypeDesc("RemoveShard", "Deactivate shard `shard` at `at`; its keys move to the others.",
             [Param("shard", Int(0, 10_000_000), "backend instance"), Param("at", SECONDS, "when", 0.0, "s")],
             build=RemoveShard, cls=RemoveShard, read=_read_shard_change),
])
SHARD_CHANGE.label = "a shard change ({AddShard: {...}} or {RemoveShard: {...}})"

component(TypeDesc("cache", "A cache in front of `backend`: reads of fresh entries are answered at once, misses "
                            "are fetched; writes follow `mode`. Each instance holds its own entries.", [
    Param("backend", TARGET, "the component behind the cache"),
    Param("capacity", Optional(Int(1, 2**31), "none (policy ttl)"), "entries per instance", None),
    Param("policy", Enum(("lru", "lfu", "fifo", "ttl")), "eviction", "lru"),
    Param("ttl", Optional(Duration(positive=True), "never expires"), "freshness after a fill", None, "s"),
    Param("ttl_jitter", Number(0, 0.999999), "each TTL uniform on ttl x [1 - j, 1 + j]", 0.0),
    Param("mode", Enum(("read-through", "cache-aside", "write-through", "write-behind", "write-invalidate")),
          "what a write does", "read-through"),
    Param("single_flight", Bool(), "concurrent misses of one key share one fetch", False),
    Param("stale_while_revalidate", Optional(SECONDS, "off"), "serve expired entries this long while refreshing",
          None, "s"),
    Param("flush_delay", SECONDS, "write-behind: longest wait before a flush", 1.0, "s"),
    Param("flush_batch", Int(1, 1_000_000), "write-behind: writes per flush", 100),
    Param("warm", Int(0, 2**31), "keys 0 .. warm-1 loaded at time 0", 0),
    Param("instances", COUNT, "instances", 1),
    Param("strategy", Enum(STRATEGIES), "backend instance choice", "round_robin"),
    Param("hosts", PLACEMENT_HOSTS, "hosts to place instances on", None),
    Param("zones", PLACEMENT_ZONES, "zones to spread instances over", None),
]))
component(TypeDesc("shards", "A shard router: each request goes to the `backend` instance holding its key's shard.", [
    Param("backend", TARGET, "the component whose instances are the shards"),
    Param("shards", Optional(COUNT, "every backend instance"), "shards active at the start", None),
    Param("routing", Enum(("hash", "range", "consistent")), "key -> shard", "consistent"),
    Param("vnodes", Int(1, 10_000), "ring points per shard (consistent)", 100),
    Param("key_space", Optional(Int(1, 2**63), "none"), "keys range routing splits", None),
    Param("changes", ListOf(SHARD_CHANGE), "shards added or removed during the run", []),
    Param("tenant_shards", Optional(COUNT, "route by key only"),
          "tenant-aware: each tenant's keys on its own block of this many shards", None),
    Param("instances", COUNT, "instances", 1),
    Param("hosts", PLACEMENT_HOSTS, "hosts to place instances on", None),
    Param("zones", PLACEMENT_ZONES, "zones to spread instances over", None),
]))

class _PerReplica(ListOf):
    def owns(self, value) -> bool:
        return isinstance(value, (list, tuple))


REPLICATION_DELAY = OneOf([(lambda cx, n: cx.is_sequence(n), _PerReplica(DISTRIBUTION, 1)),
                           (lambda cx, n: True, DISTRIBUTION)],
                          "a distribution, or a list of one distribution per replica")
component(TypeDesc("store", "A replicated store. mode primary: one primary takes the writes and replicates them "
                            "asynchronously, reads follow `read_policy`, failover after `failover_after`. mode "
                            "quorum: leaderless N/R/W, last-writer-wins, optional read repair.", [
    Param("replicas", Int(1, 1000), "replicas (N)", 3),
    Param("mode", Optional(Enum(("primary", "quorum")), "quorum if a quorum is given, else primary"),
          "replication scheme", None),
    Param("write_quorum", Optional(Int(1, 1000), "1"), "quorum mode: acks a write waits for (W)", None),
    Param("read_quorum", Optional(Int(1, 1000), "1"), "quorum mode: replies a read waits for (R)", None),
    Param("replication_delay", REPLICATION_DELAY, "time for a write to reach a replica", 0.0, "s"),
    Param("service_time", DISTRIBUTION, "time a replica's worker spends on a read or write", 0.0, "s"),
    Param("workers", Int(1, 1_000_000), "workers per replica", 1),
    Param("read_policy", Optional(Enum(("primary", "any", "nearest")), "primary"),
          "primary mode: which replica serves a read", None),
    Param("failover_after", Optional(SECONDS, "no automatic failover"),
          "primary mode: detection delay before a replica is promoted", None, "s"),
    Param("read_repair", Bool(), "quorum mode: repair stale replicas a read saw", False),
    Param("hosts", PLACEMENT_HOSTS, "hosts to place replicas on", None),
    Param("zones", PLACEMENT_ZONES, "zones to spread replicas over", None),
]))

# -- brokers ---------------------------------------------------------------------------------
# Publishing is a call with op "publish" (acknowledged) or "fire_and_forget": {Call: {target: orders,
# op: publish}}, what sim.Publish(orders) makes.
CONSUMER_GROUP = TypeDesc(
    "ConsumerGroup", "Consumers that together read every message of the topic, at least once.",
    [Param("name", Str(), "the group's name"),
     Param("consumers", Int(1, 1_000_000), "consumers", 1),
     Param("processing_time", DISTRIBUTION, "each delivery's time at its consumer", 0.0, "s"),
     Param("ordering", Enum(ORDERINGS), "partition: one consumer per partition, in order; none: competing "
                                        "consumers", "partition"),
     Param("failure_probability", Number(0, 1), "chance a delivery fails (no ack)", 0.0),
     Param("visibility_timeout", Duration(positive=True), "an unacked message is delivered again after this",
           "30s", "s"),
     Param("max_deliveries", Optional(Int(1, 65_535), "redeliver forever"), "then the dead-letter queue", None),
     Param("idempotent", Bool(), "a repeated success is a detected duplicate (else a duplicate effect)", True),
     Param("subscriber", Optional(TARGET, "none"), "component each delivery is sent to as a request", None),
     Param("strategy", Enum(STRATEGIES), "the subscriber's instance choice", "round_robin"),
     Param("checkpoint_interval", Optional(Duration(positive=True), "ack each message"),
           "streaming state: commit at checkpoints; a crash replays from the last one", None, "s"),
     Param("state_window", Optional(Duration(positive=True), "none"),
           "streaming state: tumbling windows by publish time", None, "s")],
    build=ConsumerGroup, cls=ConsumerGroup,
    read=lambda g: {"name": g.name, "consumers": g.consumers, "processing_time": g.processing_time,
                    "ordering": g.ordering, "failure_probability": g.failure_probability,
                    "visibility_timeout": g.visibility_timeout_ns / 1e9, "max_deliveries": g.max_deliveries,
                    "idempotent": g.idempotent, "subscriber": g.subscriber, "strategy": g.strategy,
                    "checkpoint_interval": None if g.checkpoint_ns is None else g.checkpoint_ns / 1e9,
                    "state_window": None if g.state_window_ns is None else g.state_window_ns / 1e9})

component(TypeDesc("broker", "One topic: partitions by key hash, bounded; consumer groups each read every message "
                             "(at least once, with redelivery and a dead-letter queue).", [
    Param("partitions", Int(1, 1_000_000), "partitions", 1),
    Param("capacity", Optional(Int(1, 2**62), "unbounded"), "messages per partition not yet done", None),
    Param("overflow", Enum(OVERFLOWS), "a full partition: block (producers wait) or drop", "block"),
    Param("groups", ListOf(Record(CONSUMER_GROUP)), "consumer groups", []),
    Param("consumers", Optional(Int(1, 1_000_000), "use groups"), "shorthand: one group 'consumers'", None),
    Param("processing_time", DISTRIBUTION, "shorthand group's processing time", 0.0, "s"),
    Param("hosts", PLACEMENT_HOSTS, "hosts to place consumers on", None),
    Param("zones", PLACEMENT_ZONES, "zones to spread consumers over", None),
]))

# -- network ---------------------------------------------------------------------------------
LINK = TypeDesc("Link", "An explicit link between two zones or regions (overrides the level latency).",
                [Param("a", Ref("site"), "zone or region"), Param("b", Ref("site"), "zone or region"),
                 Param("latency", DISTRIBUTION, "one-way latency", 0.0, "s"),
                 Param("loss", Number(0, 1), "loss probability", 0.0)],
                build=Link, cls=Link, read=_attrs(a="a", b="b", latency="latency", loss="loss"))
NETWORK = TypeDesc("network", "Zones in regions, hosts, one-way latency per level and loss; same host: no network.", [
    Param("zones", MapOf("zone", Str()), "zone -> region it belongs to", {}),
    Param("hosts", MapOf("host", Ref("zone")), "host -> zone", {}),
    Param("same_zone", DISTRIBUTION, "latency between hosts of one zone", 0.0, "s"),
    Param("cross_zone", DISTRIBUTION, "latency between zones of one region", 0.0, "s"),
    Param("cross_region", DISTRIBUTION, "latency between regions", 0.0, "s"),
    Param("same_zone_loss", Number(0, 1), "loss probability in a zone", 0.0),
    Param("cross_zone_loss", Number(0, 1), "loss probability across zones", 0.0),
    Param("cross_region_loss", Number(0, 1), "loss probability across regions", 0.0),
    Param("links", ListOf(Record(LINK)), "explicit links", []),
])

# -- faults ----------------------------------------------------------------------------------
INSTANCE = Ref("instance")
INSTANCE.label = "a component or one of its instances, e.g. db[0]"
SITES = ListOf(Ref("site"), 1, single_ok=True)
SITES.label = "a site or a list of sites (zone, region, host, component or instance names)"


class _TimeOrDistribution(ValueType):
    """A duration (the mean of an exponential time) or a distribution used as given."""

    label = "a duration (the mean of an exponential) or a distribution"

    def load(self, cx, node, path):
        return DISTRIBUTION.load(cx, node, path) if cx.is_mapping(node) else SECONDS.load(cx, node, path)

    def dump(self, value):
        if not isinstance(value, dist.Distribution):
            return SECONDS.dump(value)
        desc = DISTRIBUTION.desc_of(value)  # always tagged: a bare duration here means an exponential
        return {desc.name: desc.dump_params(value)}


def _window(f) -> dict:
    return {"at": f.at_ns / 1e9, "duration": None if f.duration_ns is None else f.duration_ns / 1e9}


WINDOW = [Param("at", SECONDS, "start", 0.0, "s"),
          Param("duration", Optional(Duration(positive=True), "until the end of the run"), "how long it lasts",
                None, "s")]


def _response_fault(cls, doc):
    return TypeDesc(cls.__name__, doc, [Param("target", INSTANCE, "component or instance"),
                                        Param("probability", Number(0, 1, low_open=True), "chance per response",
                                              0.1), *WINDOW],
                    build=cls, cls=cls, read=lambda f: {"target": f.target, "probability": f.probability,
                                                        **_window(f)})


FAULT = Variant("fault", [
    TypeDesc("Crash", "The instance crashes at `at` and restarts after `duration` (null: stays down); its queued "
                      "and in-service requests fail as unavailable.",
             [Param("target", INSTANCE, "component or instance"), *WINDOW],
             build=Crash, cls=Crash, read=lambda f: {"target": f.target, **_window(f)}),
    TypeDesc("Slow", "Service times are multiplied by `factor` from `at` for `duration`.",
             [Param("target", INSTANCE, "component or instance"),
              Param("factor", Number(0, 1e6, low_open=True), "service-time factor", 2.0), *WINDOW],
             build=Slow, cls=Slow, read=lambda f: {"target": f.target, "factor": f.factor, **_window(f)}),
    _response_fault(DropResponses, "Each successful response is lost on its way back with `probability`."),
    _response_fault(ErrorResponses, "Each request served fails with 'error' with `probability`."),
    _response_fault(CorruptResponses, "Each successful response carries corrupted data with `probability`."),
    TypeDesc("RandomCrashes", "Each instance alternates up (a time from `mttf`) and down (a time from `mttr`); "
                              "new crashes start only within [at, at + duration).",
             [Param("target", INSTANCE, "component or instance"),
              Param("mttf", _TimeOrDistribution(), "time to failure", "1h", "s"),
              Param("mttr", _TimeOrDistribution(), "time to repair", "1m", "s"), *WINDOW],
             build=RandomCrashes, cls=RandomCrashes,
             read=lambda f: {"target": f.target, "mttf": f.mttf, "mttr": f.mttr, **_window(f)}),
    TypeDesc("Partition", "Messages between the sites of `a` and those of `b` are lost (only from a to b when "
                          "`one_way`).",
             [Param("a", SITES, "one side"), Param("b", SITES, "the other side"), *WINDOW,
              Param("one_way", Bool(), "only messages from a to b are lost", False)],
             build=Partition, cls=Partition,
             read=lambda f: {"a": f.a, "b": f.b, "one_way": f.one_way, **_window(f)}),
    TypeDesc("LinkLatency", "Messages between the sites of `a` and those of `b` take an extra `latency`.",
             [Param("a", SITES, "one side"), Param("b", SITES, "the other side"),
              Param("latency", DISTRIBUTION, "extra one-way latency", "10ms", "s"), *WINDOW],
             build=LinkLatency, cls=LinkLatency,
             read=lambda f: {"a": f.a, "b": f.b, "latency": f.latency, **_window(f)}),
])
FAULT.label = "a fault ({Crash: {...}}, {Partition: {...}}, ...)"

# -- service-level objectives -----------------------------------------------------------------
SLO_DESC = TypeDesc(
    "SLO", "A service-level objective on one component's requests: `availability`, or `percentile` and "
           "`threshold` (p99 <= 200ms). A violated objective makes `archsim run` exit with 1.",
    [Param("component", Ref("component"), "the component judged (a client, usually)"),
     Param("availability", Optional(Number(0, 1, low_open=True), "a latency objective"),
           "target share of successful requests, e.g. 0.999", None),
     Param("percentile", Optional(Number(0, 100, low_open=True), "an availability objective"),
           "latency percentile, e.g. 99", None),
     Param("threshold", Optional(Duration(positive=True), "an availability objective"),
           "that percentile's upper bound", None, "s"),
     Param("window", Optional(Duration(positive=True), "the whole measured run"),
           "compliance window: every complete window must meet it", None, "s"),
     Param("op", Optional(Str(), "all operations"), "one operation only", None),
     Param("name", Optional(Str(), "built from the others"), "label in reports", None)],
    build=SLO, cls=SLO,
    read=lambda o: {"component": o.component, "availability": o.availability, "percentile": o.percentile,
                    "threshold": o.threshold, "window": o.window, "op": o.op,
                    "name": None if o.name == SLO(o.component, o.availability, o.percentile, o.threshold,
                                                  o.window, o.op).name else o.name})

# -- deployments -------------------------------------------------------------------------------
SERVICE = Ref("component", ("service",))
SERVICE.label = "the name of a service"
VERSION = TypeDesc(
    "Version", "A version of a service's code; what it leaves null is the service's own (version v1).",
    [Param("name", Str(), "the version's name (v1 is the service's own configuration)"),
     Param("service_time", Optional(SERVICE_TIME, "the service's"),
           "time a worker spends on a request (per operation if a mapping)", None, "s"),
     Param("error_probability", Optional(Number(0, 1), "the service's"),
           "chance a request fails with 'error' after its service time", None)],
    build=Version, cls=Version,
    read=lambda v: {"name": v.name, "service_time": v.service_time, "error_probability": v.error_probability})


def _seconds_or_none(ns):
    return None if ns is None else ns / 1e9


DEPLOYMENT = Variant("deployment", [
    TypeDesc("Canary", "From `at`, `share` of the requests go to `version`; judged every `window` once it has "
                       "`min_requests` requests: an error rate above `max_error_rate` or a p99 above `max_p99` "
                       "rolls it back; the first passing judgement after `promote_after` promotes it.",
             [Param("service", SERVICE, "the service deployed to"),
              Param("version", Record(VERSION), "the new version"),
              Param("share", Number(0, 1, low_open=True), "fraction of the requests it gets, below 1", 0.05),
              Param("at", SECONDS, "start", 0.0, "s"),
              Param("window", Duration(positive=True), "time between judgements", "10s", "s"),
              Param("min_requests", Int(1, 2**62), "its finished requests a judgement needs", 100),
              Param("max_error_rate", Optional(Number(0, 1), "not judged on errors"),
                    "roll back above this error rate", None),
              Param("max_p99", Optional(Duration(positive=True), "not judged on latency"),
                    "roll back above this p99 latency at the service", None, "s"),
              Param("promote_after", Optional(Duration(positive=True), "never promoted"),
                    "promote at the first passing judgement after this long", None, "s")],
             build=Canary, cls=Canary,
             read=lambda d: {"service": d.service, "version": d.version, "share": d.share, "at": d.at_ns / 1e9,
                             "window": d.window_ns / 1e9, "min_requests": d.min_requests,
                             "max_error_rate": d.max_error_rate, "max_p99": _seconds_or_none(d.max_p99_ns),
                             "promote_after": _seconds_or_none(d.promote_after_ns)}),
    TypeDesc("BlueGreen", "At `at` the requests switch to `version`: at once, or linearly over `ramp`.",
             [Param("service", SERVICE, "the service deployed to"),
              Param("version", Record(VERSION), "the new version"),
              Param("at", SECONDS, "start", 0.0, "s"),
              Param("ramp", SECONDS, "time over which the traffic moves (0: at once)", 0.0, "s")],
             build=BlueGreen, cls=BlueGreen,
             read=lambda d: {"service": d.service, "version": d.version, "at": d.at_ns / 1e9,
                             "ramp": d.ramp_ns / 1e9}),
    TypeDesc("FeatureFlag", "Flag `name` is on from `at` for `duration` and changes every request of the service: "
                            "extra time, another service time, an extra error probability.",
             [Param("service", SERVICE, "the service whose flag it is"),
              Param("name", Str(), "the flag's name"),
              Param("at", SECONDS, "when it is turned on", 0.0, "s"),
              Param("duration", Optional(Duration(positive=True), "until the end of the run"), "how long it is on",
                    None, "s"),
              Param("extra_time", Optional(DISTRIBUTION, "none"), "added to each service time", None, "s"),
              Param("service_time", Optional(SERVICE_TIME, "unchanged"),
                    "replaces the service time (per operation if a mapping)", None, "s"),
              Param("error_probability", Number(0, 1), "extra chance a request fails with 'error'", 0.0)],
             build=FeatureFlag, cls=FeatureFlag,
             read=lambda f: {"service": f.service, "name": f.name, "at": f.at_ns / 1e9,
                             "duration": _seconds_or_none(f.duration_ns), "extra_time": f.extra_time,
                             "service_time": f.service_time, "error_probability": f.error_probability}),
    TypeDesc("RollingRestart", "From `at`, the instances restart `batch` at a time, each batch down for "
                               "`restart_time` (a crash and a restart), `pause` between batches.",
             [Param("service", INSTANCE, "the component restarted (service, cache, store, broker)"),
              Param("at", SECONDS, "start", 0.0, "s"),
              Param("batch", Int(1, 10_000_000), "instances restarted at once", 1),
              Param("restart_time", Duration(positive=True), "how long each instance is down", "30s", "s"),
              Param("pause", SECONDS, "wait between batches", 0.0, "s")],
             build=RollingRestart, cls=RollingRestart,
             read=lambda d: {"service": d.service, "at": d.at_ns / 1e9, "batch": d.batch,
                             "restart_time": d.restart_time_ns / 1e9, "pause": d.pause_ns / 1e9}),
])
DEPLOYMENT.label = "a deployment ({Canary: {...}}, {BlueGreen: {...}}, {FeatureFlag: {...}}, {RollingRestart: {...}})"

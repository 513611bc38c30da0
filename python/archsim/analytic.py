"""Closed-form companions of the simulator: queueing formulas, open Jackson
networks, exact MVA for closed networks, CTMC steady states and k-of-n
availability. An instant estimate before a long simulation, and a check after.

    >>> import archsim as sim
    >>> round(sim.analytic.erlang_c(servers=4, load=3.2), 4)
    0.5964

Times are seconds, or strings with a unit ("5ms"); rates are per second; load
is offered traffic in Erlangs (arrival rate x mean service time). A bad
argument raises ValueError naming the parameter and its accepted range. The
computation is in C++ (analysis/, with Eigen); this module only converts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._units import to_ns
from .distributions import Distribution

__all__ = [
    "Station", "erlang_b", "erlang_c", "mmc", "mg1", "jackson", "JacksonResult", "mva", "MvaResult",
    "ctmc_steady_state", "k_of_n_availability", "k_of_n_availability_independent", "k_of_n_generator",
    "che_hit_ratio",
]

_A = _core.analytic


# -- argument conversion ------------------------------------------------------------------
def _call(fn, *args):
    try:
        return fn(*args)
    except (ValueError, TypeError) as e:
        raise ValueError(str(e)) from None


def _number(value, name: str, *, low: float = 0.0, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < low or (strict and v == low):
        raise ValueError(f"{name} must be a finite number {'>' if strict else '>='} {low:g}, got {value!r}")
    return v


def _seconds(value, name: str, *, strict: bool = False) -> float:
    """A duration in seconds: a number (kept exactly) or a string with a unit."""
    if isinstance(value, str):
        v = to_ns(value, name) / 1e9
        if strict and v <= 0:
            raise ValueError(f"{name} must be a duration > 0, got {value!r}")
        return v
    return _number(value, f"{name} (seconds)", strict=strict)


def _integer(value, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (Integral, np.integer)) or value < low or (
            high is not None and value > high):
        rng = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be an integer {rng}, got {value!r}")
    return int(value)


# -- single queues --------------------------------------------------------------------------
def erlang_b(servers: int, load: float) -> float:
    """Erlang's B formula: the probability that an arrival is blocked in an
    M/M/c/c loss system (``servers`` servers, no waiting room) offered ``load``
    Erlangs. Numerically stable for thousands of servers.

    >>> round(erlang_b(servers=10, load=5.0), 4)
    0.0184
    """
    return _call(_A.erlang_b, _integer(servers, "erlang_b: servers", 0), _number(load, "erlang_b: load (Erlangs)"))


def erlang_c(servers: int, load: float) -> float:
    """Erlang's C formula: the probability that an arrival waits in an M/M/c
    queue with ``servers`` servers offered ``load`` Erlangs (requires
    ``load < servers``).

    >>> round(erlang_c(servers=4, load=3.2), 4)
    0.5964
    """
    return _call(_A.erlang_c, _integer(servers, "erlang_c: servers", 1), _number(load, "erlang_c: load (Erlangs)"))


def mmc(arrival_rate: float, service_time, servers: int = 1) -> dict:
    """The M/M/c queue: Poisson arrivals at ``arrival_rate`` per second,
    exponential service with mean ``service_time``, ``servers`` servers, FIFO.

    Returns a dict: ``utilisation`` (per server), ``p_wait`` (Erlang C),
    ``mean_wait`` and ``mean_response`` (seconds), ``mean_queue`` (waiting) and
    ``mean_number`` (in the system).

    >>> r = mmc(arrival_rate=800, service_time="4ms", servers=4)
    >>> round(r["p_wait"], 4), round(r["mean_response"] * 1e3, 3)
    (0.5964, 6.982)
    """
    f = _call(_A.mmc, _number(arrival_rate, "mmc: arrival_rate (per second)"),
              _seconds(service_time, "mmc: service_time", strict=True), _integer(servers, "mmc: servers", 1))
    return {k: getattr(f, k) for k in ("utilisation", "p_wait", "mean_wait", "mean_response", "mean_queue",
                                       "mean_number")}


def mg1(arrival_rate: float, service_mean, service_variance: float | None = None, *,
        service_scv: float | None = None) -> dict:
    """The M/G/1 queue by the Pollaczek-Khinchine formula.

    ``service_mean`` is a duration, or an archsim ``Distribution`` (its mean and
    variance are used). Otherwise give the variance (seconds^2) or the squared
    coefficient of variation ``service_scv`` (variance / mean^2: 0 for
    constant, 1 for exponential service).

    Returns a dict: ``utilisation``, ``mean_wait``, ``mean_response``,
    ``mean_queue``, ``mean_number``, ``service_scv``.

    >>> r = mg1(arrival_rate=200, service_mean="4ms", service_scv=0)   # M/D/1
    >>> round(r["mean_wait"] * 1e3, 3)
    8.0
    >>> import archsim as sim
    >>> round(mg1(200, sim.Exp("4ms"))["mean_wait"] * 1e3, 3)           # M/M/1
    16.0
    """
    if isinstance(service_mean, Distribution):
        if service_variance is not None or service_scv is not None:
            raise ValueError("mg1: give service_mean as a Distribution, or a mean with service_variance or "
                             "service_scv, not both")
        mean, var = service_mean.mean(), service_mean.variance()
        if mean is None or var is None:
            raise ValueError(f"mg1: the service distribution {service_mean!r} has an infinite mean or variance; "
                             f"M/G/1 needs both finite")
    else:
        mean = _seconds(service_mean, "mg1: service_mean", strict=True)
        if (service_variance is None) == (service_scv is None):
            raise ValueError("mg1: give exactly one of service_variance (seconds^2) and service_scv "
                             "(variance / mean^2), or a Distribution as service_mean")
        if service_variance is not None:
            var = _number(service_variance, "mg1: service_variance (seconds^2)")
        else:
            var = _number(service_scv, "mg1: service_scv") * mean * mean
    f = _call(_A.mg1, _number(arrival_rate, "mg1: arrival_rate (per second)"), mean, var)
    return {k: getattr(f, k) for k in ("utilisation", "mean_wait", "mean_response", "mean_queue", "mean_number",
                                       "service_scv")}


# -- networks -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Station:
    """A station of a queueing network: ``servers`` exponential servers with
    one FIFO queue and mean ``service_time`` per visit, or with ``delay=True`` a
    pure delay (infinite servers: no queueing, e.g. network time or think time).

    A dict with the same keys works wherever a Station does.
    """

    name: str
    service_time: object
    servers: int = 1
    delay: bool = False


def _stations(stations, what: str) -> list:
    if isinstance(stations, (str, bytes)) or not isinstance(stations, Sequence) or not stations:
        raise ValueError(f"{what}: stations must be a non-empty list of Station (or dicts with name, "
                         f"service_time, servers, delay), got {stations!r}")
    out = []
    for i, s in enumerate(stations):
        if isinstance(s, Mapping):
            unknown = set(s) - {"name", "service_time", "servers", "delay"}
            if unknown:
                raise ValueError(f"{what}: station {i}: unknown keys {sorted(unknown)}; accepted: name, "
                                 f"service_time, servers, delay")
            try:
                s = Station(**s)
            except TypeError as e:
                raise ValueError(f"{what}: station {i}: {e}") from None
        if not isinstance(s, Station):
            raise ValueError(f"{what}: station {i} must be a Station or a dict, got {s!r}")
        if not isinstance(s.name, str) or not s.name:
            raise ValueError(f"{what}: station {i}: name must be a non-empty string, got {s.name!r}")
        label = f"{what}: station {s.name!r}"
        if not isinstance(s.delay, (bool, np.bool_)):
            raise ValueError(f"{label}: delay must be True or False, got {s.delay!r}")
        out.append(_A.Station(s.name, _seconds(s.service_time, f"{label} service_time"),
                              _integer(s.servers, f"{label} servers", 1, 100_000_000), bool(s.delay)))
    return out


def _per_station(values, names: list[str], name: str, default: float | None) -> list[float]:
    """A list in station order from a sequence or a {station: value} dict."""
    if values is None:
        if default is None:
            raise ValueError(f"{name} is required")
        return [default] * len(names)
    if isinstance(values, Mapping):
        unknown = [k for k in values if k not in names]
        if unknown:
            raise ValueError(f"{name}: unknown station(s) {unknown}; stations: {names}")
        return [_number(values.get(n, 0.0), f"{name}[{n!r}]") for n in names]
    arr = np.asarray(values, dtype=float) if not isinstance(values, str) else None
    if arr is None or arr.ndim != 1 or len(arr) != len(names):
        raise ValueError(f"{name} must be a list of {len(names)} numbers (one per station) or a dict "
                         f"{{station: value}}, got {values!r}")
    return [_number(v, f"{name}[{n!r}]") for v, n in zip(arr.tolist(), names)]


def _routing(routing, names: list[str]) -> list[list[float]]:
    n = len(names)
    if routing is None:
        return []
    if isinstance(routing, Mapping):  # {from: {to: probability}}
        index = {name: i for i, name in enumerate(names)}
        p = [[0.0] * n for _ in range(n)]
        for src, row in routing.items():
            if src not in index:
                raise ValueError(f"jackson: routing: unknown station {src!r}; stations: {names}")
            if not isinstance(row, Mapping):
                raise ValueError(f"jackson: routing[{src!r}] must be a dict {{station: probability}}, got {row!r}")
            for dst, prob in row.items():
                if dst not in index:
                    raise ValueError(f"jackson: routing[{src!r}]: unknown station {dst!r}; stations: {names}")
                p[index[src]][index[dst]] = _number(prob, f"jackson: routing[{src!r}][{dst!r}]")
        return p
    try:
        arr = np.asarray(routing, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.shape != (n, n):
        raise ValueError(f"jackson: routing must be a {n} x {n} matrix (row = from, column = to) or a dict "
                         f"{{from: {{to: probability}}}}, got {routing!r}")
    return arr.tolist()


@dataclass(frozen=True)
class JacksonResult:
    """An open Jackson network's solution.

    ``stations``: a DataFrame, one row per station (columns station,
    arrival_rate, visits, utilisation, p_wait, mean_wait, mean_response,
    mean_queue, mean_number; times in seconds, per visit). ``mean_response``:
    end-to-end seconds per request (Little's law over the whole network);
    ``throughput``: requests per second entering (and leaving) it;
    ``mean_number``: requests in it.
    """

    stations: pd.DataFrame
    throughput: float
    mean_number: float
    mean_response: float


_JACKSON_COLUMNS = ("arrival_rate", "visits", "utilisation", "p_wait", "mean_wait", "mean_response", "mean_queue",
                    "mean_number")


def jackson(stations, routing=None, arrivals=None) -> JacksonResult:
    """Solve an open Jackson network: Poisson external arrivals, exponential
    service, Markov routing.

    stations: a list of ``Station`` (or dicts) in order; multi-server stations
        are M/M/c, ``delay=True`` stations M/M/inf.
    routing: the probability that a request leaving station i goes next to j,
        as a matrix (rows = from) or a dict ``{"A": {"B": 0.3}}``; what is left
        of each row leaves the network. None: every request leaves after its
        first station.
    arrivals: external arrival rates per second, a list in station order or a
        dict ``{station: rate}`` (missing stations get 0).

    The traffic equations lambda = gamma + P^T lambda are solved as a linear
    system; a station with utilisation >= 1 raises ValueError naming it.

    >>> net = jackson(stations=[Station("A", "1ms"), Station("B", "0.5ms", servers=2)],
    ...               routing={"A": {"B": 1.0}, "B": {"A": 0.2}}, arrivals={"A": 500})
    >>> net.stations[["station", "arrival_rate", "utilisation"]].round(4).to_string(index=False)
    'station  arrival_rate  utilisation\\n      A         625.0       0.6250\\n      B         625.0       0.1562'
    >>> round(net.mean_response * 1e3, 3)
    3.974
    """
    st = _stations(stations, "jackson")
    names = [s.name for s in st]
    gamma = _per_station(arrivals, names, "jackson: arrivals", None)
    f = _call(_A.jackson, st, _routing(routing, names), gamma)
    df = pd.DataFrame([{"station": s.name, **{c: getattr(s, c) for c in _JACKSON_COLUMNS}} for s in f.stations])
    return JacksonResult(df, f.throughput, f.mean_number, f.mean_response)


@dataclass(frozen=True)
class MvaResult:
    """A closed network's solution by exact MVA.

    ``stations``: a DataFrame, one row per station (columns station, visits,
    demand, throughput, utilisation, residence_time, mean_response,
    mean_number; residence_time is per request, mean_response per visit).
    ``throughput``: requests per second; ``response_time``: seconds per request
    excluding think time; ``by_users``: a DataFrame indexed by users = 1..N
    with columns throughput and response_time.
    """

    stations: pd.DataFrame
    users: int
    think_time: float
    throughput: float
    response_time: float
    by_users: pd.DataFrame


_MVA_COLUMNS = ("visits", "demand", "throughput", "utilisation", "residence_time", "mean_response", "mean_number")


def mva(stations, visits=None, *, users: int, think_time=0.0) -> MvaResult:
    """Exact Mean Value Analysis of a closed network: ``users`` users each
    think for ``think_time`` on average, then send a request that visits the
    stations (``visits`` per request, a list or {station: visits}, default 1
    each). Single-server, multi-server (load-dependent, exact) and delay
    stations.

    >>> r = mva(stations=[Station("cpu", "5ms"), Station("disk", "3ms", servers=2)],
    ...         visits={"cpu": 1, "disk": 2}, users=10, think_time="50ms")
    >>> round(r.throughput, 2), round(r.response_time * 1e3, 2)
    (144.59, 19.16)
    """
    st = _stations(stations, "mva")
    names = [s.name for s in st]
    v = _per_station(visits, names, "mva: visits", 1.0)
    n = _integer(users, "mva: users", 1, 10_000_000)
    f = _call(_A.mva, st, v, n, _seconds(think_time, "mva: think_time"))
    df = pd.DataFrame([{"station": s.name, **{c: getattr(s, c) for c in _MVA_COLUMNS}} for s in f.stations])
    by_users = pd.DataFrame({"throughput": f.throughput_by_users, "response_time": f.response_by_users},
                            index=pd.RangeIndex(1, n + 1, name="users"))
    return MvaResult(df, f.users, f.think_time, f.throughput, f.response_time, by_users)


# -- Markov chains and availability ----------------------------------------------------------
def ctmc_steady_state(Q) -> np.ndarray:
    """The stationary distribution pi of a continuous-time Markov chain with
    generator ``Q`` (square; off-diagonal rates >= 0; each row sums to 0):
    pi Q = 0, sum(pi) = 1. Raises ValueError for a malformed Q or a chain
    without a unique steady state.

    >>> ctmc_steady_state([[-1.0, 1.0], [3.0, -3.0]])
    array([0.75, 0.25])
    """
    try:
        arr = np.asarray(Q, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"ctmc_steady_state: Q must be a square matrix of numbers, got {Q!r}") from None
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"ctmc_steady_state: Q must be a square matrix, got shape {arr.shape}")
    return np.asarray(_call(_A.ctmc_steady_state, arr.tolist()), dtype=float)


def _repair_args(n, mttf, mttr, repair_crews, what):
    n = _integer(n, f"{what}: n (components)", 1, 100_000)
    crews = n if repair_crews is None else _integer(repair_crews, f"{what}: repair_crews", 1, n)
    return n, _seconds(mttf, f"{what}: mttf", strict=True), _seconds(mttr, f"{what}: mttr", strict=True), crews


def k_of_n_generator(n: int, mttf, mttr, repair_crews: int | None = None) -> np.ndarray:
    """The generator of the k-of-n repair CTMC: state i = components down,
    i -> i+1 at (n - i) / mttf, i -> i-1 at min(i, repair_crews) / mttr.

    >>> k_of_n_generator(2, mttf="10h", mttr="1h", repair_crews=1) * 3600
    array([[-0.2,  0.2,  0. ],
           [ 1. , -1.1,  0.1],
           [ 0. ,  1. , -1. ]])
    """
    n, mttf, mttr, crews = _repair_args(n, mttf, mttr, repair_crews, "k_of_n_generator")
    return np.asarray(_call(_A.k_of_n_generator, n, mttf, mttr, crews), dtype=float)


def k_of_n_availability(n: int, k: int, mttf, mttr, repair_crews: int | None = None) -> float:
    """Steady-state availability of a k-of-n system with repair: n identical
    components, each failing after an exponential time with mean ``mttf``;
    ``repair_crews`` crews (default n: one per component) each repair one
    component in an exponential time with mean ``mttr``. Returns P(at least k
    up), solved as a CTMC.

    >>> round(k_of_n_availability(n=3, k=2, mttf="1000h", mttr="10h"), 6)
    0.999708
    >>> round(k_of_n_availability(n=3, k=2, mttf="1000h", mttr="10h", repair_crews=1), 6)
    0.999412
    """
    n, mttf, mttr, crews = _repair_args(n, mttf, mttr, repair_crews, "k_of_n_availability")
    k = _integer(k, "k_of_n_availability: k (components needed up)", 1, n)
    return _call(_A.k_of_n_availability, n, k, mttf, mttr, crews)


def k_of_n_availability_independent(n: int, k: int, mttf, mttr) -> float:
    """The closed form for independent repair (a crew per component):
    sum_{j=k}^{n} C(n, j) a^j (1 - a)^(n - j), a = mttf / (mttf + mttr).
    Equal to ``k_of_n_availability(n, k, mttf, mttr)`` with the default crews.

    >>> round(k_of_n_availability_independent(n=3, k=2, mttf="1000h", mttr="10h"), 6)
    0.999708
    """
    n, mttf, mttr, _ = _repair_args(n, mttf, mttr, None, "k_of_n_availability_independent")
    k = _integer(k, "k_of_n_availability_independent: k (components needed up)", 1, n)
    return _call(_A.k_of_n_availability_independent, n, k, mttf, mttr)


# -- caches -----------------------------------------------------------------------------------
def che_hit_ratio(popularity, capacity: float, policy: str = "lru") -> float:
    """The hit ratio of a cache of ``capacity`` entries under independent requests, item i
    requested with probability proportional to ``popularity[i]``, by Che's characteristic-time
    approximation: an item stays T requests after its last request (``"lru"``) or after it was
    filled (``"fifo"``, also random replacement), T chosen so the cache holds ``capacity`` items
    on average (Che, Tung & Wang, IEEE JSAC 2002; Martina, Garetto & Leonardi, INFOCOM 2014).
    Within about 0.002 of a simulated LRU for Zipf catalogues of 10^4 items.

    >>> import numpy as np
    >>> zipf = 1 / np.arange(1, 10_001) ** 0.8     # sim.Zipf(10_000, 0.8)
    >>> round(che_hit_ratio(zipf, capacity=1000), 3)
    0.437
    >>> round(che_hit_ratio(zipf, capacity=1000, policy="fifo"), 3)
    0.394
    """
    try:
        weights = np.asarray(popularity, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"che_hit_ratio: popularity must be a sequence of numbers, got {popularity!r}") from None
    if weights.ndim != 1:
        raise ValueError(f"che_hit_ratio: popularity must be one-dimensional, got shape {weights.shape}")
    if not isinstance(policy, str):
        raise ValueError(f"che_hit_ratio: policy must be \"lru\" or \"fifo\", got {policy!r}")
    return _call(_A.che_hit_ratio, weights.tolist(), _number(capacity, "che_hit_ratio: capacity (entries)"), policy)


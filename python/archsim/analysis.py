"""model.analyze(): the analytic estimate of a whole model, before simulating it.

An open model (Poisson clients) is solved as an open Jackson network, a
closed one (one ``Closed`` client) by exact MVA, both from ``archsim.analytic``.
The visits of each service come from the call graph; instances x workers
become multi-server stations. Where the model departs from those networks the
estimate says where and why, in ``Analysis.findings``: a "warning" means the
part is approximated, "refused" means it is not modelled and the components
that depend on it get no estimate (NaN).

    est = model.analyze()
    est.components          # DataFrame: throughput, utilisation, mean_queue, mean_in_flight, mean
    est.findings            # [Finding("warning", "checkout: service_time LogNormal(...) has CV 1.8; ...")]
    res.compare(est)        # simulated vs analytic, side by side
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import integrate

from . import analytic
from .architecture import Finding, _checked

__all__ = ["Analysis", "analyze", "METRICS"]

METRICS = ("throughput", "utilisation", "mean_queue", "mean_in_flight", "mean")
POOLING = ("least_outstanding", "p2c")  # strategies that send to the least busy instance
SCV_TOLERANCE = 0.05  # |SCV - 1| beyond which a service time is not "exponential-like"
HELD_WAIT_TOLERANCE = 0.01  # P(wait) above which worker holding during calls matters


@dataclass
class Analysis:
    """The analytic estimate of a model.

    components: one row per component, in declaration order (index
    ``component``): kind, throughput (requests/s), utilisation (busy fraction
    of the workers), mean_queue (requests waiting, all instances),
    mean_in_flight (requests inside, Little's law) and mean (response time,
    seconds; end-to-end at a client). method: "jackson" (open) or "mva"
    (closed). findings: ``Finding``s with severity "warning" (approximated)
    or "refused" (not modelled; those components are NaN).

    Example::

        est = m.analyze(); print(est.report())
    """

    model: str
    method: str
    components: pd.DataFrame
    findings: list = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """True when the model is one the solver handles exactly: no findings."""
        return not self.findings

    def report(self) -> str:
        lines = [f"analytic estimate of {self.model} ({self.method})"]
        lines += [f"  {f}" for f in self.findings] or ["  exact: the model fits the solver's assumptions"]
        lines.append(self.components.to_string(float_format=lambda x: f"{x:.6g}"))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Analysis {self.model} ({self.method}), {len(self.findings)} findings>"


# -- the model as seen by the estimate --------------------------------------------------------
@dataclass
class _Node:
    name: str
    kind: str
    instances: int = 1
    workers: int = 0
    spec: object = None
    steps: list = field(default_factory=list)  # [(wait, k, [(target, op or None)])]
    incoming: set = field(default_factory=set)  # strategies of the edges arriving here
    rate: dict = field(default_factory=dict)  # op -> arrivals per second (or visits per client request)


def _nodes(model) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    lists = {"service": model._services, "balancer": model._balancers, "client": model._clients,
             "cache": model._caches, "shards": model._shards, "store": model._stores,
             "broker": model._brokers}
    for kind, i in model._order:
        spec = lists[kind][i]
        node = _Node(spec.name, kind, spec=spec)
        if kind == "service":
            node.instances, node.workers = spec.instances, spec.workers
            node.steps = [(st.wait, st.k, [(c.target, c.op or None, c.strategy) for c in st.calls]) for st in spec.steps]
        elif kind == "balancer":
            node.instances = spec.instances
            node.steps = [("all", 0, [(spec.target, None, spec.strategy)])]
        elif kind in ("cache", "shards"):  # forward to their backend; refused by the estimator
            node.instances = spec.instances
            node.steps = [("all", 0, [(spec.backend, None, "round_robin")])]
        elif kind == "store":  # a leaf; refused by the estimator
            node.instances = spec.replicas
        elif kind == "broker":  # its subscribers' load follows its messages; refused by the estimator
            node.instances = max(1, sum(g.consumers for g in spec.groups))
            subscribers = [(g.subscriber, None, g.strategy) for g in spec.groups if g.subscriber]
            node.steps = [("all", 0, subscribers)] if subscribers else []
        else:
            node.steps = [("all", 0, [(spec.target, None, spec.strategy)])]
        nodes[node.name] = node
    for node in nodes.values():
        for _, _, calls in node.steps:
            for target, _, strategy in calls:
                nodes[target].incoming.add(strategy)
    return nodes


def _topological(nodes: dict[str, _Node]) -> list[str]:
    """Callers before callees (the graph is acyclic: check() found no error)."""
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for _, _, calls in nodes[name].steps:
            for target, _, _ in calls:
                visit(target)
        order.append(name)

    for name in nodes:
        visit(name)
    return order[::-1]


def _spread(nodes: dict[str, _Node], sources: dict[str, dict[str, float]]) -> None:
    """Requests per second (or visits) per component and op from the clients' rates by op."""
    for node in nodes.values():
        node.rate = dict(sources.get(node.name, {}))
    for name in _topological(nodes):
        node = nodes[name]
        for op, r in node.rate.items():
            for _, _, calls in node.steps:
                for target, call_op, _ in calls:
                    t = nodes[target].rate
                    t[call_op or op] = t.get(call_op or op, 0.0) + r


def _service_time(spec, op: str):
    for o, d in spec.service_time_by_op:
        if o == op:
            return d
    return spec.service_time


def _order_statistic(means: list[float], k: int) -> float:
    """E[k-th smallest] of independent exponentials with the given means."""
    if len(means) == 1:
        return means[0]
    if any(not math.isfinite(m) for m in means):
        return math.inf
    rates = np.array([1.0 / m if m > 0 else math.inf for m in means])

    def fewer_than_k_done(t):
        done = np.where(np.isinf(rates), 1.0, 1.0 - np.exp(-rates * t))
        count = np.zeros(len(means) + 1)
        count[0] = 1.0
        for p in done:
            count[1:] = count[1:] * (1 - p) + count[:-1] * p
            count[0] *= 1 - p
        return float(count[:k].sum())

    value, _ = integrate.quad(fewer_than_k_done, 0, math.inf, limit=200)
    return value


class _Estimator:
    def __init__(self, model):
        _checked(model, "analyze")
        self.model = model
        self.nodes = _nodes(model)
        self.findings: list[Finding] = []
        self.refused: set[str] = set()
        clients = [n for n in self.nodes.values() if n.kind == "client"]
        closed = [c for c in clients if c.spec.closed]
        self.closed = bool(closed)
        if closed and len(closed) < len(clients):
            self._refuse(None, "open and closed clients together form a mixed network, which neither the Jackson "
                               "nor the MVA solver handles")
        elif len(closed) > 1:
            self._refuse(None, f"{len(closed)} closed clients need multi-class MVA, which archsim does not have")
        for c in clients:
            if not c.spec.closed and len(c.spec.rate_schedule) > 1:
                self._refuse(c.name, f"client {c.name!r}: its rate changes over time (a schedule or bursts); the "
                                     f"steady-state estimate needs a constant rate")
        self._check_network()
        for node in self.nodes.values():
            if node.kind == "service":
                self._check_service(node)
            elif node.kind == "cache":
                self._refuse(node.name, f"cache {node.name!r}: its hit ratio depends on key popularity, capacity "
                                        f"and TTL, which the queueing solvers do not model")
            elif node.kind == "shards":
                self._refuse(node.name, f"shards {node.name!r}: per-shard load depends on the key distribution, "
                                        f"which the queueing solvers do not model")
            elif node.kind == "store":
                self._refuse(node.name, f"store {node.name!r}: replication and quorum waits (the slowest R or W "
                                        f"of N replicas) are not queueing-network stations")
            elif node.kind == "broker":
                self._refuse(node.name, f"broker {node.name!r}: consumer groups (partitions, redelivery, "
                                        f"asynchronous subscribers) are not in the queueing network; "
                                        f"sim.analytic.mmc covers competing consumers")

    # -- findings ------------------------------------------------------------------------------
    def _warn(self, component, message):
        self.findings.append(Finding("warning", message, component))

    def _refuse(self, component, message):
        self.findings.append(Finding("refused", message, component))
        self.refused.add(component)

    def _check_network(self):
        n = self.model._network
        dists = [n.same_zone, n.cross_zone, n.cross_region] + [link.latency for link in self.model._links]
        if any((d.mean() or 0) > 0 for d in dists):
            self._warn(None, "network latency is not modelled: the estimate leaves out transit times")
        losses = [n.same_zone_loss, n.cross_zone_loss, n.cross_region_loss] + [l.loss for l in self.model._links]
        if any(p > 0 for p in losses):
            self._warn(None, "network loss is not modelled: the estimate assumes every message arrives")

    def _check_service(self, node):
        s, name = node.spec, node.name
        if s.queue_limit >= 0:
            self._warn(name, f"{name}: queue_limit {s.queue_limit} is not modelled; the estimate assumes an "
                             f"unbounded queue (no rejections)")
        if s.rate_limit > 0:
            self._warn(name, f"{name}: the rate limit is not modelled; the estimate assumes no rejections")
        if s.max_queue_time < 2**63 - 1:
            self._warn(name, f"{name}: load shedding (max_queue_time) is not modelled")
        if s.error_probability > 0:
            self._warn(name, f"{name}: error_probability {s.error_probability:g} is not modelled; the estimate "
                             f"assumes every request succeeds and makes its calls")
        for wait, k, calls in node.steps:
            if len(calls) > 1:
                what = "all" if wait == "all" else "the first" if wait == "first" else f"{k}"
                self._warn(name, f"{name}: a parallel step waits for {what} of {len(calls)} calls; the estimate "
                                 f"assumes independent, exponential branch response times")
        for st in s.steps:
            for c in st.calls:
                policies = [p for p, on in (("a timeout", c.timeout < 2**63 - 1), ("retries", c.attempts > 1),
                                            ("a circuit breaker", c.breaker), ("a bulkhead", c.bulkhead > 0)) if on]
                if policies:
                    self._warn(name, f"{name}: the call to {c.target} has {' and '.join(policies)}, not modelled; "
                                     f"the estimate assumes every call succeeds at the first attempt")
        if s.lifo_above >= 0:
            self._warn(name, f"{name}: adaptive LIFO leaves the mean unchanged (conservation law) but not the "
                             f"percentiles; the estimate gives means only")
        if s.backpressure_high >= 0:
            self._warn(name, f"{name}: backpressure is not modelled; the estimate assumes callers never hold")
        if s.autoscale.metric:
            self._warn(name, f"{name}: autoscaling is not modelled; the estimate holds its "
                             f"{max(s.instances, s.autoscale.min)} starting instances fixed")
        for st in s.steps:
            for c in st.calls:
                if c.hedge_delay < 2**63 - 1 or c.hedge_percentile > 0:
                    self._warn(name, f"{name}: the call to {c.target} is hedged, not modelled; the estimate "
                                     f"assumes one attempt per call")
        if node.instances > 1 and node.incoming and node.incoming <= set(POOLING):
            self._warn(name, f"{name}: {'/'.join(sorted(node.incoming))} over {node.instances} instances is "
                             f"modelled as one pooled queue of {node.instances} x {node.workers} servers "
                             f"(optimistic)")
        dists = [("service_time", s.service_time)] + [(f"service_time[{op!r}]", d) for op, d in s.service_time_by_op]
        for label, d in dists:
            mean, var = d.mean(), d.variance()
            if mean is None or var is None:
                self._refuse(name, f"{name}: {label} {d.describe()} has an infinite {'mean' if mean is None else 'variance'}; "
                                   f"its queue has no finite mean wait")
            elif mean > 0 and abs(var / mean**2 - 1) > SCV_TOLERANCE:
                self._warn(name, f"{name}: {label} {d.describe()} has CV {math.sqrt(var) / mean:.2g}; the "
                                 f"estimate assumes exponential service")

    # -- helpers ---------------------------------------------------------------------------------
    def _pooled(self, node) -> bool:
        return node.instances == 1 or (bool(node.incoming) and node.incoming <= set(POOLING))

    def _own_time(self, node, op) -> float:
        return _service_time(node.spec, op).mean() if node.kind == "service" else 0.0

    def _mean_own_time(self, node) -> float:
        total = sum(node.rate.values())
        return sum(r * self._own_time(node, op) for op, r in node.rate.items()) / total if total else 0.0

    def _bad(self, name) -> bool:
        """No estimate: refused here, loaded by a refused client, cache or shard router (whose
        load downstream is unknown), or anything it calls has none."""
        if name in self.refused or any(name in self._reached(c) for c in self.refused if c in self.nodes
                                       and self.nodes[c].kind in ("client", "cache", "shards", "broker")):
            return True
        return any(self._bad(t) for _, _, calls in self.nodes[name].steps for t, _, _ in calls)

    def _reached(self, name) -> set:
        out, todo = set(), [name]
        while todo:
            for _, _, calls in self.nodes[todo.pop()].steps:
                for target, _, _ in calls:
                    if target not in out:
                        out.add(target)
                        todo.append(target)
        return out

    def _calls_time(self, node, op, response) -> float:
        """Mean time in the call steps of a request of ``op``, from the targets' responses."""
        total = 0.0
        for wait, k, calls in node.steps:
            means = [response[t][call_op or op] for t, call_op, _ in calls]
            needed = len(means) if wait == "all" else 1 if wait == "first" else k
            total += _order_statistic(means, needed)
        return total

    # -- open: layered Jackson network -------------------------------------------------------------
    def open(self) -> tuple[pd.DataFrame, str]:
        """Poisson clients: the stations are solved from the leaves up, each an
        M/M/c station of the Jackson network at its total arrival rate; a
        service that calls others holds its worker for its own time plus its
        calls' responses, so those enter its holding time."""
        rates = {c.name: {op: c.spec.rate_schedule[0].rate * w / sum(x for _, x in c.spec.mix)
                          for op, w in c.spec.mix if w > 0}
                 for c in self.nodes.values() if c.kind == "client"}
        _spread(self.nodes, rates)
        response: dict[str, dict[str, float]] = {}  # component -> op -> mean response (s)
        rows = {}
        for name in reversed(_topological(self.nodes)):  # callees first
            node = self.nodes[name]
            lam = sum(node.rate.values())
            if self._bad(name):
                response[name] = {op: math.nan for op in node.rate}
                rows[name] = self._row(node, lam, math.nan, math.nan, response[name])
                continue
            calls = {op: self._calls_time(node, op, response) for op in node.rate}
            if node.kind != "service" or lam == 0:
                response[name] = calls if node.kind != "service" else {}
                rows[name] = self._row(node, lam, 0.0, 0.0, response[name])
                continue
            holding = sum(r * (self._own_time(node, op) + calls[op]) for op, r in node.rate.items()) / lam
            if holding == 0:  # takes no time: never busy
                response[name] = calls
                rows[name] = self._row(node, lam, 0.0, 0.0, calls)
                continue
            servers, copies = ((node.instances * node.workers, 1) if self._pooled(node)
                               else (node.workers, node.instances))
            load = lam / copies * holding
            if not math.isfinite(holding) or load >= servers:
                if math.isfinite(holding):
                    self._warn(name, f"{name}: overloaded: {lam:g}/s x {holding * 1e3:.4g} ms = "
                                     f"{lam * holding:.4g} Erlangs on {node.instances * node.workers} workers "
                                     f"(utilisation {load / servers:.3g} >= 1): no steady state, the queue grows "
                                     f"without bound")
                response[name] = {op: math.inf for op in node.rate}
                rows[name] = self._row(node, lam, min(load / servers, 1.0) if math.isfinite(load) else 1.0,
                                       math.inf, response[name])
                continue
            st = analytic.jackson([analytic.Station(name, holding, servers=servers)],
                                  arrivals=[lam / copies]).stations.iloc[0]
            if node.steps and st.p_wait > HELD_WAIT_TOLERANCE:
                self._warn(name, f"{name}: workers are held during its calls (mean holding {holding * 1e3:.4g} ms, "
                                 f"not exponential); P(wait) {st.p_wait:.2g}, approximated as M/M/c")
            response[name] = {op: st.mean_wait + self._own_time(node, op) + calls[op] for op in node.rate}
            rows[name] = self._row(node, lam, st.utilisation, st.mean_queue * copies, response[name])
        return self._frame(rows), "jackson"

    def _row(self, node, lam, utilisation, queue, response) -> dict:
        total = sum(node.rate.values())
        mean = sum(r * response.get(op, math.nan) for op, r in node.rate.items()) / total if total else math.nan
        service = node.kind == "service"
        return {"component": node.name, "kind": node.kind, "throughput": lam,
                "utilisation": utilisation if service else math.nan, "mean_queue": queue if service else math.nan,
                "mean_in_flight": lam * mean if lam else 0.0, "mean": mean}

    def _frame(self, rows) -> pd.DataFrame:
        df = pd.DataFrame([rows[n] for n in self.nodes]).set_index("component")
        return df[["kind", *METRICS]]

    # -- closed: exact MVA ---------------------------------------------------------------------------
    def closed_mva(self) -> tuple[pd.DataFrame, str]:
        """One closed client: its users and think time are MVA's population and
        delay; each service is a station with its own service time per visit
        (a service that calls others and has a worker for every user never
        queues, so it is a delay station: exact)."""
        client = next(n for n in self.nodes.values() if n.kind == "client")
        spec = client.spec
        users, think = spec.users, spec.think.mean()
        total_w = sum(w for _, w in spec.mix)
        _spread(self.nodes, {client.name: {op: w / total_w for op, w in spec.mix if w > 0}})  # visits per request
        stations, visits, parts = [], [], {}  # parts: service -> its station names
        for node in self.nodes.values():
            v = sum(node.rate.values())
            demand = self._mean_own_time(node) if node.kind == "service" else 0.0
            if node.kind != "service" or v == 0 or demand == 0:
                continue
            servers = node.instances * node.workers
            if node.steps and servers < users:
                self._warn(node.name, f"{node.name}: workers are held during its calls, which MVA does not "
                                      f"model; {servers} workers for {users} users may queue (optimistic)")
            delay = bool(node.steps) and servers >= users
            copies = 1 if self._pooled(node) or delay else node.instances
            names = [node.name] if copies == 1 else [f"{node.name}[{i}]" for i in range(copies)]
            for station in names:
                stations.append(analytic.Station(station, demand, servers=node.workers if copies > 1 else servers,
                                                 delay=delay))
                visits.append(v / copies)
            parts[node.name] = names
        if not stations:  # nothing takes time: requests cycle through think time only
            stations, visits = [analytic.Station("think-only", 0.0, delay=True)], [1.0]
        result = analytic.mva(stations, visits, users=users, think_time=think)
        by_station = result.stations.set_index("station")
        X = result.throughput
        response: dict[str, dict[str, float]] = {}
        rows = {}
        for name in reversed(_topological(self.nodes)):
            node = self.nodes[name]
            lam = X * sum(node.rate.values())
            wait, utilisation, queue = 0.0, 0.0, 0.0
            if name in parts:
                st = by_station.loc[parts[name]]
                demand = self._mean_own_time(node)
                wait = float(st.mean_response.iloc[0]) - demand  # per visit; every copy is alike
                busy = lam * demand
                utilisation = busy / (node.instances * node.workers)
                queue = max(float(st.mean_number.sum()) - busy, 0.0)
            own = self._own_time if node.kind == "service" else (lambda _n, _o: 0.0)
            response[name] = {op: wait + own(node, op) + self._calls_time(node, op, response) for op in node.rate}
            rows[name] = self._row(node, lam, utilisation, queue, response[name])
        return self._frame(rows), "mva"


def analyze(model) -> Analysis:
    """The analytic estimate of ``model`` (see the module docstring and
    docs/guide/analysis.md). Raises ValueError if ``model.check()`` finds errors.

    Example::

        est = archsim.analyze(m); print(est.findings)
    """
    est = _Estimator(model)
    if None in est.refused:
        df = pd.DataFrame([{"component": n.name, "kind": n.kind, **{m: math.nan for m in METRICS}}
                           for n in est.nodes.values()]).set_index("component")
        return Analysis(model.name, "mva" if est.closed else "jackson", df, est.findings)
    df, method = est.closed_mva() if est.closed else est.open()
    return Analysis(model.name, method, df, est.findings)

"""The builder API: describe an architecture in Python.

    m = archsim.Model("shop")
    db = m.service("db", workers=8, service_time=archsim.Exp("2ms"))
    app = m.service("app", instances=4, workers=16, service_time=archsim.Exp("4ms"),
                    calls=[archsim.Call(db)])
    lb = m.balancer("edge", target=app, strategy="p2c")
    m.client("web", target=lb, workload=archsim.Open(rate=2000))
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from numbers import Integral
from typing import Mapping, Sequence

from . import _core
from ._units import to_ns
from .calls import STRATEGIES, Call, Parallel, target_name
from .autoscale import Autoscale
from .backpressure import Backpressure
from .rate_limit import RateLimit
from .shard_changes import AddShard, RemoveShard
from .distributions import Distribution, KeyChooser, UniformKeys, as_distribution
from .workload import Closed, Open

__all__ = ["Model", "ComponentRef", "Link"]


@dataclass(frozen=True)
class ComponentRef:
    """A handle to a component in a model; pass it as a call or balancer target.

    Example::

        db = m.service("db")
        db.name, db[0]          # ("db", "db[0]"), an instance for faults
    """

    name: str
    kind: str

    def __getitem__(self, i: int) -> str:
        return f"{self.name}[{i}]"

    __iter__ = None  # a ref is one component, not a sequence (despite __getitem__)


@dataclass
class Link:
    """An explicit network link between two zones or regions (overrides the level latency).

    Example::

        m.network(cross_zone="1ms", links=[sim.Link("eu-1a", "us-1a", latency="80ms")])
    """

    a: str
    b: str
    latency: object = 0.0
    loss: float = 0.0


def _count(value, name: str, low: int = 1, high: int = 10_000_000) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def _probability(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return float(value)


def _placement(name: str, hosts, zones):
    p = _core.PlacementSpec()
    if hosts is not None and zones is not None:
        raise ValueError(f"{name}: give hosts or zones, not both")
    if hosts is not None:
        p.hosts = [hosts] if isinstance(hosts, str) else list(hosts)
    if zones is not None:
        p.zones = [zones] if isinstance(zones, str) else list(zones)
    return p


def _recorded(method):
    """Record a builder call's arguments, so a model can be written back as a scenario
    (Model.to_yaml) and two models compared by what they describe (==)."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def recording(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        arguments = signature.bind(self, *args, **kwargs).arguments
        self._calls.append((method.__name__, dict(list(arguments.items())[1:])))
        return result

    return recording


class Model:
    """An architecture: components, placement and network.

    Example::

        m = sim.Model("shop")
        db = m.service("db", workers=8, service_time=sim.Exp("2ms"))
        m.client("web", target=db, workload=sim.Open(rate=1000))
        res = sim.run(m, duration="1m", seed=1)
    """

    def __init__(self, name: str = "model"):
        if not isinstance(name, str) or not name:
            raise ValueError(f"Model name must be a non-empty string, got {name!r}")
        self.name = name
        self.description = ""  # free text for reports (a scenario file's leading comment)
        self._spec = _core.ModelSpec()
        self._spec.name = name
        self._order: list[tuple[str, int]] = []
        self._services: list = []
        self._balancers: list = []
        self._clients: list = []
        self._stores: list = []
        self._caches: list = []
        self._shards: list = []
        self._brokers: list = []
        self._names: dict[str, str] = {}
        self._zones: list = []
        self._hosts: list = []
        self._network = _core.NetworkSpec()
        self._links: list = []
        self._calls: list = []      # (builder method, its arguments), in order
        self.options: dict = {}     # run options: sim.run(m, **m.options)

    # -- placement and network ------------------------------------------------
    @_recorded
    def zone(self, name: str, region: str = "region-1") -> str:
        """Declare a zone in a region. Instances spread over the declared zones by default.

        Example::

            m.zone("eu-1a", region="eu")
            m.zone("eu-1b", region="eu")
        """
        if any(z[0] == name for z in self._zones):
            raise ValueError(f"zone {name!r} is declared twice")
        self._zones.append((name, region))
        return name

    @_recorded
    def host(self, name: str, zone: str | None = None) -> str:
        """Declare a host; components placed on the same host cross no network.

        Example::

            m.host("rack1-node1", zone="eu-1a")
        """
        if zone is None:
            if not self._zones:
                self.zone("zone-a")
            zone = self._zones[0][0]
        if not any(z[0] == zone for z in self._zones):
            raise ValueError(f"host {name!r}: unknown zone {zone!r}; declared zones: {[z[0] for z in self._zones]}")
        self._hosts.append((name, zone))
        return name

    @_recorded
    def network(self, *, same_zone=0.0, cross_zone=0.0, cross_region=0.0, same_zone_loss=0.0,
                cross_zone_loss=0.0, cross_region_loss=0.0, links: Sequence[Link] = ()) -> None:
        """One-way latency per level (distributions or durations) and loss probabilities.

        Same host: no network. ``links`` override the level between two named zones or regions;
        routes between zones follow the shortest path by mean latency.

        Example::

            m.network(same_zone="100us", cross_zone=sim.Exp("1ms"), cross_region="40ms")
        """
        n = self._network
        n.same_zone = as_distribution(same_zone, "network.same_zone")._impl
        n.cross_zone = as_distribution(cross_zone, "network.cross_zone")._impl
        n.cross_region = as_distribution(cross_region, "network.cross_region")._impl
        n.same_zone_loss = _probability(same_zone_loss, "network.same_zone_loss")
        n.cross_zone_loss = _probability(cross_zone_loss, "network.cross_zone_loss")
        n.cross_region_loss = _probability(cross_region_loss, "network.cross_region_loss")
        self._links = []
        for link in links:
            if not isinstance(link, Link):
                raise ValueError(f"network.links: expected archsim.Link, got {link!r}")
            spec = _core.LinkSpec()
            spec.from_site, spec.to_site = link.a, link.b
            spec.latency = as_distribution(link.latency, "Link.latency")._impl
            spec.loss = _probability(link.loss, "Link.loss")
            self._links.append(spec)

    # -- components -----------------------------------------------------------
    def _register(self, name: str, kind: str) -> ComponentRef:
        if not isinstance(name, str) or not name or "[" in name:
            raise ValueError(f"component name must be a non-empty string without '[', got {name!r}")
        if name in self._names:
            raise ValueError(f"component name {name!r} is already used by a {self._names[name]}")
        self._names[name] = kind
        return ComponentRef(name, kind)

    @_recorded
    def service(self, name: str, *, instances: int = 1, workers: int = 1, queue_limit: int | None = None,
                service_time=0.0, calls: Sequence = (), error_probability: float = 0.0,
                rate_limit: RateLimit | None = None, max_queue_time=None, hosts=None,
                zones=None, lifo_above: int | None = None,
                backpressure: Backpressure | None = None, autoscale: Autoscale | None = None,
                quotas: Mapping | None = None, fair_queueing: bool = False) -> ComponentRef:
        """A service: ``instances`` x ``workers`` with a FIFO queue per instance.

        service_time: a distribution (or duration), or a dict ``{op: distribution}``
        with an optional ``"default"`` key. queue_limit: waiting requests per
        instance beyond which a request is rejected (None = unbounded).
        calls: a sequence of steps made after the service time, each a
        ``Call`` or a ``Parallel`` group; the worker is held until they finish.
        error_probability: the chance a request fails with "error" after its service time.
        rate_limit: a ``RateLimit`` token bucket; refused arrivals fail with "rejected".
        max_queue_time: load shedding; a request that waited longer than this when a
        worker frees fails with "rejected" instead of being served.
        hosts / zones: explicit placement, or the zones to spread instances over.
        lifo_above: adaptive LIFO; while more than this many requests wait at an instance,
        a free worker serves the newest first (0: always LIFO; None: FIFO).
        backpressure: a ``Backpressure``; callers hold their attempts while its queue is long.
        autoscale: an ``Autoscale``; the number of instances follows the load between its
        min and max (``instances`` is then the count at the start, raised to min).
        quotas: per-tenant limits, ``{tenant: Quota(rate=, burst=, max_in_flight=)}``; a
        tenant's arrival beyond its quota fails with "rejected" (see docs/guide/multi-tenancy.md).
        fair_queueing: serve each instance's waiting requests in round robin over the tenants
        that have requests waiting, instead of in arrival order.

        Example::

            db = m.service("db", workers=8, service_time=sim.Exp("2ms"))
            api = m.service("api", instances=4, workers=16, queue_limit=100,
                            service_time=sim.LogNormal(median="4ms", p99="40ms"),
                            calls=[sim.Call(db, timeout="50ms", retry=sim.Retry(attempts=3))])
        """
        s = _core.ServiceSpec()
        s.error_probability = _probability(error_probability, f"service {name!r}: error_probability")
        if rate_limit is not None:
            if not isinstance(rate_limit, RateLimit):
                raise ValueError(f"service {name!r}: rate_limit must be an archsim.RateLimit, got {rate_limit!r}")
            s.rate_limit, s.rate_limit_burst = float(rate_limit.rate), float(rate_limit.burst)
            s.rate_limit_per_tenant = rate_limit.per_tenant
        if max_queue_time is not None:
            s.max_queue_time = to_ns(max_queue_time, f"service {name!r}: max_queue_time")
        if backpressure is not None:
            if not isinstance(backpressure, Backpressure):
                raise ValueError(f"service {name!r}: backpressure must be an archsim.Backpressure, "
                                 f"got {backpressure!r}")
            s.backpressure_high, s.backpressure_low = int(backpressure.high), int(backpressure.low)
        if lifo_above is not None:
            s.lifo_above = _count(lifo_above, f"service {name!r}: lifo_above", low=0, high=2**62)
        s.name = name
        s.instances = _count(instances, f"service {name!r}: instances")
        s.workers = _count(workers, f"service {name!r}: workers", high=1_000_000)
        if queue_limit is not None:
            s.queue_limit = _count(queue_limit, f"service {name!r}: queue_limit", low=0, high=2**62)
        if isinstance(service_time, Mapping):
            default = service_time.get("default", 0.0)
            s.service_time = as_distribution(default, f"service {name!r}: service_time")._impl
            s.service_time_by_op = [(op, as_distribution(d, f"service {name!r}: service_time[{op!r}]")._impl)
                                    for op, d in service_time.items() if op != "default"]
        else:
            s.service_time = as_distribution(service_time, f"service {name!r}: service_time")._impl
        if isinstance(calls, (str, ComponentRef, Call, Parallel)):
            calls = [calls]  # one call, not a sequence to iterate
        steps = []
        for item in calls:
            step = _core.StepSpec()
            if isinstance(item, Parallel):
                group, step.wait = item.calls, ("quorum" if isinstance(item.wait, int) else item.wait)
                step.k = item.wait if isinstance(item.wait, int) else 0
            else:
                group = [item if isinstance(item, Call) else Call(item)]
            step.calls = [self._call_spec(c) for c in group]
            steps.append(step)
        s.steps = steps
        if quotas is not None:
            from .tenancy import quota_specs

            s.quotas = quota_specs(f"service {name!r}", quotas)
        if not isinstance(fair_queueing, bool):
            raise ValueError(f"service {name!r}: fair_queueing must be True or False, got {fair_queueing!r}")
        s.fair_queueing = fair_queueing
        s.placement = _placement(f"service {name!r}", hosts, zones)
        if autoscale is not None:
            if not isinstance(autoscale, Autoscale):
                raise ValueError(f"service {name!r}: autoscale must be an archsim.Autoscale, got {autoscale!r}")
            if s.instances > autoscale.max:
                raise ValueError(f"service {name!r}: instances ({s.instances}) must be <= autoscale max "
                                 f"({autoscale.max}); instances is the count at the start")
            s.autoscale = autoscale._spec()
        ref = self._register(name, "service")
        self._order.append(("service", len(self._services)))
        self._services.append(s)
        return ref

    @staticmethod
    def _call_spec(call: Call):
        c = _core.CallSpec()
        c.target = call.target
        c.op = call.op or ""
        c.strategy = call.strategy
        if call.timeout_ns is not None:
            c.timeout = call.timeout_ns
        if call.retry is not None:
            r = call.retry
            c.attempts, c.backoff, c.backoff_cap, c.jitter = r.attempts, r.backoff_ns, r.cap_ns, r.jitter
            c.retry_budget = -1.0 if r.budget is None else float(r.budget)
            c.retry_on = list(r.on)
        if call.breaker is not None:
            b = call.breaker
            c.breaker = True
            c.breaker_consecutive = b.consecutive_failures or 0
            c.breaker_failure_rate = float(b.failure_rate or 0.0)
            c.breaker_window, c.breaker_open_for, c.breaker_probes = b.window, b.open_for_ns, b.probes
        if call.bulkhead is not None:
            c.bulkhead = call.bulkhead
        if call.hedge is not None:
            h = call.hedge
            if h.delay_ns is not None:
                c.hedge_delay = h.delay_ns
            else:
                c.hedge_percentile, c.hedge_min_samples = float(h.percentile), h.min_samples
        c.idempotent = call.idempotent
        return c

    @_recorded
    def balancer(self, name: str, *, target, strategy: str = "round_robin", instances: int = 1,
                 hosts=None, zones=None) -> ComponentRef:
        """A load balancer over the instances of ``target``.

        strategy: "round_robin", "random", "least_outstanding" or "p2c" (power of two choices).

        Example::

            lb = m.balancer("edge", target=api, strategy="p2c")
        """
        if strategy not in STRATEGIES:
            raise ValueError(f"balancer {name!r}: strategy must be one of {', '.join(STRATEGIES)}; got {strategy!r}")
        b = _core.BalancerSpec()
        b.name, b.target, b.strategy = name, target_name(target), strategy
        b.instances = _count(instances, f"balancer {name!r}: instances")
        b.placement = _placement(f"balancer {name!r}", hosts, zones)
        ref = self._register(name, "balancer")
        self._order.append(("balancer", len(self._balancers)))
        self._balancers.append(b)
        return ref

    @_recorded
    def client(self, name: str, *, target, workload=None, keys: KeyChooser | None = None,
               mix: Mapping[str, float] | None = None, deadline=None, tenants: int = 1,
               strategy: str = "round_robin", hosts=None, zones=None, tenant: str | None = None) -> ComponentRef:
        """A workload source sending to ``target``.

        workload: ``Open(rate=...)`` (default rate 1/s) or ``Closed(users=..., think=...)``.
        keys: a key chooser (default UniformKeys(1000)); mix: ``{op: weight}`` (default all
        "read"); deadline: a reply later than this counts as a timeout.
        tenant: the named tenant whose workload this client is; every request is that
        tenant's, its keys are in the tenant's own key space, and ``res.tenants()`` reports
        it (see docs/guide/multi-tenancy.md). tenants: instead, spread requests uniformly
        over this many anonymous tenants (per-tenant rate limits only).

        Example::

            m.client("web", target=lb, workload=sim.Open(rate=2000), mix={"read": 0.9, "write": 0.1},
                     keys=sim.Zipf(100_000, 0.9), deadline="1s")
        """
        c = _core.ClientSpec()
        c.name, c.target = name, target_name(target)
        if strategy not in STRATEGIES:
            raise ValueError(f"client {name!r}: strategy must be one of {', '.join(STRATEGIES)}; got {strategy!r}")
        c.strategy = strategy
        workload = workload if workload is not None else Open(rate=1.0)
        if isinstance(workload, Open):
            c.closed = False
            c.rate_schedule = [_core.RateSegment(t, r) for t, r in workload.segments]
        elif isinstance(workload, Closed):
            c.closed, c.users, c.think = True, workload.users, workload.think_dist._impl
        else:
            raise ValueError(f"client {name!r}: workload must be archsim.Open or archsim.Closed, got {workload!r}")
        keys = keys if keys is not None else UniformKeys(1000)
        if not isinstance(keys, KeyChooser):
            raise ValueError(f"client {name!r}: keys must be a key chooser (UniformKeys, Zipf), got {keys!r}")
        c.keys = keys._impl
        mix = dict(mix) if mix is not None else {"read": 1.0}
        if not mix or any(isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0 for w in mix.values()) \
                or sum(mix.values()) <= 0:
            raise ValueError(f"client {name!r}: mix must map operation names to weights >= 0 with a "
                             f"positive total, got {mix!r}")
        c.mix = [(str(op), float(w)) for op, w in mix.items()]
        if deadline is not None:
            c.deadline = to_ns(deadline, f"client {name!r}: deadline")
        c.tenants = _count(tenants, f"client {name!r}: tenants", high=1_000_000)
        if tenant is not None:
            if not isinstance(tenant, str) or not tenant:
                raise ValueError(f"client {name!r}: tenant must be a non-empty name, got {tenant!r}")
            if c.tenants > 1:
                raise ValueError(f"client {name!r}: give tenant (one named tenant) or tenants (anonymous "
                                 f"tenants), not both")
            c.tenant = tenant
        c.placement = _placement(f"client {name!r}", hosts, zones)
        ref = self._register(name, "client")
        self._order.append(("client", len(self._clients)))
        self._clients.append(c)
        return ref

    @_recorded
    def store(self, name: str, *, replicas: int = 3, mode: str | None = None, write_quorum: int | None = None,
              read_quorum: int | None = None, replication_delay=0.0, service_time=0.0, workers: int = 1,
              read_policy: str | None = None, failover_after=None, read_repair: bool = False, hosts=None,
              zones=None) -> ComponentRef:
        """A replicated store of ``replicas`` replicas, each a FIFO queue with ``workers`` servers.

        mode "primary": one primary takes the writes and replicates them asynchronously;
        reads go to the primary, any live replica or the nearest (``read_policy``); after the
        primary crashes, ``failover_after`` later the most up-to-date replica is promoted and
        writes it never received are lost. mode "quorum": leaderless N/R/W with
        ``write_quorum`` and ``read_quorum``, last-writer-wins versions and optional
        ``read_repair``. mode defaults to "quorum" when a quorum is given, else "primary".
        replication_delay: a distribution (or duration) for every replica, or a list of one
        per replica. service_time: per operation at a replica. The caller's instance choice
        is ignored: the store routes each request itself. See docs/guide/store.md.

        Example::

            db = m.store("orders-db", replicas=3, read_policy="any", replication_delay=sim.Exp("5ms"),
                         service_time=sim.Exp("1ms"), failover_after="2s")
            kv = m.store("kv", replicas=3, write_quorum=2, read_quorum=2, read_repair=True)
        """
        from .store import store_spec

        s = store_spec(name, replicas=replicas, mode=mode, write_quorum=write_quorum, read_quorum=read_quorum,
                       replication_delay=replication_delay, service_time=service_time, workers=workers,
                       read_policy=read_policy, failover_after=failover_after, read_repair=read_repair)
        s.placement = _placement(f"store {name!r}", hosts, zones)
        ref = self._register(name, "store")
        self._order.append(("store", len(self._stores)))
        self._stores.append(s)
        return ref

    # -- data tier: caches and shards ------------------------------------------
    @_recorded
    def cache(self, name: str, *, backend, capacity: int | None = None, policy: str = "lru", ttl=None,
              ttl_jitter: float = 0.0, mode: str = "read-through", single_flight: bool = False,
              stale_while_revalidate=None, flush_delay="1s", flush_batch: int = 100, warm: int = 0,
              instances: int = 1, strategy: str = "round_robin", hosts=None, zones=None) -> ComponentRef:
        """A cache in front of ``backend`` (any component); each instance holds its own entries.

        capacity: entries per instance. policy: "lru", "lfu", "fifo", or "ttl" (entries leave only
        when they expire; no capacity). ttl: how long an entry stays fresh after it is filled (None:
        forever); a hit does not extend it. ttl_jitter: each entry's TTL is uniform on
        ttl * [1 - j, 1 + j]. mode: "read-through" (misses are fetched by the cache; writes pass
        through and leave the cached copy as it was), "cache-aside" (the same reads; a write
        updates the backend, then deletes the cached copy), "write-through" (a write updates the
        backend, then the cache), "write-behind" (a write is stored and acknowledged at once and
        flushed to the backend within ``flush_delay``, ``flush_batch`` writes at a time; a crash
        loses the writes not yet flushed) or "write-invalidate" (a write deletes the cached copy,
        then updates the backend). single_flight: concurrent misses of one key share one fetch.
        stale_while_revalidate: an expired entry is still served this long past its expiry while
        one background refresh runs. warm: keys 0 .. warm-1 (the most popular under Zipf) are in
        every instance at time 0. strategy: how fetches and writes spread over the backend's
        instances. Reads are requests with op "read", writes op "write"; other ops pass through.

        Example::

            m.cache("catalog-cache", backend=db, capacity=10_000, ttl="30s", policy="lru",
                    single_flight=True)
        """
        where = f"cache {name!r}"
        c = _core.CacheSpec()
        c.name, c.backend = name, target_name(backend)
        if policy not in ("lru", "lfu", "fifo", "ttl"):
            raise ValueError(f"{where}: policy must be one of lru, lfu, fifo, ttl; got {policy!r}")
        modes = ("read-through", "cache-aside", "write-through", "write-behind", "write-invalidate")
        if mode not in modes:
            raise ValueError(f"{where}: mode must be one of {', '.join(modes)}; got {mode!r}")
        if strategy not in STRATEGIES:
            raise ValueError(f"{where}: strategy must be one of {', '.join(STRATEGIES)}; got {strategy!r}")
        c.policy, c.mode, c.strategy = policy, mode, strategy
        if policy == "ttl":
            if capacity is not None:
                raise ValueError(f"{where}: policy 'ttl' evicts by expiry only; leave capacity=None")
        else:
            if capacity is None:
                raise ValueError(f"{where}: policy {policy!r} needs capacity (entries per instance)")
            c.capacity = _count(capacity, f"{where}: capacity", high=2**31)
        if ttl is not None:
            c.ttl = to_ns(ttl, f"{where}: ttl")
            if c.ttl == 0:
                raise ValueError(f"{where}: ttl must be > 0 (None: entries never expire)")
        if isinstance(ttl_jitter, bool) or not isinstance(ttl_jitter, (int, float)) or not 0 <= ttl_jitter < 1:
            raise ValueError(f"{where}: ttl_jitter must be a fraction in [0, 1), got {ttl_jitter!r}")
        c.ttl_jitter = float(ttl_jitter)
        if not isinstance(single_flight, bool):
            raise ValueError(f"{where}: single_flight must be True or False, got {single_flight!r}")
        c.single_flight = single_flight
        if stale_while_revalidate is not None:
            c.stale_while_revalidate = to_ns(stale_while_revalidate, f"{where}: stale_while_revalidate")
        c.flush_delay = to_ns(flush_delay, f"{where}: flush_delay")
        c.flush_batch = _count(flush_batch, f"{where}: flush_batch", high=1_000_000)
        c.warm_keys = _count(warm, f"{where}: warm", low=0, high=2**31)
        c.instances = _count(instances, f"{where}: instances")
        c.placement = _placement(where, hosts, zones)
        ref = self._register(name, "cache")
        self._order.append(("cache", len(self._caches)))
        self._caches.append(c)
        return ref

    @_recorded
    def shards(self, name: str, *, backend, shards: int | None = None, routing: str = "consistent",
               vnodes: int = 100, key_space: int | None = None, changes: Sequence = (), instances: int = 1,
               hosts=None, zones=None, tenant_shards: int | None = None) -> ComponentRef:
        """A shard router: each request goes to the ``backend`` instance that holds its key's shard.

        The backend's instances are the shards (a service, a cache, ...); ``shards`` of them
        (default: all) are active at the start, the rest are free for ``AddShard``. routing:
        "hash" (hash of the key mod N), "range" (keys 0 .. key_space-1 split into N equal ranges;
        needs key_space) or "consistent" (a hash ring with ``vnodes`` points per shard, so adding
        or removing one of N shards moves about 1/N of the keys). changes: ``AddShard`` and
        ``RemoveShard`` at given times. Results: per-shard load and imbalance (max/mean).
        tenant_shards: tenant-aware partitioning; each tenant's keys go to its own block of
        this many shards (tenants in declaration order take consecutive blocks), by key hash
        within the block (see docs/guide/multi-tenancy.md).

        Example::

            m.shards("users", backend=users_db, shards=8, routing="consistent", vnodes=100,
                     changes=[sim.AddShard(at="1m")])
        """
        where = f"shards {name!r}"
        s = _core.ShardsSpec()
        s.name, s.backend = name, target_name(backend)
        if routing not in ("hash", "range", "consistent"):
            raise ValueError(f"{where}: routing must be one of hash, range, consistent; got {routing!r}")
        s.routing = routing
        if shards is not None:
            s.shards = _count(shards, f"{where}: shards")
        s.vnodes = _count(vnodes, f"{where}: vnodes", high=10_000)
        if key_space is not None:
            s.key_space = _count(key_space, f"{where}: key_space", high=2**63)
        elif routing == "range":
            raise ValueError(f"{where}: routing 'range' needs key_space (keys 0 .. key_space-1 are split)")
        specs = []
        for ch in changes:
            if not isinstance(ch, (AddShard, RemoveShard)):
                raise ValueError(f"{where}: changes must be archsim.AddShard or archsim.RemoveShard, got {ch!r}")
            specs.append(ch._spec())
        s.changes = specs
        s.instances = _count(instances, f"{where}: instances")
        if tenant_shards is not None:
            s.tenant_shards = _count(tenant_shards, f"{where}: tenant_shards")
        s.placement = _placement(where, hosts, zones)
        ref = self._register(name, "shards")
        self._order.append(("shards", len(self._shards)))
        self._shards.append(s)
        return ref

    # -- brokers and event-driven calls (archsim.broker) --------------------------------------
    @_recorded
    def broker(self, name: str, *, partitions: int = 1, capacity: int | None = None, overflow: str = "block",
               groups: Sequence = (), consumers: int | None = None, processing_time=0.0, hosts=None,
               zones=None) -> ComponentRef:
        """A broker holding one topic ``name`` (declare one broker per topic).

        A message's partition is the hash of its key mod ``partitions``; ordering holds within a
        partition. capacity: messages per partition not yet done by every group (None:
        unbounded); when a partition is full, overflow "block" makes acknowledged producers wait
        (push back) and "drop" drops the message. groups: ``ConsumerGroup`` s, each reading
        every message; ``consumers`` / ``processing_time`` are the shorthand for one group named
        "consumers". Producers: a client targeting the broker, or ``sim.Publish(broker)`` in a
        service's calls. The broker's instances are its consumers, group by group
        ("orders[0]" is the first group's first consumer), which a ``Crash`` stops.
        Results: ``res.broker(name)`` and ``res.timeseries(name, "lag")``.

        Example::

            orders = m.broker("orders", partitions=8, consumers=4, processing_time=sim.Exp("2ms"))
            orders = m.broker("orders", partitions=8, capacity=10_000, overflow="drop", groups=[
                sim.ConsumerGroup("billing", consumers=4, subscriber=billing, max_deliveries=5),
                sim.ConsumerGroup("analytics", consumers=1, processing_time=sim.Exp("1ms"),
                                  checkpoint_interval="10s")])
        """
        from .broker import OVERFLOWS, ConsumerGroup

        where = f"broker {name!r}"
        b = _core.BrokerSpec()
        b.name = name
        b.partitions = _count(partitions, f"{where}: partitions", high=1_000_000)
        if capacity is not None:
            b.capacity = _count(capacity, f"{where}: capacity", high=2**62)
        if overflow not in OVERFLOWS:
            raise ValueError(f"{where}: overflow must be one of {', '.join(OVERFLOWS)}; got {overflow!r}")
        b.overflow = overflow
        groups = [groups] if isinstance(groups, ConsumerGroup) else list(groups)
        if consumers is not None:
            if groups:
                raise ValueError(f"{where}: give consumers (one group) or groups, not both")
            groups = [ConsumerGroup("consumers", consumers=consumers, processing_time=processing_time)]
        elif processing_time != 0.0:
            raise ValueError(f"{where}: processing_time is the shorthand group's; give consumers too, "
                             f"or set it in each ConsumerGroup")
        for g in groups:
            if not isinstance(g, ConsumerGroup):
                raise ValueError(f"{where}: groups must be archsim.ConsumerGroup, got {g!r}")
        names = [g.name for g in groups]
        if len(set(names)) != len(names):
            raise ValueError(f"{where}: consumer group names must differ, got {names}")
        b.groups = [g._spec() for g in groups]
        b.placement = _placement(where, hosts, zones)
        ref = self._register(name, "broker")
        self._order.append(("broker", len(self._brokers)))
        self._brokers.append(b)
        return ref

    # -- compilation ----------------------------------------------------------
    @property
    def components(self) -> dict[str, str]:
        """Component names and kinds, in declaration order.

        Example::

            m.components   # {"db": "service", "api": "service", "edge": "balancer", "web": "client"}
        """
        return dict(self._names)

    def _to_spec(self):
        spec = self._spec
        spec.order = self._order
        spec.services = self._services
        spec.balancers = self._balancers
        spec.clients = self._clients
        spec.stores = self._stores
        spec.caches = self._caches
        spec.shards = self._shards
        spec.brokers = self._brokers
        net = self._network
        net.zones = [_core.ZoneSpec(z, r) for z, r in self._zones]
        net.hosts = [_core.HostSpec(h, z) for h, z in self._hosts]
        net.links = self._links
        spec.network = net
        return spec

    def __repr__(self) -> str:
        return f"Model({self.name!r}, components={list(self._names)})"

    # -- scenario files: run options, SLOs, YAML, equality ---------------------------------
    def run_options(self, *, duration=None, warmup=None, seed=None, until_requests=None, window=None,
                    faults=None, slos=None, replications=None, deployments=None) -> None:
        """Default options for a run of this model: ``sim.run(m, **m.options)``.

        A scenario file's ``duration``, ``warmup``, ``seed``, ``until_requests``, ``window``,
        ``faults``, ``slo``, ``replications`` and ``deployments`` land here. Only the options given are stored.

        Example::

            m.run_options(duration="5m", warmup="30s", seed=7)
            sim.run(m, **m.options)
        """
        given = {"duration": duration, "warmup": warmup, "seed": seed, "until_requests": until_requests,
                 "window": window, "faults": None if faults is None else list(faults),
                 "slos": None if slos is None else list(slos), "replications": replications,
                 "deployments": None if deployments is None else list(deployments)}
        for key in ("duration", "warmup", "window"):
            if given[key] is not None and not (key == "warmup" and given[key] == "mser5"):
                to_ns(given[key], key)
        self.options.update({k: v for k, v in given.items() if v is not None})

    @property
    def slos(self) -> list:
        """The service-level objectives of this model's runs (``options["slos"]``).

        Example::

            m.slo("web", percentile=99, threshold="100ms")
            m.slos
        """
        return self.options.get("slos", [])

    def slo(self, component, **objective):
        """Add a service-level objective, judged by ``sim.run(m, **m.options)``:
        ``m.slo("web", availability=0.999)``, ``m.slo("web", percentile=99, threshold="200ms")``.
        The arguments are those of ``archsim.SLO``; ``archsim run`` exits with 1 when one is violated.

        Example::

            m.slo("web", percentile=99, threshold="100ms")
        """
        from .slo import SLO

        objective = SLO(component, **objective)
        self.options.setdefault("slos", []).append(objective)
        return objective

    def to_yaml(self, path=None) -> str:
        """This model, its run options and SLOs as a scenario file (also written to ``path``
        if given); ``archsim.load`` reads it back into an equal model.

        Example::

            print(m.to_yaml())
            m.to_yaml("shop.yaml")
        """
        from .scenario import dump_yaml, to_data

        text = dump_yaml(to_data(self))
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    def __eq__(self, other) -> bool:
        """Equal models describe the same architecture, run options and SLOs."""
        if not isinstance(other, Model):
            return NotImplemented
        from .scenario import to_data

        return to_data(self) == to_data(other)

    __hash__ = None  # mutable, compared by content

    # -- architecture graph (archsim.architecture) -------------------------------
    def check(self) -> list:
        """Check the architecture graph without running: a list of ``archsim.Finding``
        (errors first). See ``archsim.check``.

        Example::

            m.check()
        """
        from .architecture import check

        return check(self)

    def to_dot(self) -> str:
        """The architecture as Graphviz DOT text. See ``archsim.to_dot``.

        Example::

            print(m.to_dot())
        """
        from .architecture import to_dot

        return to_dot(self)

    def critical_paths(self):
        """Critical path and fan-out of each client operation (DataFrame). See
        ``archsim.critical_paths``.

        Example::

            m.critical_paths()
        """
        from .architecture import critical_paths

        return critical_paths(self)

    def blast_radius(self, kind: str | None = None):
        """Client operations that lose availability when a component, host, zone or
        region is down (DataFrame). See ``archsim.blast_radius``.

        Example::

            m.blast_radius(kind="component")
        """
        from .architecture import blast_radius

        return blast_radius(self, kind)

    # -- analytic estimate (archsim.analysis) ---------------------------------------
    def analyze(self):
        """The analytic estimate of every component (Jackson network for open
        workloads, exact MVA for a closed one), with findings that say which parts
        are approximated or not modelled. Compare with a run by
        ``result.compare(model.analyze())``. See docs/guide/analysis.md.

        Example::

            res.compare(m.analyze())
        """
        from .analysis import analyze

        return analyze(self)

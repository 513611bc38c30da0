"""Results of a run: DataFrames, histograms, time series, JSON, fingerprint."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .histogram import LatencyHistogram

__all__ = ["Result"]

_PERCENTILES = (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9))


class Result:
    """Every figure of one run. Latencies are in seconds, rates per second.

    Example::

        res = sim.run(m, duration="5m", warmup="30s", seed=1)
        print(res.report())
        res.summary()              # one row per component
        res.to_pandas()            # tidy: component x op x metric
    """

    def __init__(self, raw, model_name: str, slos=()):
        self._raw = raw
        self._slos = list(slos)
        self.model = model_name
        self.seed = raw.seed
        self.events = raw.events
        self.stop_reason = raw.stop_reason
        self.requests_completed = raw.requests_completed
        self.measured_seconds = (raw.measured_to - raw.measured_from) / 1e9
        self._components = {c.name: c for c in raw.components}

    # -- lookup ---------------------------------------------------------------
    def _component(self, name: str):
        try:
            return self._components[name]
        except KeyError:
            raise KeyError(f"no component {name!r} in this result; components: {list(self._components)}") from None

    def _ops(self, name: str, op: str | None):
        ops = [o for o in self._component(name).ops if o.arrivals or o.finished_all]
        if op is None:
            return ops
        chosen = [o for o in ops if o.op == op]
        if not chosen:
            raise KeyError(f"component {name!r} saw no {op!r} requests; it saw: {[o.op for o in ops]}")
        return chosen

    def latency(self, name: str, op: str | None = None) -> LatencyHistogram:
        """Latency histogram of successful requests at ``name`` (all ops merged unless ``op``).

        Example::

            res.latency("web").percentile(99)      # seconds
            res.latency("api", op="write").count
        """
        h = LatencyHistogram()
        for o in self._ops(name, op):
            h.merge(LatencyHistogram(_copy_hist(o.latency)))
        return h

    # -- tables ---------------------------------------------------------------
    def _row(self, comp, ops, op_label: str) -> dict:
        T = self.measured_seconds or float("nan")
        h = LatencyHistogram()
        errors: dict[str, int] = {}
        arrivals = completed = finished = calls = retries = 0
        lat_all = 0.0
        for o in ops:
            h.merge(LatencyHistogram(_copy_hist(o.latency)))
            for k, v in o.errors.items():
                errors[k] = errors.get(k, 0) + v
            arrivals += o.arrivals
            completed += o.completed
            finished += o.finished_all
            lat_all += o.latency_sum_all
            calls += o.calls_sent
            retries += o.retries
        n_err = sum(errors.values())
        row = {
            "component": comp.name, "kind": comp.kind, "op": op_label,
            "arrivals": arrivals, "completed": completed, "errors": n_err,
            "throughput": completed / T, "mean": h.mean() if h.count else float("nan"),
        }
        for label, q in _PERCENTILES:
            row[label] = h.percentile(q) if h.count else float("nan")
        row["max"] = h.max() if h.count else float("nan")
        row["availability"] = completed / finished if finished else float("nan")
        for k, v in errors.items():
            row[f"errors_{k}"] = v
        row["calls"] = calls
        row["retries"] = retries
        row["corrupted"] = sum(o.corrupted for o in ops)
        hedges = sum(o.hedges for o in ops)
        row["hedges"] = hedges
        # Attempts per logical call made to dependencies (1 = no retries or hedges).
        row["amplification"] = calls / (calls - retries - hedges) if calls > retries + hedges else float("nan")
        if op_label == "all":
            row["utilisation"] = comp.utilisation if comp.workers else float("nan")
            row["mean_queue"] = comp.mean_queue
            row["mean_in_flight"] = comp.mean_in_flight
            # Little's law: L = lambda * W over the measured window.
            lam = finished / T
            w = lat_all / finished / 1e9 if finished else float("nan")
            row["littles_L"] = comp.littles_in_flight
            row["littles_lambda_W"] = lam * w
            row["duplicates"] = comp.duplicates
            row.update(_data_figures(comp))
        return row

    def summary(self, by_op: bool = False, by: str | None = None) -> pd.DataFrame:
        """One row per component (and per operation if ``by_op``): throughput, latency
        percentiles (s), errors by kind, availability, utilisation, queue length, Little's law.
        ``by="tenant"``: one row per tenant instead (``tenants()``).

        Example::

            res.summary()[["component", "throughput", "p99", "availability"]]
            res.summary(by_op=True)
            res.summary(by="tenant")
        """
        if by is not None:
            if by != "tenant":
                raise ValueError(f"summary: by must be 'tenant' (or None: by component), got {by!r}")
            return self.tenants()
        rows = []
        for comp in self._raw.components:
            ops = [o for o in comp.ops if o.arrivals or o.finished_all]
            rows.append(self._row(comp, ops, "all"))
            if by_op:
                rows.extend(self._row(comp, [o], o.op) for o in ops)
        df = pd.DataFrame(rows)
        if len(self._raw.consistency):  # models with a store: consistency columns too
            from .consistency import summary_columns

            df = summary_columns(df, self._raw.consistency)
        return df

    def instances(self, name: str | None = None) -> pd.DataFrame:
        """One row per instance: host, completed, utilisation, mean queue and in-flight. With
        an autoscaled service, also ``in_service``: the fraction of the measured time the
        instance was active or draining; its utilisation is over that time only.

        Example::

            res.instances("api")[["instance", "utilisation", "mean_queue"]]
        """
        columns = ["component", "instance", "host", "completed", "utilisation", "mean_queue", "mean_in_flight"]
        frames = []
        for comp in self._raw.components:
            if name is not None and comp.name != name:
                continue
            df = pd.DataFrame(comp.instance_columns())  # column lists: 10^6 instances convert in one pass
            df.insert(0, "component", comp.name)
            if not comp.workers:
                df["utilisation"] = float("nan")
            if comp.autoscale is not None:
                df["in_service"] = [i.in_service for i in comp.instances]
            frames.append(df)
        if name is not None and not frames:
            self._component(name)
        if any("in_service" in f for f in frames):  # only when an autoscaled service is in the frame
            columns.append("in_service")
        return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

    def component(self, name: str) -> dict:
        """The summary row of ``name`` as a dict; for a cache also its counts (hits, misses,
        coalesced, evictions, ...) and hit ratio, for a shard router ``shard_load`` ({shard:
        requests}), ``imbalance`` (max/mean) and ``shard_changes``.

        Example::

            res.component("web")["p99"]
        """
        comp = self._component(name)
        df = self.summary()
        row = {k: v for k, v in df[df.component == name].iloc[0].to_dict().items()
               if not (isinstance(v, float) and np.isnan(v) and k in _DATA_COLUMNS)}
        for k in _CACHE_COUNTS + ("shards",):  # counts, not floats, whatever other rows hold
            if k in row:
                row[k] = int(row[k])
        if comp.shards is not None:
            row["shard_load"] = _shard_load(comp.shards)
            row["shard_changes"] = [{"at": ch.at / 1e9, "kind": ch.kind, "shard": ch.shard, "active": list(ch.active),
                                     "moved": ch.moved} for ch in comp.shards.changes]
        return row

    def availability(self, name: str) -> float:
        """Successful / finished requests at ``name`` over the measured window.

        Example::

            res.availability("web")   # e.g. 0.9993
        """
        return self.component(name)["availability"]

    def littles_law(self, name: str) -> tuple[float, float]:
        """(L, lambda*W) for ``name``: time-averaged requests in the component, and
        arrival rate times mean time in it. They agree in any stable run.

        Example::

            L, lam_w = res.littles_law("api")   # agree in a stable run
        """
        row = self.component(name)
        return row["littles_L"], row["littles_lambda_W"]

    def timeseries(self, name: str, metric: str = "throughput", window=None, op: str | None = None,
                   group: str | None = None) -> pd.Series:
        """A metric per time window: throughput, errors, error_rate, availability (successful /
        finished in the window), mean, p50, p90, p99, p999; for a broker also "lag" (messages not
        yet done, time-averaged) and "lag_time" (age of the oldest, s) of consumer ``group``
        (default: the first); for an autoscaled service also "instances" (active instances,
        time-averaged per window), "provisioning" and "draining".

        ``window`` (a multiple of the run's window) coarsens the series.

        Example::

            res.timeseries("web", "p99", window="10s").plot()
        """
        from ._units import to_ns

        known = ("throughput", "errors", "error_rate", "availability", "mean") + tuple(dict(_PERCENTILES)) \
            + _CACHE_SERIES + ("lag", "lag_time", "instances", "provisioning", "draining")
        if metric in _CACHE_SERIES:
            return self._cache_series(name, metric, window)
        from .broker import BROKER_SERIES

        if metric in BROKER_SERIES:
            return self._broker_series(name, metric, window, group)
        from .autoscale import AUTOSCALE_SERIES

        if metric in AUTOSCALE_SERIES:
            return self._autoscale_series(name, metric, window)
        if metric not in known:
            raise ValueError(f"timeseries: unknown metric {metric!r}; accepted: {', '.join(known)}")
        base = self._raw.window_ns
        factor = 1
        if window is not None:
            w = to_ns(window, "window")
            if w % base or w < base:
                raise ValueError(f"timeseries: window must be a multiple of the run's window ({base / 1e9:g}s)")
            factor = w // base
        ops = self._ops(name, op)
        if not ops:
            return pd.Series(dtype=float, name=metric)
        # Only windows with a record are stored: empty ones count zero.
        groups = max((o.windows[-1][0] // factor + 1 for o in ops if o.windows), default=0)
        completed = np.zeros(groups)
        errors = np.zeros(groups)
        hists = [None] * groups
        for o in ops:
            for i, c, e, h in o.windows:
                g = i // factor
                completed[g] += c
                errors[g] += e
                if hists[g] is None:
                    hists[g] = _copy_hist(h)
                else:
                    hists[g].merge(h)
        width = base * factor / 1e9
        index = pd.Index(np.arange(groups) * width, name="time_s")
        metrics = {"throughput": completed / width, "errors": errors,
                   "error_rate": np.divide(errors, completed + errors, out=np.zeros(groups),
                                           where=(completed + errors) > 0),
                   "availability": np.divide(completed, completed + errors, out=np.full(groups, np.nan),
                                             where=(completed + errors) > 0)}
        if metric in metrics:
            values = metrics[metric]
        else:  # mean and percentiles
            q = dict(_PERCENTILES).get(metric)
            values = [((h.mean() if q is None else h.percentile(q)) / 1e9) if h is not None and h.count else np.nan
                      for h in hists]
        s = pd.Series(values, index=index, name=metric)
        # Keep every window that overlaps the measured span [warm-up end, run end).
        start = self._raw.measured_from / 1e9
        return s[s.index + width > start + 1e-12]

    def broker(self, name: str) -> pd.DataFrame:
        """A broker's figures, one row per consumer group: published, dropped and blocked
        (producers pushed back) on the topic; per group delivered, redelivered, failed,
        processed, dead_lettered, deliveries_per_message, duplicates_detected /
        duplicate_effects, streaming reprocessed / checkpoints / restores / replayed /
        windows_emitted / windows_reemitted, out_of_order (processed before a message published
        earlier in its partition), wait_mean (publish to first delivery, s),
        latency_mean and latency_p99 (publish to processed: end-to-end event latency, s),
        mean_lag / max_lag (messages not yet done) and mean_lag_time / max_lag_time (age
        of the oldest, s). Per-message figures count messages published after warm-up.

        Example::

            res.broker("orders")[["group", "processed", "dead_lettered", "mean_lag"]]
        """
        from .broker import broker_frame

        comp = self._component(name)
        if comp.broker is None:
            raise ValueError(f"broker: {name!r} is a {comp.kind}, not a broker")
        return broker_frame(comp)

    def scaling(self, name: str) -> pd.DataFrame:
        """The decisions of ``name``'s autoscaler, one row each, over the whole run (warm-up
        included): time_s, from and to (instances, active and provisioning), reason
        (scale_up / scale_down), metric, observed (its average over the interval before the
        decision) and target. ``timeseries(name, "instances")`` gives the count over time.

        Example::

            res.scaling("api")[["time_s", "from", "to", "observed"]]
        """
        from .autoscale import scaling_frame

        comp = self._component(name)
        if comp.autoscale is None:
            raise ValueError(f"scaling: {name!r} has no autoscaler (give its service autoscale=sim.Autoscale(...))")
        return scaling_frame(comp)

    def _autoscale_series(self, name: str, metric: str, window) -> pd.Series:
        from .autoscale import count_series

        comp = self._component(name)
        if comp.autoscale is None:
            raise ValueError(f"timeseries: {metric!r} is an autoscaling metric and {name!r} has no autoscaler")
        width = self._raw.window_ns * (1 if window is None else self._window_factor(window))
        return count_series(comp, metric, width, self._raw.measured_to, self._raw.measured_from)

    def _window_factor(self, window) -> int:
        """How many of the run's time-series windows make ``window``."""
        from ._units import to_ns

        base, w = self._raw.window_ns, to_ns(window, "window")
        if w % base or w < base:
            raise ValueError(f"timeseries: window must be a multiple of the run's window ({base / 1e9:g}s)")
        return w // base

    def _broker_series(self, name: str, metric: str, window, group) -> pd.Series:
        from .broker import lag_series

        comp = self._component(name)
        if comp.broker is None:
            raise ValueError(f"timeseries: {metric!r} is a broker metric and {name!r} is a {comp.kind}")
        base = self._raw.window_ns
        factor = 1 if window is None else self._window_factor(window)
        return lag_series(comp, metric, group, base, factor, self._raw.measured_from / 1e9)

    def _cache_series(self, name: str, metric: str, window) -> pd.Series:
        from ._units import to_ns

        comp = self._component(name)
        if comp.cache is None:
            raise ValueError(f"timeseries: {metric!r} is a cache metric and {name!r} is a {comp.kind}")
        base = self._raw.window_ns
        w = base if window is None else to_ns(window, "window")
        if w % base or w < base:
            raise ValueError(f"timeseries: window must be a multiple of the run's window ({base / 1e9:g}s)")
        factor = w // base
        counts = np.array(comp.cache.windows, dtype=float).reshape(-1, 2)
        groups = (len(counts) + factor - 1) // factor
        summed = np.zeros((groups, 2))
        np.add.at(summed, np.arange(len(counts)) // factor, counts)
        hits, misses = summed[:, 0], summed[:, 1]
        values = {"hits": hits, "misses": misses,
                  "hit_ratio": np.divide(hits, hits + misses, out=np.full(groups, np.nan), where=hits + misses > 0)}
        width = w / 1e9
        s = pd.Series(values[metric], index=pd.Index(np.arange(groups) * width, name="time_s"), name=metric)
        return s[s.index + width > self._raw.measured_from / 1e9 + 1e-12]

    @property
    def faults(self) -> pd.DataFrame:
        """The fault log: kind, target (an instance, or "a | b" between two groups of sites),
        start and end (s; NaN if still active at the end of the run), the requests a crash
        failed, and what the fault affected while active (requests failed or refused, served
        slowly, responses changed, messages lost or delayed).

        Example::

            res = sim.run(m, duration="5m", faults=[sim.Crash("db[0]", at="1m", duration="30s")])
            res.faults
        """
        return pd.DataFrame(
            [{"kind": f.kind, "target": f.target, "start": f.start / 1e9,
              "end": f.end / 1e9 if f.end >= 0 else float("nan"), "failed_requests": f.failed_requests,
              "affected": f.affected}
             for f in self._raw.faults],
            columns=["kind", "target", "start", "end", "failed_requests", "affected"])

    # -- availability, uptime, SLOs, recovery (docs/guide/slo.md) --------------
    def requests(self, name: str | None = None) -> pd.DataFrame:
        """Request-level availability per client (or ``name``) and operation: requests
        offered (sent after the warm-up), successful, failed, unfinished when the run ended,
        and availability = successful / offered.

        Example::

            res.requests("web")
        """
        rows = []
        for comp in self._raw.components:
            if (name is None and comp.kind != "client") or (name is not None and comp.name != name):
                continue
            for o in comp.ops:
                if not o.arrivals:
                    continue
                failed = sum(o.errors.values())
                rows.append({"component": comp.name, "op": o.op, "offered": o.arrivals, "successful": o.completed,
                             "failed": failed, "unfinished": o.arrivals - o.finished_all,
                             "availability": o.completed / o.arrivals})
        if name is not None:
            self._component(name)
        return pd.DataFrame(rows, columns=["component", "op", "offered", "successful", "failed", "unfinished",
                                           "availability"])

    def uptime(self, name: str | None = None) -> pd.DataFrame:
        """Per service instance (of ``name``, or all): seconds down during the measured
        window (under a crash or a random crash; overlapping crashes count once) and
        uptime = 1 - down / measured.

        Example::

            res.uptime("db")
        """
        start, end = self._raw.measured_from, self._raw.measured_to
        down: dict[str, list[tuple[int, int]]] = {}
        for f in self._raw.faults:
            if f.kind in ("crash", "random_crash"):
                down.setdefault(f.target, []).append((max(f.start, start), min(f.end if f.end >= 0 else end, end)))
        rows = []
        for comp in self._raw.components:
            if comp.kind != "service" or (name is not None and comp.name != name):
                continue
            for inst in comp.instances:
                total, reach = 0, start
                for a, b in sorted(down.get(inst.name, [])):  # union of the intervals
                    a = max(a, reach)
                    if b > a:
                        total += b - a
                        reach = b
                span = end - start
                rows.append({"component": comp.name, "instance": inst.name, "down_s": total / 1e9,
                             "uptime": 1 - total / span if span > 0 else float("nan")})
        if name is not None and not rows:
            self._component(name)
        return pd.DataFrame(rows, columns=["component", "instance", "down_s", "uptime"])

    @property
    def slos(self) -> pd.DataFrame:
        """The verdict on each SLO given to ``run(slos=...)``: compliance, met, error budget
        consumed (1 = all of it), the highest burn rate over its windows.

        Example::

            res = sim.run(m, duration="5m", slos=[slo])
            res.slos
        """
        return pd.DataFrame([s.evaluate(self) for s in self._slos])

    @property
    def slos_met(self) -> bool:
        """True when every SLO given to ``run`` is met (and when there are none).

        Example::

            assert res.slos_met
        """
        return all(s.evaluate(self)["met"] for s in self._slos)

    def slo_series(self, slo) -> pd.DataFrame:
        """Per compliance window of ``slo`` (an SLO, or the name of one given to run):
        good and valid events, compliance, burn rate, met.

        Example::

            res.slo_series(slo)
        """
        return self._slo(slo).series(self)

    def _slo(self, slo):
        from .slo import SLO

        if isinstance(slo, SLO):
            return slo
        for s in self._slos:
            if s.name == slo:
                return s
        raise KeyError(f"no SLO named {slo!r}; this run has: {[s.name for s in self._slos]}")

    def recovery(self, name: str, window=None, tolerance: float = 0.1, hold: int = 3,
                 op: str | None = None) -> pd.DataFrame:
        """How long ``name`` took to recover after each fault ended: the time from the
        fault's end to the start of the first of ``hold`` consecutive windows in which
        throughput is within ``tolerance`` (10 %) of its level before the fault and p99
        latency is at most (1 + tolerance) times it; NaN and status "did not recover"
        when that never happens before the end of the run. The level before the fault
        is measured over the complete windows between the warm-up and the fault's start.

        Example::

            res.recovery("web")
        """
        from ._units import to_ns

        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 < tolerance < 1:
            raise ValueError(f"recovery: tolerance must be in (0, 1), got {tolerance!r}")
        if isinstance(hold, bool) or not isinstance(hold, int) or hold < 1:
            raise ValueError(f"recovery: hold must be an integer >= 1, got {hold!r}")
        width = to_ns(window, "window") if window is not None else self._raw.window_ns
        tput = self.timeseries(name, "throughput", window=window, op=op)
        p99 = self.timeseries(name, "p99", window=window, op=op)
        hists = self._window_histograms(name, op, width)
        starts = np.rint(tput.index.to_numpy() * 1e9).astype(np.int64)
        rows = []
        for f in self._raw.faults:
            row = {"kind": f.kind, "target": f.target, "start": f.start / 1e9,
                   "end": f.end / 1e9 if f.end >= 0 else float("nan")}
            before = (starts >= self._raw.measured_from) & (starts + width <= f.start)
            if f.end < 0:
                row.update(baseline_throughput=float("nan"), baseline_p99=float("nan"), recovery_s=float("nan"),
                           status="still active")
                rows.append(row)
                continue
            if not before.any():
                row.update(baseline_throughput=float("nan"), baseline_p99=float("nan"), recovery_s=float("nan"),
                           status="no baseline")
                rows.append(row)
                continue
            base_t = float(tput[before].mean())
            merged = None  # the window histograms' precision
            for i in np.flatnonzero(before):
                h = hists.get(int(starts[i] // width))
                if h is not None and merged is None:
                    merged = _copy_hist(h)
                elif h is not None:
                    merged.merge(h)
            base_p = merged.percentile(99) / 1e9 if merged is not None else float("nan")
            ok = ((np.abs(tput.to_numpy() - base_t) <= tolerance * base_t)
                  & (p99.reindex(tput.index).to_numpy() <= (1 + tolerance) * base_p)
                  & (starts + width <= self._raw.measured_to))
            after = np.flatnonzero(starts >= f.end)
            recovered = next((i for i in after if i + hold <= len(ok) and ok[i:i + hold].all()), None)
            row.update(baseline_throughput=base_t, baseline_p99=base_p,
                       recovery_s=(starts[recovered] - f.end) / 1e9 if recovered is not None else float("nan"),
                       status="recovered" if recovered is not None else "did not recover")
            rows.append(row)
        return pd.DataFrame(rows, columns=["kind", "target", "start", "end", "baseline_throughput", "baseline_p99",
                                           "recovery_s", "status"])

    def _window_histograms(self, name: str, op: str | None, width: int) -> dict:
        """Latency histograms of ``name`` merged into windows of ``width`` ns, by window index."""
        factor = width // self._raw.window_ns
        out: dict = {}
        for o in self._ops(name, op):
            for i, _, _, h in o.windows:  # only windows with a record are stored
                if h.count:
                    g = i // factor
                    if g in out:
                        out[g].merge(h)
                    else:
                        out[g] = _copy_hist(h)
        return out

    # -- identity and export --------------------------------------------------
    def fingerprint(self) -> str:
        """A stable hash of every reported figure: same model + seed + build -> same value.

        Example::

            sim.run(m, duration=60, seed=1).fingerprint() == sim.run(m, duration=60, seed=1).fingerprint()  # True
        """
        return self._raw.fingerprint()

    def to_dict(self) -> dict:
        """The result as plain Python data: model, seed, fingerprint, summary rows by operation,
        instances, the fault log and, for brokers, their consumer groups (what ``to_json`` writes).

        Example::

            res.to_dict()["summary"][0]["p99"]
        """
        from .autoscale import autoscale_record
        from .broker import broker_frame

        summary = self.summary(by_op=True).replace({np.nan: None})
        out = {
            "model": self.model, "seed": self.seed, "fingerprint": self.fingerprint(),
            "events": self.events, "stop_reason": self.stop_reason,
            "measured_seconds": self.measured_seconds, "requests_completed": self.requests_completed,
            "summary": summary.to_dict(orient="records"),
            "instances": self.instances().replace({np.nan: None}).to_dict(orient="records"),
            "faults": self.faults.replace({np.nan: None}).to_dict(orient="records"),
        }
        scaled = {c.name: autoscale_record(c) for c in self._raw.components if c.autoscale is not None}
        if scaled:  # per autoscaled service: its decisions and instance counts over time
            out["autoscaling"] = scaled
        brokers = {c.name: broker_frame(c).astype(object).replace({np.nan: None}).to_dict(orient="records")
                   for c in self._raw.components if c.broker is not None}
        if brokers:  # one record per consumer group (Result.broker)
            out["brokers"] = brokers
        if len(self._raw.tenants):  # models with named tenants: one record per tenant
            from .tenancy import tenant_records

            out["tenants"] = tenant_records(self.tenants())
        if len(self._raw.deployments) or len(self._raw.versions):  # the timeline and each version's figures
            out["deployments"] = self.deployments.astype(object).replace({np.nan: None}).to_dict(orient="records")
            out["versions"] = self.versions().astype(object).replace({np.nan: None}).to_dict(orient="records")
        return out

    def to_json(self, path=None, indent: int = 2) -> str:
        """The result as JSON (written to ``path`` if given).

        Example::

            res.to_json("run.json")
        """
        text = json.dumps(self.to_dict(), indent=indent, default=float)
        if path is not None:
            from .atomic_file import atomic_write

            with atomic_write(path) as f:
                f.write(text)
        return text

    def report(self) -> str:
        """A readable text report.

        Example::

            print(res.report())
        """
        df = self.summary()
        lines = [f"model {self.model}  seed {self.seed}  fingerprint {self.fingerprint()}",
                 f"measured {self.measured_seconds:g}s simulated, {self.events:,} events, "
                 f"{self.requests_completed:,} client requests, stopped by {self.stop_reason}", ""]
        header = f"{'component':<16}{'kind':<10}{'thru/s':>10}{'mean':>10}{'p50':>10}{'p99':>10}{'p99.9':>10}" \
                 f"{'errors':>9}{'avail':>9}{'util':>7}"
        lines.append(header)
        lines.append("-" * len(header))
        for _, r in df.iterrows():
            util = "" if np.isnan(r.get("utilisation", np.nan)) else f"{r['utilisation']:.1%}"
            lines.append(f"{r['component']:<16}{r['kind']:<10}{r['throughput']:>10.1f}{_ms(r['mean']):>10}"
                         f"{_ms(r['p50']):>10}{_ms(r['p99']):>10}{_ms(r['p999']):>10}{int(r['errors']):>9}"
                         f"{_pct(r['availability']):>9}{util:>7}")
        from .broker import broker_report
        from .tenancy import tenant_report

        from .autoscale import autoscale_report
        from .deployments import deployment_report

        return "\n".join(lines + _data_report(df, self._raw.consistency, self.consistency)
                         + broker_report(self._raw.components)
                         + autoscale_report(self._raw.components, self._raw.measured_from, self._raw.measured_to)
                         + tenant_report(self.tenants(), _ms, _pct)
                         + deployment_report(self._raw))

    # -- consistency (stores and caches in front of them) ----------------------
    def _consistency_record(self, name: str):
        for c in self._raw.consistency:
            if c.name == name:
                return c
        self._component(name)
        raise KeyError(f"{name!r} serves no checked reads (consistency is recorded for stores and caches in "
                       f"front of them); checked: {[c.name for c in self._raw.consistency]}")

    def consistency(self, name: str) -> dict:
        """Consistency of the reads ``name`` (a store, or a cache in front of one) returned:
        reads, stale_reads, stale_read_ratio, staleness in seconds (mean, p50..p999, max: how
        long the returned version had been superseded when the read arrived), versions_behind
        (k-staleness), ryw_violations, monotonic_violations; for a store also committed_writes,
        lost_writes and the reads caches in front of it served (cache_reads, cache_stale_reads).

        Example::

            c = res.consistency("orders-db")
            c["stale_read_ratio"], c["staleness_p99"], c["lost_writes"]
        """
        from .consistency import record

        return record(self._consistency_record(name))

    def visibility(self, name: str, bins) -> pd.DataFrame:
        """The probability that a read returns its key's newest committed version, by the age
        of that version when the read arrived (PBS t-visibility); ``bins``: age edges in seconds.

        Example::

            res.visibility("kv", [0, 0.005, 0.01, 0.05])  # age_from, age_to, reads, p_consistent
        """
        from .consistency import visibility

        return visibility(self._consistency_record(name), bins)

    # -- tenants (archsim.tenancy) ---------------------------------------------
    def tenants(self) -> pd.DataFrame:
        """One row per named tenant: client requests (arrivals, completed, errors and
        errors by kind), ``refused`` (its requests services turned away: rate limits,
        quotas, full queues, shedding), throughput, availability and latency percentiles
        in seconds. Empty for a model without named tenants.

        Example::

            res.tenants().set_index("tenant")[["throughput", "p99", "refused"]]
        """
        from .tenancy import tenant_frame

        return tenant_frame(self._raw, self.measured_seconds)

    def tenant_latency(self, name: str) -> LatencyHistogram:
        """Latency histogram (seconds) of tenant ``name``'s successful client requests.

        Example::

            res.tenant_latency("acme").percentile(99)
        """
        from .tenancy import tenant_latency

        return tenant_latency(self._raw, name)

    def __repr__(self) -> str:
        return f"<Result {self.model} seed={self.seed} fingerprint={self.fingerprint()}>"

    # -- tidy tables and warm-up (notebooks, sweeps) ---------------------------
    warmup_method = "given"  # or "mser5" when run(..., warmup="mser5") chose the warm-up

    @property
    def warmup(self) -> float:
        """The warm-up of this run in seconds (given, or detected by MSER-5).

        Example::

            sim.run(m, duration="5m", warmup="mser5").warmup   # seconds
        """
        return self._raw.measured_from / 1e9

    def to_pandas(self, **columns) -> pd.DataFrame:
        """Tidy figures: one row per component x operation x metric (columns model, seed,
        component, kind, op, metric, value), with ``columns`` (e.g. parameters) prepended.

        Example::

            df = res.to_pandas(workers=8)
            df.to_parquet("run.parquet")   # or .to_csv(...)
        """
        from .tidy import tidy_summary

        return tidy_summary(self.summary(by_op=True), **columns, model=self.model, seed=self.seed)

    # -- simulation vs analytic estimate (archsim.analysis) ---------------------------
    def compare(self, analysis) -> pd.DataFrame:
        """This run side by side with an analytic estimate (``model.analyze()``):
        one row per component and metric (throughput, utilisation, mean_queue,
        mean_in_flight, mean), columns ``simulated``, ``analytic`` and ``rel_diff``
        ((simulated - analytic) / analytic; NaN where the estimate is 0 or infinite).
        Metrics the estimate does not give (NaN, such as a balancer's utilisation)
        are left out.

        Example::

            res.compare(m.analyze())
        """
        from .analysis import METRICS, Analysis

        if not isinstance(analysis, Analysis):
            raise ValueError(f"compare: expected the result of model.analyze(), got {type(analysis).__name__}")
        sim = self.summary().set_index("component")
        rows = []
        for name, est in analysis.components.iterrows():
            if name not in sim.index:
                raise ValueError(f"compare: component {name!r} of the estimate is not in this result; was it made "
                                 f"from another model? components: {list(sim.index)}")
            for metric in METRICS:
                a = est[metric]
                if isinstance(a, float) and np.isnan(a):
                    continue
                s = float(sim.at[name, metric])
                relative = abs(a) > 1e-12 and np.isfinite(a)  # no relative difference from zero or infinity
                rows.append({"component": name, "metric": metric, "simulated": s, "analytic": float(a),
                             "rel_diff": (s - a) / a if relative else float("nan")})
        return pd.DataFrame(rows, columns=["component", "metric", "simulated", "analytic", "rel_diff"]).set_index(
            ["component", "metric"])


    # -- the HTML report (archsim.report) ----------------------------------------------
    source = None  # the Model that was run (set by sim.run): the report's diagram and description
    wall_seconds = float("nan")  # wall-clock time of the run (set by sim.run); never reaches the engine

    def to_html(self, path, *, title: str | None = None, description: str | None = None) -> None:
        """Write a self-contained HTML report of this run to ``path``: SLO verdicts, the
        architecture diagram, a table per component, latency CDFs and time series with the
        fault windows shaded. Nothing in it is fetched from the network; the file is
        replaced atomically. See docs/guide/report.md.

        Example::

            res = sim.run(m, duration="1m", seed=1)
            res.to_html("report.html")
        """
        from .report import run_report

        run_report(self, path, title=title, description=description)

    # -- deployments (archsim.deployments) ------------------------------------------------
    @property
    def deployments(self) -> pd.DataFrame:
        """The deployment timeline, in time order: time (s), service, event (readable: "canary
        started: v2 gets 5% of requests", "rolled back: p99 0.31 s > 0.2 s", "switched to v2",
        "flag new-search on", "instance 2 restarted"), kind (canary_started, rolled_back,
        promoted, switch_started, switched, flag_on, flag_off, rolling_restart,
        restart_started, restarted), version, and share: the share of requests the deployed
        version gets after the event (NaN for flags and restarts). Empty without deployments.

        Example::

            res.deployments[res.deployments.kind == "rolled_back"]
        """
        from .deployments import timeline_frame

        return timeline_frame(self._raw)

    def versions(self, name: str | None = None) -> pd.DataFrame:
        """One row per version of each service with deployments of versions (of ``name`` only if
        given): arrivals, completed, errors, error_rate, and the latency (s, at the service) of
        its successful requests: mean, p50, p99. Requests after warm-up. "v1" is the service's
        own configuration.

        Example::

            res.versions("api")[["version", "arrivals", "error_rate", "p99"]]
        """
        from .deployments import versions_frame

        if name is not None:
            self._component(name)
        return versions_frame(self._raw, name)

    def version_share(self, name: str, window=None) -> pd.DataFrame:
        """Each version's share of the requests that arrived at service ``name``, per
        time-series window (rows: window start, s; one column per version): a canary's 5 %,
        a blue-green ramp, a rollback. ``window`` (a multiple of the run's window) coarsens it.

        Example::

            res.version_share("api", window="10s").plot()
        """
        from .deployments import share_frame

        self._component(name)
        if not any(v.service == name for v in self._raw.versions):
            raise ValueError(f"version_share: {name!r} had no deployment of a version in this run")
        factor = 1 if window is None else self._window_factor(window)
        return share_frame(self._raw, name, factor)


_CACHE_SERIES = ("hit_ratio", "hits", "misses")
_CACHE_COUNTS = ("hits", "misses", "coalesced", "stale_served", "evictions", "expired", "refreshes", "flushed",
                 "writes_lost")
_DATA_COLUMNS = _CACHE_COUNTS + ("hit_ratio", "shards", "imbalance")


def _shard_load(shards) -> dict[int, int]:
    """Requests per shard, for every shard active at some time in the run."""
    active = sorted({s for ch in shards.changes for s in ch.active})
    return {s: (shards.load[s] if s < len(shards.load) else 0) for s in active}


def _data_figures(comp) -> dict:
    """Summary columns of caches (counts, hit ratio) and shard routers (shards, imbalance)."""
    if comp.cache is not None:
        counts = comp.cache.counts
        lookups = counts["hits"] + counts["misses"]
        return {**{k: counts[k] for k in _CACHE_COUNTS},
                "hit_ratio": counts["hits"] / lookups if lookups else float("nan")}
    if comp.shards is not None:
        load = list(_shard_load(comp.shards).values())
        mean = sum(load) / len(load) if load else 0.0
        return {"shards": len(comp.shards.changes[-1].active) if comp.shards.changes else 0,
                "imbalance": max(load) / mean if mean > 0 else float("nan")}
    return {}


def _data_report(df, checked, consistency) -> list[str]:
    """The report's data-tier tables: caches and shard routers, then the consistency of every
    checked store and cache; nothing when the model has neither."""
    lines = []
    caches = df[df.kind == "cache"]
    if not caches.empty:
        lines += ["", f"{'cache':<16}{'hit ratio':>10}{'hits':>10}{'misses':>10}{'coalesced':>10}{'evicted':>10}"
                      f"{'stale srv':>10}{'lost wr.':>10}", "-" * 86]
        for _, r in caches.iterrows():
            lines.append(f"{r['component']:<16}{_pct(r['hit_ratio']):>10}{int(r['hits']):>10}{int(r['misses']):>10}"
                         f"{int(r['coalesced']):>10}{int(r['evictions']):>10}{int(r['stale_served']):>10}"
                         f"{int(r['writes_lost']):>10}")
    shards = df[df.kind == "shards"]
    if not shards.empty:
        lines += ["", f"{'shards':<16}{'shards':>10}{'max/mean':>10}", "-" * 36]
        for _, r in shards.iterrows():
            lines.append(f"{r['component']:<16}{int(r['shards']):>10}{r['imbalance']:>10.2f}")
    if len(checked):
        lines += ["", f"{'consistency':<16}{'reads':>10}{'stale':>9}{'stale p99':>11}{'k max':>7}{'RYW viol':>10}"
                      f"{'mono viol':>10}{'lost wr.':>10}", "-" * 83]
        for rec in checked:
            c = consistency(rec.name)
            k = c["versions_behind_max"] if c["stale_reads"] else "-"
            lost = c.get("lost_writes", "")
            lines.append(f"{c['component']:<16}{c['reads']:>10}{_pct(c['stale_read_ratio']):>9}"
                         f"{_ms(c['staleness_p99']):>11}{k:>7}{c['ryw_violations']:>10}"
                         f"{c['monotonic_violations']:>10}{lost:>10}")
    return lines


def _ms(seconds: float) -> str:
    if seconds is None or np.isnan(seconds):
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f}s"
    return f"{seconds * 1e3:.2f}ms"


def _pct(x: float) -> str:
    return "-" if x is None or np.isnan(x) else f"{x:.3%}"


def _copy_hist(h):
    from . import _core

    c = _core.Histogram(h.sub_bits)
    c.merge(h)
    return c


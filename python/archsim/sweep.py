"""Parameter sweeps: every combination of parameters x every seed, run serially, on a local
process pool, or on a Dask cluster, with identical results whichever ran them.

    def build(workers):
        m = sim.Model("shop")
        ...
        return m

    sw = sim.sweep(build, params={"workers": [8, 16, 32]}, seeds=range(10), duration="5m")
    sw.summary("web", "p99")        # mean and 95 % CI over seeds, per parameter combination
    sw.to_pandas()                  # tidy: one row per run x component x op x metric
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import time
import traceback
import warnings
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures import as_completed as futures_as_completed
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from .model import Model
from .progress import progress_bar, run_each
from .stats import t_quantile

__all__ = ["sweep", "SweepResult", "PointResult"]


@dataclass
class PointResult:
    """One point of a sweep: its parameters and seed, and either its figures or its error."""

    index: int
    params: dict
    seed: int
    table: pd.DataFrame | None = None  # tidy figures (Result.to_pandas), None if the point failed
    fingerprint: str | None = None
    events: int = 0
    stop_reason: str | None = None
    wall_seconds: float = 0.0  # time the run took in its worker (model build included)
    collected: Any = None  # what ``collect(result)`` returned
    error: str | None = None  # the exception and its traceback, if the point failed
    worker: str = field(default="")  # host:pid that ran it

    @classmethod
    def of(cls, index: int, params: dict, seed: int, result, wall_seconds: float = 0.0,
           worker: str = "") -> "PointResult":
        """The point of a finished run: what a sweep keeps of its Result.

        Example::

            PointResult.of(0, {"workers": 4}, 1, sim.run(build(workers=4), seed=1, duration=10))
        """
        return cls(index=index, params=params, seed=seed, table=result.to_pandas(),
                   fingerprint=result.fingerprint(), events=result.events, stop_reason=result.stop_reason,
                   wall_seconds=wall_seconds, worker=worker)


def _run_point(build: Callable[..., Model], index: int, params: dict, seed: int, run_options: dict,
               collect: Callable | None) -> PointResult:
    """Build and run one point; never raises: a failure comes back as the point's error."""
    from .run import run

    started = time.perf_counter()
    point = PointResult(index=index, params=params, seed=seed, worker=f"{os.uname().nodename}:{os.getpid()}")
    try:
        model = build(**params)
        if not isinstance(model, Model):
            raise TypeError(f"build({', '.join(f'{k}={v!r}' for k, v in params.items())}) returned "
                            f"{type(model).__name__}, not an archsim.Model")
        # The model's own run options (a scenario file's duration, faults, slo...) are defaults.
        options = {k: v for k, v in model.options.items() if k not in ("seed", "replications")}
        res = run(model, seed=seed, progress=False, **{**options, **run_options})
        if res.stop_reason == "cancelled":
            raise KeyboardInterrupt("the run was interrupted")
        point = PointResult.of(index, params, seed, res, worker=point.worker)
        if collect is not None:
            point.collected = collect(res)
    except (Exception, KeyboardInterrupt) as e:  # reported with the point; the sweep goes on
        point.table = None
        point.error = "".join(traceback.format_exception_only(type(e), e)).strip() + "\n" + traceback.format_exc()
    point.wall_seconds = time.perf_counter() - started
    return point


def _is_dask_client(executor) -> bool:
    return type(executor).__module__.split(".")[0] == "distributed" and hasattr(executor, "submit")


def sweep(build: Callable[..., Model], params: Mapping[str, list] | None = None, seeds=(0,), *,
          executor=Ellipsis, workers: int | None = None, progress: bool | None = None,
          collect: Callable | None = None, **run_options) -> "SweepResult":
    """Run ``build(**point)`` for every combination of ``params`` and every seed.

    params: ``{name: [values]}``; the grid is their Cartesian product (in the order given).
    seeds: the seeds of each combination (independent replications: the CIs of
    ``SweepResult.summary`` are over them). executor: ``None`` (serial, in this process),
    ``"processes"`` (a local process pool of ``workers`` processes, default the number of
    CPUs; the default when there is more than one point and more than one CPU), a
    ``dask.distributed.Client`` (install ``archsim[dask]``), or any
    ``concurrent.futures.Executor``. progress: a tqdm bar (default: in a terminal or a
    notebook). A model's own run options (``Model.run_options``; a scenario file's duration,
    warmup, faults and slo) are the defaults of its runs; keyword arguments override them.
    collect: a function ``Result -> value`` run in the worker for anything beyond
    the tidy figures (e.g. a latency CDF); it must be picklable (module level) for the
    process pool and Dask. Other keyword arguments go to ``sim.run`` (duration, warmup, ...).

    Each point runs in isolation and deterministically, so the results do not depend on the
    executor. A point that fails keeps its error (``SweepResult.errors``) and the others
    still come back. Ctrl-C stops the sweep and returns the points finished so far.

    Example::

        def build(workers, rate):
            m = sim.Model("api")
            api = m.service("api", workers=workers, service_time=sim.Exp("10ms"))
            m.client("web", target=api, workload=sim.Open(rate=rate))
            return m

        sw = sim.sweep(build, params={"workers": [2, 4], "rate": [100, 150]}, seeds=range(5),
                       duration="60s", warmup="5s")
        sw.summary("web", "p99")
    """
    if not callable(build):
        raise ValueError(f"sweep: build must be a function returning an archsim.Model, got {build!r}")
    if "seed" in run_options or "replications" in run_options:
        raise ValueError("sweep: give seeds=[...] instead of seed= or replications= "
                         "(each seed is one independent replication)")
    params = dict(params or {})
    for name, values in params.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise ValueError(f"sweep: params[{name!r}] must be a list of values, got {values!r}")
        params[name] = list(values)
        if not params[name]:
            raise ValueError(f"sweep: params[{name!r}] is empty")
    if name_clash := {"seed", "model", "component", "kind", "op", "metric", "value"} & set(params):
        raise ValueError(f"sweep: parameter names {sorted(name_clash)} are reserved for result columns")
    seeds = list(seeds)
    if not seeds or any(isinstance(s, bool) or not isinstance(s, Integral) or s < 0 for s in seeds):
        raise ValueError(f"sweep: seeds must be a non-empty list of integers >= 0, got {seeds!r}")
    grid = [dict(zip(params, combo)) for combo in itertools.product(*params.values())]
    jobs = [(i, p, int(s)) for i, (p, s) in enumerate((p, s) for p in grid for s in seeds)]
    cpus = os.cpu_count() or 1
    if executor is Ellipsis:
        executor = "processes" if len(jobs) > 1 and (workers or cpus) > 1 else None
    started = time.perf_counter()
    points = _execute(build, jobs, run_options, collect, executor, workers, progress)
    wall = time.perf_counter() - started
    result = SweepResult(points, list(params), wall_seconds=wall, total_points=len(jobs))
    if result.interrupted:
        warnings.warn(f"sweep interrupted: {len(points)} of {len(jobs)} points came back", RuntimeWarning,
                      stacklevel=2)
    if (n := len(result.errors)):
        first = result.errors.iloc[0]
        warnings.warn(f"sweep: {n} of {len(jobs)} points failed; see .errors. First: "
                      f"{first['error'].splitlines()[0]} at {first[list(params) + ['seed']].to_dict()}",
                      RuntimeWarning, stacklevel=2)
    return result


def _execute(build, jobs, run_options, collect, executor, workers, progress) -> list[PointResult]:
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, Integral) or workers < 1):
        raise ValueError(f"sweep: workers must be an integer >= 1, got {workers!r}")
    if executor is None:
        return run_each(jobs, lambda job: _run_point(build, *job, run_options, collect),
                        lambda point: bool(point.error) and point.error.startswith("KeyboardInterrupt"),
                        progress_bar(len(jobs), "sweep", progress))
    if isinstance(executor, str):
        if executor != "processes":
            raise ValueError(f"sweep: executor must be None, 'processes', a dask Client or a "
                             f"concurrent.futures.Executor, got {executor!r}")
        n = min(len(jobs), workers or os.cpu_count() or 1)
        # fork (where available) lets a build function defined in a notebook reach the workers.
        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
            return _gather(pool, build, jobs, run_options, collect, progress, futures_as_completed)
    if _is_dask_client(executor):
        from distributed import as_completed as dask_as_completed

        return _gather(executor, build, jobs, run_options, collect, progress, dask_as_completed, dask=True)
    if isinstance(executor, Executor):
        return _gather(executor, build, jobs, run_options, collect, progress, futures_as_completed)
    raise ValueError(f"sweep: executor must be None, 'processes', a dask Client or a "
                     f"concurrent.futures.Executor, got {executor!r}")


def _gather(executor, build, jobs, run_options, collect, progress, as_completed, dask=False):
    extra = {"pure": False} if dask else {}
    futures = {executor.submit(_run_point, build, i, p, s, run_options, collect, **extra): (i, p, s)
               for i, p, s in jobs}
    done: list[PointResult] = []
    bar = progress_bar(len(jobs), "sweep", progress)
    try:
        for fut in as_completed(list(futures)):
            i, p, s = futures[fut]
            try:
                point = fut.result()
            except Exception as e:  # the worker itself died (out of memory, killed)
                point = PointResult(index=i, params=p, seed=s,
                                    error="".join(traceback.format_exception_only(type(e), e)).strip())
            done.append(point)
            bar.update()
    except KeyboardInterrupt:
        for fut in futures:
            fut.cancel()
    finally:
        bar.close()
    return done


class SweepResult:
    """The points of a sweep, in grid order (parameters, then seed).

    Example::

        sw.points                       # one row per point: parameters, seed, fingerprint, error, ...
        sw.to_pandas()                  # tidy figures of every point, parameters as columns
        sw.summary("web", "p99")        # per parameter combination: mean, ci_low, ci_high, n
        sw.to_parquet("sweep.parquet")  # or to_csv
    """

    def __init__(self, points: list[PointResult], param_names: list[str], wall_seconds: float = 0.0,
                 total_points: int | None = None):
        self._points = sorted(points, key=lambda p: p.index)
        self.param_names = list(param_names)
        self.wall_seconds = wall_seconds  # of the whole sweep
        self.total_points = len(points) if total_points is None else total_points

    @property
    def interrupted(self) -> bool:
        """True when Ctrl-C stopped the sweep before every point came back.

        Example::

            if sw.interrupted:
                print(f"{len(sw)} of {sw.total_points} points came back")
        """
        return len(self._points) < self.total_points or any(
            p.error and p.error.startswith("KeyboardInterrupt") for p in self._points)

    @property
    def results(self) -> list[PointResult]:
        """The points as ``PointResult`` objects (table, fingerprint, collected, error).

        Example::

            sw.results[0].fingerprint, sw.results[0].table.head()
        """
        return list(self._points)

    @property
    def points(self) -> pd.DataFrame:
        """One row per point: parameters, seed, fingerprint, events, stop reason, wall time, error.

        Example::

            sw.points[["workers", "seed", "fingerprint", "wall_seconds"]]
        """
        rows = [{**p.params, "seed": p.seed, "fingerprint": p.fingerprint, "events": p.events,
                 "stop_reason": p.stop_reason, "wall_seconds": p.wall_seconds, "worker": p.worker,
                 "error": p.error} for p in self._points]
        return pd.DataFrame(rows, columns=[*self.param_names, "seed", "fingerprint", "events", "stop_reason",
                                           "wall_seconds", "worker", "error"])

    @property
    def errors(self) -> pd.DataFrame:
        """The failed points: parameters, seed and the error with its traceback.

        Example::

            for row in sw.errors.itertuples():
                print(row.seed, row.error.splitlines()[0])
        """
        df = self.points
        return df[df.error.notna()][[*self.param_names, "seed", "error"]].reset_index(drop=True)

    @property
    def collected(self) -> list:
        """What ``collect`` returned for each point, in grid order (None for failed points).

        Example::

            sw = sim.sweep(build, params={"workers": [2, 4]}, collect=web_cdf, duration=60)
            edges, frac = sw.collected[0]
        """
        return [p.collected for p in self._points]

    def to_pandas(self) -> pd.DataFrame:
        """Tidy figures of every successful point: one row per run x component x op x metric,
        with the parameters and the seed as columns.

        Example::

            df = sw.to_pandas()
            df.query("component == 'web' and metric == 'p99' and op == 'all'")
        """
        frames = []
        for p in self._points:
            if p.table is None:
                continue
            t = p.table.drop(columns=["seed"])
            for j, (name, value) in enumerate(p.params.items()):
                t.insert(j, name, [value] * len(t))
            t.insert(len(p.params), "seed", p.seed)
            frames.append(t)
        if not frames:
            return pd.DataFrame(columns=[*self.param_names, "seed", "model", "component", "kind", "op", "metric",
                                         "value"])
        return pd.concat(frames, ignore_index=True)

    def summary(self, component: str, metric: str, op: str = "all", confidence: float = 0.95) -> pd.DataFrame:
        """``metric`` at ``component`` for each parameter combination: the mean over seeds with
        a Student-t confidence interval (columns mean, ci_low, ci_high, half_width, std, n).

        Example::

            s = sw.summary("web", "p99")
            s.plot(x="workers", y="mean")
        """
        df = self.to_pandas()
        known = set(df.component)
        if component not in known:
            raise KeyError(f"no component {component!r} in the sweep; components: {sorted(known)}")
        sel = df[(df.component == component) & (df.op == op) & (df.metric == metric)]
        if sel.empty:
            raise KeyError(f"no {metric!r} at {component!r} op {op!r}; metrics: "
                           f"{sorted(set(df[df.component == component].metric))}")
        keys = self.param_names
        grouped = sel.groupby(keys, sort=False)["value"] if keys else sel.assign(_all=0).groupby("_all")["value"]
        n = grouped.count()
        mean = grouped.mean()
        std = grouped.std(ddof=1)
        t = n.map(lambda k: t_quantile(confidence, k - 1) if k >= 2 else np.nan)
        half = t * std / np.sqrt(n)
        out = pd.DataFrame({"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "half_width": half,
                            "std": std, "n": n})
        return out.reset_index(drop=not keys)

    def fingerprint(self) -> str:
        """A stable hash of every point's parameters, seed and fingerprint, in grid order:
        equal across executors.

        Example::

            sim.sweep(build, params=p, executor=None, duration=10).fingerprint() == \\
                sim.sweep(build, params=p, executor="processes", duration=10).fingerprint()
        """
        text = "\n".join(f"{sorted(p.params.items())!r}|{p.seed}|{p.fingerprint}|{p.error is not None}"
                         for p in self._points)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_csv(self, path, **kwargs) -> None:
        """Write the tidy table (``to_pandas``) as CSV through pandas.

        Example::

            sw.to_csv("sweep.csv")
            pd.read_csv("sweep.csv")    # the same table
        """
        from .atomic_file import atomic_write

        with atomic_write(path) as f:
            self.to_pandas().to_csv(f, index=False, **kwargs)

    def to_parquet(self, path, **kwargs) -> None:
        """Write the tidy table (``to_pandas``) as Parquet through pandas (needs pyarrow:
        ``pip install archsim[parquet]``).

        Example::

            sw.to_parquet("sweep.parquet")
            pd.read_parquet("sweep.parquet")
        """
        self.to_pandas().to_parquet(path, index=False, **kwargs)

    def to_html(self, path, *, model=None, title: str | None = None, description: str | None = None) -> None:
        """Write a self-contained HTML report of the sweep to ``path``: each figure against
        each swept parameter with its 95 % confidence band, and a table per point. ``model``
        (e.g. the one ``build`` makes) adds the architecture diagram, title and description.
        See docs/guide/report.md.

        Example::

            sw = sim.sweep(build, params={"workers": [2, 4, 8]}, seeds=range(5), duration=60)
            sw.to_html("sweep.html", model=build(workers=4))
        """
        from .report import sweep_report

        sweep_report(self, path, model=model, title=title, description=description)

    def __len__(self) -> int:
        return len(self._points)

    def __repr__(self) -> str:
        failed = len(self.errors)
        return (f"<SweepResult {len(self)} points, params {self.param_names}, {failed} failed, "
                f"fingerprint={self.fingerprint()}>")

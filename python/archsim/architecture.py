"""The architecture as a graph, checked before any run (Boost.Graph, in C++).

    findings = archsim.check(model)      # [Finding(severity, message, component)]
    model.critical_paths()               # DataFrame: per client operation
    model.blast_radius()                 # DataFrame: what a component, host, zone or region takes down
    model.to_dot()                       # Graphviz DOT text

``check`` is the function ``archsim validate`` calls: its return value (a list
of ``Finding``, errors first) is a stable interface.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import _core

__all__ = ["Finding", "check", "critical_paths", "blast_radius", "to_dot"]

SEVERITIES = ("error", "warning")
DOMAIN_KINDS = ("component", "host", "zone", "region")


@dataclass(frozen=True)
class Finding:
    """A problem found in a model.

    severity: "error" (the model cannot run: a missing target, a cycle of
    synchronous calls, a bad placement, no client) or "warning" (it runs, but
    something looks wrong: a component no request reaches). component: the
    component concerned, or None for the model as a whole.

    Example::

        [f.message for f in archsim.check(m) if f.severity == "error"]
    """

    severity: str
    message: str
    component: str | None = None

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def _graph(model) -> "_core.ArchitectureGraph":
    from .model import Model

    if not isinstance(model, Model):
        raise ValueError(f"expected an archsim.Model, got {type(model).__name__}")
    return _core.ArchitectureGraph(model._to_spec())


def _checked(model, what: str) -> "_core.ArchitectureGraph":
    g = _graph(model)
    if g.has_errors():
        errors = "\n  ".join(str(f) for f in check(model) if f.severity == "error")
        raise ValueError(f"{what}: the model has errors; fix them first:\n  {errors}")
    return g


def check(model) -> list[Finding]:
    """Check ``model``'s architecture graph without running it. Returns the
    findings, errors first, each group in declaration order; an empty list
    means nothing was found.

    Errors: a call, balancer or client target that is not a component (with
    the nearest name), a target that is a client, a cycle of synchronous calls
    (named: "cycle of synchronous calls: a -> b -> a"), a placement on an
    unknown host or zone, a model without a client. Warnings: a component no
    client reaches.

    Example::

        for f in archsim.check(m): print(f.severity, f.message)
    """
    return [Finding(f.severity, f.message, f.component or None) for f in _graph(model).findings()]


def critical_paths(model) -> pd.DataFrame:
    """One row per client operation (mix entries with a positive weight):
    ``critical_path`` (the components whose mean service times add up to the
    latency at zero load, in call order: every sequential step, and of a
    parallel step the branch it waits for), ``unloaded_latency`` (seconds; no
    queueing, network or retries), ``fan_out`` (component visits one client
    request causes, balancers included, every branch of a parallel step
    counted), ``max_parallel`` (the widest parallel step) and ``depth`` (the
    longest chain of nested calls). Raises ValueError if ``check`` finds errors.

    Example::

        archsim.critical_paths(m)[["client", "op", "critical_path", "fan_out"]]
    """
    rows = [{"client": p.client, "op": p.op, "critical_path": list(p.critical_path),
             "unloaded_latency": p.unloaded_latency, "fan_out": int(p.requests), "max_parallel": p.max_parallel,
             "depth": p.depth} for p in _checked(model, "critical_paths").operation_paths()]
    return pd.DataFrame(rows, columns=["client", "op", "critical_path", "unloaded_latency", "fan_out",
                                       "max_parallel", "depth"])


def blast_radius(model, kind: str | None = None) -> pd.DataFrame:
    """Which client operations lose availability when a failure domain is
    down: every component (all its instances), host, zone and region (or only
    those of ``kind``). One row per (domain, client operation) that loses
    some: ``availability`` is the estimated fraction of its requests that
    still succeed, ``impact`` "down" (none do) or "degraded".

    The estimate follows the placement and the redundancy: a component with
    instances outside the domain keeps serving; without health checks a
    balancer still sends its share to the dead instances, so that share fails
    unless the call retries on "unavailable" (each attempt picks again); a
    parallel step survives while enough branches do (all, first, k of n).
    Raises ValueError if ``check`` finds errors.

    Example::

        archsim.blast_radius(m, kind="zone")
    """
    if kind is not None and kind not in DOMAIN_KINDS:
        raise ValueError(f"blast_radius: kind must be one of {', '.join(DOMAIN_KINDS)} or None, got {kind!r}")
    rows = [{"domain_kind": o.domain_kind, "domain": o.domain, "client": o.client, "op": o.op,
             "availability": o.availability, "impact": "down" if o.availability <= 1e-12 else "degraded"}
            for o in _checked(model, "blast_radius").blast_radius() if kind is None or o.domain_kind == kind]
    return pd.DataFrame(rows, columns=["domain_kind", "domain", "client", "op", "availability", "impact"])


def to_dot(model) -> str:
    """The architecture as Graphviz DOT (boost::write_graphviz): clients are
    ellipses, balancers diamonds, services boxes labelled instances x workers;
    edges carry the step order, parallel groups ("all of 3", "2 of 3") and
    the operation sent. Works on a model with errors (an edge to a missing
    target is left out). Render with ``dot -Tsvg``.

    Example::

        open("arch.dot", "w").write(archsim.to_dot(m))
    """
    return _graph(model).to_dot()

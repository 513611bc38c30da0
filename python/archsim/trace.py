"""Request traces in Chrome trace event format, which Perfetto and chrome://tracing open.

    res = sim.run(m, duration="1m", seed=1, trace=0.01)   # trace 1% of client requests
    res.trace.write("trace.json")                          # open it at ui.perfetto.dev
    res.trace.to_pandas()                                  # one row per span

A span is one hop of a request: its arrival at a component instance to its reply.
Requests are sampled by correlation id (the client request's id), so a traced
request keeps every hop, retries included, and the same seed traces the same requests.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from . import _core

__all__ = ["Trace"]


class Trace:
    """The sampled spans of one run."""

    def __init__(self, raw, sample: float):
        self.sample = sample
        cols = _core.trace_columns(raw)
        self._ops = list(cols.pop("operations"))
        self._cols = cols
        self._components = [c.name for c in raw.components]
        self._kinds = [c.kind for c in raw.components]
        self._instances = [[i.name for i in c.instances] for c in raw.components]

    def __len__(self) -> int:
        return len(self._cols["start"])

    def to_pandas(self) -> pd.DataFrame:
        """One row per span: component, instance, correlation_id, request_id, parent_id,
        attempt, op, start and end (s), duration (s), error ("" if it succeeded), finished."""
        c = self._cols
        errors = np.array(["" if e == "none" else e for e in _core.ERROR_NAMES], dtype=object)
        return pd.DataFrame({
            "component": np.array(self._components, dtype=object)[c["component"]] if len(self) else [],
            "instance": [self._instances[k][i] for k, i in zip(c["component"], c["instance"])],
            "correlation_id": c["correlation_id"], "request_id": c["request_id"], "parent_id": c["parent_id"],
            "attempt": c["attempt"], "op": np.array(self._ops, dtype=object)[c["op"]] if len(self) else [],
            "start": c["start"] / 1e9, "end": c["end"] / 1e9, "duration": (c["end"] - c["start"]) / 1e9,
            "error": errors[c["error"]] if len(self) else [], "finished": c["finished"],
        })

    def to_chrome(self) -> dict:
        """The trace as a Chrome trace event document: one complete event ("X") per span,
        times in microseconds; each client request is one thread (its correlation id), so
        its calls nest under it. Arguments: correlation id, request id, parent id,
        attempt, operation, error."""
        c = self._cols
        events = [{"name": "process_name", "ph": "M", "pid": 1, "args": {"name": "archsim"}}]
        threads = sorted(set(c["correlation_id"].tolist()))
        events += [{"name": "thread_name", "ph": "M", "pid": 1, "tid": t, "args": {"name": f"request {t}"}}
                   for t in threads]
        for k in range(len(self)):
            comp = int(c["component"][k])
            error = _core.ERROR_NAMES[int(c["error"][k])]
            args = {"correlation_id": int(c["correlation_id"][k]), "request_id": int(c["request_id"][k]),
                    "parent_id": int(c["parent_id"][k]), "attempt": int(c["attempt"][k]),
                    "op": self._ops[int(c["op"][k])], "instance": self._instances[comp][int(c["instance"][k])],
                    "error": "" if error == "none" else error}
            if not c["finished"][k]:
                args["unfinished"] = True
            events.append({"name": self._components[comp], "cat": self._kinds[comp], "ph": "X", "pid": 1,
                           "tid": int(c["correlation_id"][k]), "ts": int(c["start"][k]) / 1e3,
                           "dur": int(c["end"][k] - c["start"][k]) / 1e3, "args": args})
        return {"traceEvents": events, "displayTimeUnit": "ms"}

    def write(self, path) -> None:
        """Write the Chrome trace JSON to ``path`` (atomically: whole or not at all)."""
        from .atomic_file import atomic_write

        with atomic_write(path) as f:
            json.dump(self.to_chrome(), f, separators=(",", ":"))

    def __repr__(self) -> str:
        return f"<Trace {len(self)} spans, sample {self.sample:g}>"

"""Event logs: the debug record of a run, and where two of them first differ.

``sim.run(model, ..., event_log="a.log")`` writes one line per event the engine
takes from its queue: ``<time_ns> <seq> <component> <kind> <payload>`` after a
``#`` header line. Two runs that should be identical (same model and seed on
another executor, from YAML instead of Python, ...) have identical logs;
``first_divergence`` names the first event where they are not.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

__all__ = ["Divergence", "first_divergence"]


@dataclass(frozen=True)
class Divergence:
    """The first line where two event logs differ (``None`` for a log that had ended)."""

    event: int  # 0-based index of the event, in run order
    a: str | None
    b: str | None

    def __str__(self) -> str:
        def show(line):
            if line is None:
                return "(log ended)"
            time_ns, seq, component, kind, payload = line.split()
            return f"t={int(time_ns) / 1e9:.9f}s seq={seq} component={component} kind={kind} payload={payload}"

        return f"first diverging event #{self.event}:\n  a: {show(self.a)}\n  b: {show(self.b)}"


def first_divergence(a: str | os.PathLike, b: str | os.PathLike) -> Divergence | None:
    """Compares two event logs line by line; returns the first difference, or None if they are equal.

    Example::

        sim.run(m, duration=10, seed=1, event_log="a.log")
        sim.run(m, duration=10, seed=1, event_log="b.log")
        first_divergence("a.log", "b.log")   # None: the runs took the same events
    """
    with open(a) as fa, open(b) as fb:
        events_a = (line.rstrip("\n") for line in fa if not line.startswith("#"))
        events_b = (line.rstrip("\n") for line in fb if not line.startswith("#"))
        for i, (x, y) in enumerate(itertools.zip_longest(events_a, events_b)):
            if x != y:
                return Divergence(i, x, y)
    return None

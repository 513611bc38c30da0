"""Tidy (long) tables of results: one row per run x component x operation x metric.

Built from the per-component summary (figures the C++ recorder already aggregated),
never from individual requests, so a table costs the same whatever the run's length.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["tidy_summary", "ID_COLUMNS"]

# The columns that name a row of a summary; every other column is a metric.
ID_COLUMNS = ("component", "kind", "op")


def tidy_summary(summary: pd.DataFrame, **columns) -> pd.DataFrame:
    """Melt a ``Result.summary(by_op=True)`` table into rows (component, kind, op, metric,
    value), dropping figures a row does not have (NaN), and prepend ``columns`` as constant
    columns (run parameters, seed, replication).

    Example::

        tidy_summary(res.summary(by_op=True), seed=res.seed, workers=8)
    """
    metrics = [c for c in summary.columns if c not in ID_COLUMNS]
    long = summary.melt(id_vars=list(ID_COLUMNS), value_vars=metrics, var_name="metric", value_name="value")
    long["value"] = long["value"].astype(float)
    long = long.dropna(subset=["value"]).reset_index(drop=True)
    for i, (name, value) in enumerate(columns.items()):
        if name in long.columns:
            raise ValueError(f"column {name!r} clashes with a column of the tidy table "
                             f"({', '.join(long.columns)}); rename the parameter")
        long.insert(i, name, value)
    return long

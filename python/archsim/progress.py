"""Progress bars over many runs (replications, sweep points): tqdm in a terminal or a notebook."""

from __future__ import annotations

import sys
from typing import Callable, Iterable

__all__ = ["progress_bar", "run_each"]


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def progress_bar(total: int, label: str, enabled: bool | None):
    """A tqdm bar of ``total`` steps. ``enabled=None`` shows it on a terminal or in a
    Jupyter notebook (as a widget there), and hides it elsewhere (pipes, CI logs).

    Example::

        bar = progress_bar(32, "sweep", None)
        bar.update()
        bar.close()
    """
    show = (sys.stderr.isatty() or _in_notebook()) if enabled is None else bool(enabled)
    if show and _in_notebook():
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    return tqdm(total=total, desc=label, disable=not show, leave=True, file=sys.stderr)


def run_each(items: Iterable, run_one: Callable, interrupted: Callable, bar) -> list:
    """``run_one(item)`` for each item in turn, ticking ``bar``, until one comes back
    ``interrupted(out)`` (Ctrl-C reached it: it is dropped) or Ctrl-C falls between two;
    returns what finished, in order, and closes the bar.

    Example::

        done = run_each(seeds, lambda s: sim.run(m, seed=s), lambda r: r.stop_reason == "cancelled",
                        progress_bar(len(seeds), "runs", None))
    """
    done = []
    try:
        for item in items:
            out = run_one(item)
            if interrupted(out):
                break
            done.append(out)
            bar.update()
    except KeyboardInterrupt:
        pass
    finally:
        bar.close()
    return done

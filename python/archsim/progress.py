"""Progress bars over many runs (replications, sweep points): tqdm in a terminal or a notebook."""

from __future__ import annotations

import sys

__all__ = ["progress_bar"]


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

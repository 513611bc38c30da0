"""Atomic output files: a file appears whole or not at all.

Every file the CLI writes (``--json``, ``--csv``, ``--trace``) and the writers
behind it (``Result.to_json``, ``Trace.write``, ``SweepResult.to_csv``) go
through ``atomic_write``: the data goes to a temporary file in the same folder,
which replaces the target with ``os.replace`` only once it is complete. An
exception, Ctrl-C or a full disk in the middle leaves the previous file (or no
file) and no temporary behind.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_write"]


@contextmanager
def atomic_write(path, mode: str = "w", encoding: str | None = "utf-8"):
    """Open ``path`` for writing, atomically: ``with atomic_write("out.json") as f: f.write(...)``.

    mode: "w" (text) or "wb" (binary). The temporary file is created with the usual
    permissions (the umask applies) and flushed to disk before it replaces ``path``.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write: mode must be 'w' or 'wb', got {mode!r}")
    target = Path(os.fspath(path))
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    f = open(temporary, mode.replace("w", "x"), encoding=None if "b" in mode else encoding)
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

"""Changes to a shard router's shards during a run.

    m.shards("users", backend=db, shards=8, routing="consistent",
             changes=[sim.AddShard(at="1m"), sim.RemoveShard(3, at="2m")])

Shards are numbered by the backend instance that holds them: a backend with
10 instances and ``shards=8`` starts with shards 0-7 and has 8 and 9 free.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

from . import _core
from ._units import to_ns

__all__ = ["AddShard", "RemoveShard"]


def _shard_number(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= value < 10_000_000:
        raise ValueError(f"{name} must be a backend instance number >= 0, got {value!r}")
    return int(value)


@dataclass
class AddShard:
    """Activate backend instance ``shard`` (None: the lowest-numbered inactive one) at ``at``.

    Example::

        m.shards("users", backend=db, shards=8, changes=[sim.AddShard(at="1m")])
    """

    shard: int | None = None
    at: object = 0.0

    def _spec(self):
        c = _core.ShardChange()
        c.add, c.at = True, to_ns(self.at, "AddShard.at")
        c.shard = -1 if self.shard is None else _shard_number(self.shard, "AddShard.shard")
        return c


@dataclass
class RemoveShard:
    """Deactivate shard ``shard`` at ``at``; its keys move to the remaining shards.

    Example::

        m.shards("users", backend=db, changes=[sim.RemoveShard(3, at="2m")])
    """

    shard: int
    at: object = 0.0

    def _spec(self):
        c = _core.ShardChange()
        c.add, c.at = False, to_ns(self.at, "RemoveShard.at")
        c.shard = _shard_number(self.shard, "RemoveShard.shard")
        return c

"""Argument checking for ``Model.store``: a replicated store's spec from Python values."""

from __future__ import annotations

from numbers import Integral

from . import _core
from ._units import to_ns
from .distributions import as_distribution

MODES = ("primary", "quorum")
READ_POLICIES = ("primary", "any", "nearest")


def _int(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def store_spec(name: str, *, replicas, mode, write_quorum, read_quorum, replication_delay, service_time, workers,
               read_policy, failover_after, read_repair):
    where = f"store {name!r}"
    s = _core.StoreSpec()
    s.name = name
    s.replicas = n = _int(replicas, f"{where}: replicas", 1, 1000)
    if mode is None:
        mode = "quorum" if write_quorum is not None or read_quorum is not None else "primary"
    if mode not in MODES:
        raise ValueError(f"{where}: mode must be one of {', '.join(MODES)}; got {mode!r}")
    s.mode = mode
    if mode == "quorum":
        if read_policy is not None or failover_after is not None:
            raise ValueError(f"{where}: read_policy and failover_after belong to mode 'primary'; "
                             "a quorum store has no primary")
        s.write_quorum = _int(1 if write_quorum is None else write_quorum, f"{where}: write_quorum", 1, n)
        s.read_quorum = _int(1 if read_quorum is None else read_quorum, f"{where}: read_quorum", 1, n)
        if not isinstance(read_repair, bool):
            raise ValueError(f"{where}: read_repair must be True or False, got {read_repair!r}")
        s.read_repair = read_repair
    else:
        if write_quorum is not None or read_quorum is not None or read_repair:
            raise ValueError(f"{where}: write_quorum, read_quorum and read_repair belong to mode 'quorum'")
        read_policy = "primary" if read_policy is None else read_policy
        if read_policy not in READ_POLICIES:
            raise ValueError(f"{where}: read_policy must be one of {', '.join(READ_POLICIES)}; got {read_policy!r}")
        s.read_policy = read_policy
        if failover_after is not None:
            s.failover_after = to_ns(failover_after, f"{where}: failover_after")
    if isinstance(replication_delay, (list, tuple)):
        if len(replication_delay) != n:
            raise ValueError(f"{where}: replication_delay: give one distribution, or a list of one per replica "
                             f"({n}), got {len(replication_delay)}")
        s.replication_delay = [as_distribution(d, f"{where}: replication_delay[{i}]")._impl
                               for i, d in enumerate(replication_delay)]
    else:
        s.replication_delay = [as_distribution(replication_delay, f"{where}: replication_delay")._impl]
    s.service_time = as_distribution(service_time, f"{where}: service_time")._impl
    s.workers = _int(workers, f"{where}: workers", 1, 1_000_000)
    return s

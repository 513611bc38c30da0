"""Brokers: topics with partitions, consumer groups, publishing and the broker's results.

    orders = m.broker("orders", partitions=8, groups=[
        sim.ConsumerGroup("billing", consumers=4, subscriber=billing, max_deliveries=5)])
    checkout = m.service("checkout", calls=[sim.Publish(orders)])
    res.broker("orders")                     # one row per consumer group
    res.timeseries("orders", "lag")          # messages not yet done, per window
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calls import STRATEGIES, Call, target_name

__all__ = ["ConsumerGroup", "Publish", "ORDERINGS", "OVERFLOWS", "BROKER_SERIES"]

ORDERINGS = ("partition", "none")
OVERFLOWS = ("block", "drop")
BROKER_SERIES = ("lag", "lag_time")


def _number(value, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{name} must be a number in [{low:g}, {high:g}], got {value!r}")
    return float(value)


@dataclass
class ConsumerGroup:
    """A consumer group: ``consumers`` that together read every message of the topic once
    (at least once: failures and crashes bring messages back).

    ordering: "partition" (each partition belongs to one consumer, partition p to consumer
    p mod consumers, which takes its messages one at a time, in order) or "none" (competing
    consumers: any free one takes the oldest visible message). processing_time: each delivery's
    time at the consumer; then, with a ``subscriber`` (a service or any component), the message
    is sent to it as a request with op = the topic's name, and its reply is the outcome.
    failure_probability: a delivery fails (no ack). A message not acked within
    ``visibility_timeout`` of its delivery is delivered again; after ``max_deliveries`` it goes
    to the dead-letter queue (None: redeliver forever). idempotent: a message processed again
    after a success counts as a detected duplicate; else as a duplicate effect.
    checkpoint_interval: streaming state; the group commits what it processed at each
    checkpoint (not per message), and a crashed consumer restores its last checkpoint: the
    messages processed since are processed again (``reprocessed``). state_window: tumbling
    windows of that state by publish time, emitted when a later message passes their end.

    Example::

        sim.ConsumerGroup("billing", consumers=4, processing_time=sim.Exp("5ms"),
                          failure_probability=0.01, visibility_timeout="1s", max_deliveries=5)
    """

    name: str
    consumers: int = 1
    processing_time: object = 0.0
    ordering: str = "partition"
    failure_probability: float = 0.0
    visibility_timeout: object = "30s"
    max_deliveries: int | None = None
    idempotent: bool = True
    subscriber: object = None
    strategy: str = "round_robin"
    checkpoint_interval: object = None
    state_window: object = None

    def __post_init__(self):
        from ._units import to_ns
        from .distributions import as_distribution

        where = f"ConsumerGroup {self.name!r}"
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"ConsumerGroup.name must be a non-empty string, got {self.name!r}")
        if isinstance(self.consumers, bool) or not isinstance(self.consumers, int) \
                or not 1 <= self.consumers <= 1_000_000:
            raise ValueError(f"{where}: consumers must be an integer in [1, 1000000], got {self.consumers!r}")
        self.processing_dist = as_distribution(self.processing_time, f"{where}: processing_time")
        if self.ordering not in ORDERINGS:
            raise ValueError(f"{where}: ordering must be one of {', '.join(ORDERINGS)}; got {self.ordering!r}")
        _number(self.failure_probability, f"{where}: failure_probability", 0, 1)
        self.visibility_timeout_ns = to_ns(self.visibility_timeout, f"{where}: visibility_timeout")
        if self.visibility_timeout_ns == 0:
            raise ValueError(f"{where}: visibility_timeout must be > 0")
        if self.max_deliveries is not None and (isinstance(self.max_deliveries, bool)
                                                or not isinstance(self.max_deliveries, int)
                                                or not 1 <= self.max_deliveries <= 65_535):
            raise ValueError(f"{where}: max_deliveries must be an integer in [1, 65535] or None, "
                             f"got {self.max_deliveries!r}")
        if self.failure_probability == 1 and self.max_deliveries is None:
            raise ValueError(f"{where}: failure_probability 1 with no max_deliveries would redeliver "
                             f"every message forever")
        if not isinstance(self.idempotent, bool):
            raise ValueError(f"{where}: idempotent must be True or False, got {self.idempotent!r}")
        if self.subscriber is not None:
            self.subscriber = target_name(self.subscriber)
        if self.strategy not in STRATEGIES:
            raise ValueError(f"{where}: strategy must be one of {', '.join(STRATEGIES)}; got {self.strategy!r}")
        self.checkpoint_ns = None if self.checkpoint_interval is None else \
            to_ns(self.checkpoint_interval, f"{where}: checkpoint_interval")
        if self.checkpoint_ns == 0:
            raise ValueError(f"{where}: checkpoint_interval must be > 0 (None: ack each message)")
        self.state_window_ns = None if self.state_window is None else to_ns(self.state_window, f"{where}: state_window")
        if self.state_window_ns is not None and self.checkpoint_ns is None:
            raise ValueError(f"{where}: state_window is streaming state; it needs a checkpoint_interval")

    def _spec(self):
        from . import _core

        g = _core.ConsumerGroupSpec()
        g.name, g.consumers, g.ordering = self.name, self.consumers, self.ordering
        g.processing_time = self.processing_dist._impl
        g.failure_probability = float(self.failure_probability)
        g.visibility_timeout = self.visibility_timeout_ns
        g.max_deliveries = self.max_deliveries or 0
        g.idempotent = self.idempotent
        g.subscriber = self.subscriber or ""
        g.strategy = self.strategy
        if self.checkpoint_ns is not None:
            g.checkpoint_interval = self.checkpoint_ns
        if self.state_window_ns:
            g.state_window = self.state_window_ns
        return g


def Publish(topic, *, ack: bool = True, timeout=None, retry=None, strategy: str = "round_robin") -> Call:
    """A call step that publishes the request as a message to broker ``topic``; the message's
    key (hence its partition) is the request's key. ack=True: the producer waits until the
    broker has stored it (a full partition with overflow "block" makes it wait; with "drop"
    the call fails with "rejected", so a ``Retry`` can publish again). ack=False
    (fire-and-forget): the broker answers on arrival; a message dropped by a full partition is
    lost without the producer knowing. Subscribers react asynchronously: the service goes on.

    Example::

        m.service("checkout", calls=[sim.Call(db), sim.Publish(orders, ack=False)])
    """
    if not isinstance(ack, bool):
        raise ValueError(f"Publish.ack must be True or False, got {ack!r}")
    return Call(topic, op="publish" if ack else "fire_and_forget", timeout=timeout, retry=retry, strategy=strategy)


# -- results ---------------------------------------------------------------------------------
def broker_frame(comp) -> pd.DataFrame:
    """One row per consumer group of a broker's result (see ``Result.broker``)."""
    rows = []
    for g in comp.broker.groups:
        finished = g.processed + g.dead_lettered
        rows.append({
            "group": g.name, "consumers": g.consumers,
            "published": comp.broker.published, "dropped": comp.broker.dropped, "blocked": comp.broker.blocked,
            "delivered": g.delivered, "redelivered": g.redelivered, "failed": g.failed,
            "processed": g.processed, "dead_lettered": g.dead_lettered,
            "deliveries_per_message": g.finished_deliveries / finished if finished else np.nan,
            "duplicates_detected": g.duplicates_detected, "duplicate_effects": g.duplicate_effects,
            "reprocessed": g.reprocessed, "checkpoints": g.checkpoints, "committed": g.committed,
            "restores": g.restores, "replayed": g.replayed,
            "windows_emitted": g.windows_emitted, "windows_reemitted": g.windows_reemitted,
            "out_of_order": g.out_of_order,
            "wait_mean": g.wait.mean() / 1e9 if g.wait.count else np.nan,
            "latency_mean": g.latency.mean() / 1e9 if g.latency.count else np.nan,
            "latency_p99": g.latency.percentile(99) / 1e9 if g.latency.count else np.nan,
            "mean_lag": g.mean_lag, "max_lag": g.max_lag,
            "mean_lag_time": g.mean_lag_time / 1e9, "max_lag_time": g.max_lag_time / 1e9,
        })
    return pd.DataFrame(rows)


def lag_series(comp, metric: str, group: str | None, base_ns: int, factor: int, start_s: float) -> pd.Series:
    """Per window: time-averaged lag in messages ("lag") or age of the oldest message ("lag_time", s)."""
    groups = {g.name: g for g in comp.broker.groups}
    if not groups:
        raise ValueError(f"timeseries: broker {comp.name!r} has no consumer group, so no lag")
    if group is None:
        group = next(iter(groups))
    if group not in groups:
        raise KeyError(f"broker {comp.name!r} has no consumer group {group!r}; groups: {list(groups)}")
    windows = groups[group].windows
    if not windows:
        return pd.Series(dtype=float, name=metric)
    column = 1 if metric == "lag" else 2
    index = np.array([w[0] for w in windows]) // factor
    values = np.array([w[column] for w in windows]) / (1 if metric == "lag" else 1e9)
    means = pd.Series(values).groupby(index).mean()  # windows of one width: the mean of means
    width = base_ns * factor / 1e9
    s = pd.Series(means.to_numpy(), index=pd.Index(means.index.to_numpy() * width, name="time_s"), name=metric)
    return s[s.index + width > start_s + 1e-12]


def broker_report(components) -> list[str]:
    """Report lines for each broker: its topic, then one line per consumer group."""
    lines = []
    for comp in components:
        if comp.broker is None:
            continue
        b = comp.broker
        lines += ["", f"broker {comp.name}: published {b.published:,}, dropped {b.dropped:,}, blocked {b.blocked:,}"]
        for _, g in broker_frame(comp).iterrows():
            lines.append(f"  {g.group:<14} processed {g.processed:>9,}  redelivered {g.redelivered:>7,}  "
                         f"dead {g.dead_lettered:>6,}  latency {g.latency_mean * 1e3:8.2f}ms mean "
                         f"{g.latency_p99 * 1e3:8.2f}ms p99  lag {g.mean_lag:8.2f}"
                         + (f"  replayed {g.replayed:,}" if g.restores else ""))
    return lines

"""Soak run: 10^9 events through a model with every component kind, sampling resident
memory as it goes, to show that memory stays flat after warm-up (no leak, no growth
with run length). Figures in docs/performance.md.

    .venv/bin/python bench/soak.py --events 1e9

Prints one line per sample (events, simulated time, RSS) and a summary: RSS at 30 % and
at 100 % of the events and their difference. tests/python/test_soak.py runs the same
model for 10^7 events and asserts the difference is small.
"""

from __future__ import annotations

import argparse
import os
import time

import archsim as sim
from archsim import _core
from archsim._units import to_ns

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def soak_model() -> sim.Model:
    """Every component kind: clients (open and closed), a balancer, a service with a parallel
    fan-out, retries and timeouts, a cache, shards, a replicated store (quorum writes) and a
    broker whose two consumer groups call services (one idempotent, one with streaming state
    and checkpoints, one with redelivery and a dead-letter queue)."""
    m = sim.Model("soak")
    orders = m.store("orders-db", replicas=3, write_quorum=2, read_quorum=1, replication_delay=sim.Exp("2ms"),
                     service_time=sim.Exp("100us"), workers=8)
    catalog_db = m.service("catalog-db", instances=2, workers=8, service_time=sim.Exp("500us"))
    cache = m.cache("catalog-cache", backend=catalog_db, capacity=20_000, ttl="5s", ttl_jitter=0.1)
    users_db = m.service("users-db", instances=4, workers=4, queue_limit=200, service_time=sim.Exp("200us"))
    users = m.shards("users", backend=users_db, routing="consistent", vnodes=50)
    billing = m.service("billing", instances=2, workers=8, service_time=sim.Exp("500us"))
    events = m.broker("order-events", partitions=8, capacity=10_000, overflow="drop", groups=[
        sim.ConsumerGroup("billing", consumers=16, ordering="none", subscriber=billing, max_deliveries=3,
                          failure_probability=0.01, visibility_timeout="500ms"),
        sim.ConsumerGroup("analytics", consumers=4, processing_time=sim.Exp("200us"),
                          checkpoint_interval="1s", state_window="10s", idempotent=False)])
    api = m.service("api", instances=4, workers=32, service_time=sim.Exp("100us"),
                    calls=[sim.Parallel([sim.Call(cache, timeout="100ms", retry=sim.Retry(attempts=2)),
                                         sim.Call(users, timeout="100ms")]),
                           sim.Call(orders, timeout="200ms"),
                           sim.Publish(events, ack=False)])
    edge = m.balancer("edge", target=api, strategy="p2c")
    m.client("web", target=edge, workload=sim.Open(rate=5_000), keys=sim.Zipf(1_000, 0.9),
             mix={"read": 0.9, "write": 0.1})
    m.client("batch", target=api, workload=sim.Closed(users=20, think=sim.Exp("10ms")), keys=sim.UniformKeys(10**8))
    return m


# A crash of an API instance or a consumer now and then: the fault and replay paths run all along.
FAULTS = [sim.RandomCrashes("api", mttf="2m", mttr="5s"), sim.RandomCrashes("order-events", mttf="1m", mttr="1s")]


def soak(events: int, seed: int = 1, on_sample=None, window: str = "10m") -> list[tuple[int, int, int]]:
    """Runs soak_model for ``events`` events; returns samples (events, simulated ns, RSS bytes),
    one every 2^18 events. Time series use ``window``-wide windows: their memory grows with
    the number of windows (by design, one point per window)."""
    m = soak_model()
    opts = _core.RunOptions()
    opts.duration = to_ns("3650d", "duration")
    opts.max_events = int(events)
    opts.seed = seed
    opts.window = to_ns(window, "window")
    opts.faults = [f._spec() for f in FAULTS]
    samples = [(0, 0, rss_bytes())]

    def sample(now, until, done):
        samples.append((done, now, rss_bytes()))
        if on_sample:
            on_sample(samples[-1])
        return True

    raw = _core.run_model(m._to_spec(), opts, sample)
    assert raw.events == events, (raw.events, raw.stop_reason)
    return samples


def rss_at(samples, fraction: float) -> int:
    """RSS of the first sample at or past ``fraction`` of the events."""
    target = fraction * samples[-1][0]
    return next(rss for done, _, rss in samples if done >= target)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=float, default=1e9)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--window", default="10m", help="time-series window (default 10m)")
    p.add_argument("--every", type=int, default=400, help="print every Nth sample (2^18 events each)")
    args = p.parse_args()
    started = time.perf_counter()
    count = 0

    def show(s):
        nonlocal count
        count += 1
        if count % args.every == 0:
            print(f"{s[0]:>14,} events  sim {s[1] / 1e9:10.1f} s  RSS {s[2] / 2**20:8.1f} MiB  "
                  f"wall {time.perf_counter() - started:7.0f} s", flush=True)

    samples = soak(int(args.events), args.seed, show, args.window)
    wall = time.perf_counter() - started
    at30, at100 = rss_at(samples, 0.3), samples[-1][2]
    print(f"events {samples[-1][0]:,} in {wall:.0f} s ({samples[-1][0] / wall / 1e6:.2f} M events/s), "
          f"simulated {samples[-1][1] / 1e9:,.0f} s; RSS at start {samples[0][2] / 2**20:.1f} MiB, "
          f"peak {max(s[2] for s in samples) / 2**20:.1f} MiB, at 30 % {at30 / 2**20:.1f} MiB, "
          f"at 100 % {at100 / 2**20:.1f} MiB, growth after 30 %: {(at100 - at30) / 2**20:+.2f} MiB")


if __name__ == "__main__":
    main()

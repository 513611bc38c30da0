"""Soak, short version: 10^7 events through the soak model of bench/soak.py (clients open
and closed, balancer, service with fan-out, retries and timeouts, cache, shards, random
crashes); resident memory must not grow after warm-up. The 10^9-event run and its figures
are in docs/performance.md.

Tolerance: RSS at 100 % of the events may exceed RSS at 30 % by at most 2 MiB. The last
70 % of the run completes about 900,000 client requests (several times that in internal
requests), so a leak of even one smallest malloc chunk (32 bytes) per request would
add more than 25 MiB; 2 MiB leaves room for the allocator's page-sized steps and one
late doubling of a small vector. Not a timing assertion.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import soak  # noqa: E402

EVENTS = 10_000_000
TOLERANCE = 2 * 2**20


def growth_after_warmup(samples) -> int:
    return samples[-1][2] - soak.rss_at(samples, 0.3)


def test_memory_stays_flat_over_ten_million_events():
    samples = soak.soak(EVENTS)
    assert samples[-1][0] == EVENTS and len(samples) > 30
    growth = growth_after_warmup(samples)
    assert growth <= TOLERANCE, f"RSS grew {growth / 2**20:.1f} MiB between 30 % and 100 % of {EVENTS:,} events"

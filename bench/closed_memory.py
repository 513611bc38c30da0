"""Peak memory with 10^6 requests pending: a closed workload of 10^6 users
against a slow service, so nearly all of them wait in its queue at once.

    .venv/bin/python bench/closed_memory.py --users 1000000
"""

from __future__ import annotations

import argparse
import resource
import time

import archsim as sim


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--users", type=int, default=1_000_000)
    args = p.parse_args()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    m = sim.Model("closed")
    s = m.service("server", workers=1, service_time=sim.Exp("1ms"))
    m.client("users", target=s, workload=sim.Closed(users=args.users, think=sim.Exp("10ms")))
    t = time.perf_counter()
    r = sim.run(m, duration="20s", seed=1, progress=False)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    row = r.component("server")
    print(f"users {args.users:,}: peak RSS {peak / 1024:.0f} MiB (before the run {before / 1024:.0f} MiB, "
          f"growth {(peak - before) / 1024:.0f} MiB = {(peak - before) * 1024 / args.users:.0f} bytes per pending "
          f"request); mean queue {row['mean_queue']:,.0f}; request slots {r._raw.peak_requests_in_use:,}; "
          f"wall {dt:.1f}s")


if __name__ == "__main__":
    main()

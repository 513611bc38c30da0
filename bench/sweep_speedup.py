"""A 32-point sweep, serial against a local process pool: speed-up and overhead per point.

    .venv/bin/python bench/sweep_speedup.py [--points 32] [--workers 2] [--duration 40] [--rounds 1]

Each round runs the same sweep serially (executor=None) and on a pool of ``--workers``
processes (executor="processes"), back to back, and checks both give the same fingerprint.
Prints per round: wall times, speed-up (serial / pool), the pool's CPU use (CPU seconds of
the worker processes per wall second: 2.0 = both cores busy the whole time), and the
overhead per point, i.e. what the pool spends beyond running the points:
(workers x pool wall - sum of the points' own run times) / points. The load average
before and after each round says how busy the (shared) machine was.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import archsim as sim


def build(workers: int) -> sim.Model:
    m = sim.Model("sweep-bench")
    db = m.service("db", workers=8, service_time=sim.Exp("2ms"))
    api = m.service("api", instances=2, workers=workers, service_time=sim.Exp("5ms"), calls=[sim.Call(db)])
    m.client("web", target=api, workload=sim.Open(rate=1500))
    return m


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--duration", type=float, default=40.0, help="simulated seconds per point")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    params = {"workers": [8, 10, 12, 16]}
    seeds = range(args.points // len(params["workers"]))
    n = len(params["workers"]) * len(seeds)
    print(f"{n} points x {args.duration:g} simulated s, pool of {args.workers}, {os.cpu_count()} CPUs")
    for rnd in range(args.rounds):
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        serial = sim.sweep(build, params=params, seeds=seeds, executor=None, progress=False, duration=args.duration)
        serial_wall = time.perf_counter() - t0
        cpu0 = children_cpu()
        t0 = time.perf_counter()
        pool = sim.sweep(build, params=params, seeds=seeds, executor="processes", workers=args.workers,
                         progress=False, duration=args.duration)
        pool_wall = time.perf_counter() - t0
        pool_cpu = children_cpu() - cpu0
        load_after = os.getloadavg()[0]
        assert serial.fingerprint() == pool.fingerprint() and serial.errors.empty
        serial_point = serial.points.wall_seconds.sum()
        pool_point = pool.points.wall_seconds.sum()
        print(f"round {rnd}: serial {serial_wall:.2f}s (points {serial_point:.2f}s, overhead "
              f"{(serial_wall - serial_point) / n * 1e3:.1f} ms/point)  pool {pool_wall:.2f}s  "
              f"speed-up {serial_wall / pool_wall:.2f}x  pool CPU {pool_cpu / pool_wall:.2f} cores  "
              f"pool overhead {(args.workers * pool_wall - pool_point) / n * 1e3:.1f} ms/point  "
              f"events/point {serial.points.events.mean():,.0f}  "
              f"load avg {load_before:.2f} -> {load_after:.2f}")


if __name__ == "__main__":
    main()

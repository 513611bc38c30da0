"""M/M/1 at utilisation 0.9, side by side: archsim (general service model, all
metrics on) vs SimPy 4 (idiomatic processes) vs plain Python heapq.

    .venv/bin/pip install 'simpy>=4'       # the bench extra: pip install .[bench]
    taskset -c 1 .venv/bin/python bench/mm1_side_by_side.py --customers 1000000

Prints customers per second of wall time, the ratios, and each engine's mean
response time (theory: 1 / (mu - lambda) = 10 time units).
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import time

import archsim as sim

LAMBDA, MU = 0.9, 1.0  # per time unit; archsim uses 1 unit = 1 ms


def run_archsim(n: int, seed: int) -> tuple[float, float]:
    m = sim.Model("mm1")
    s = m.service("server", workers=1, service_time=sim.Exp("1ms"))
    m.client("load", target=s, workload=sim.Open(rate=LAMBDA * 1000))
    t = time.perf_counter()
    r = sim.run(m, until_requests=n, seed=seed, progress=False)
    dt = time.perf_counter() - t
    return dt, r.latency("load").mean() * 1000


def run_simpy(n: int, seed: int) -> tuple[float, float]:
    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    total = [0.0, 0]

    def customer():
        arrived = env.now
        with server.request() as req:
            yield req
            yield env.timeout(rng.expovariate(MU))
        total[0] += env.now - arrived
        total[1] += 1

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(LAMBDA))
            env.process(customer())

    env.process(source())
    t = time.perf_counter()
    env.run()
    return time.perf_counter() - t, total[0] / total[1]


def run_heapq(n: int, seed: int) -> tuple[float, float]:
    """The smallest event-list M/M/1 one can write in Python: arrivals and departures on a heap."""
    rng = random.Random(seed)
    log, rand = math.log, rng.random
    t = time.perf_counter()
    events = [(-log(1.0 - rand()) / LAMBDA, 0)]  # (time, kind) 0 = arrival, 1 = departure
    queue: list[float] = []  # arrival times of customers in the system
    busy = False
    issued, done, total = 1, 0, 0.0
    while done < n:
        now, kind = heapq.heappop(events)
        if kind == 0:
            queue.append(now)
            if issued < n:
                heapq.heappush(events, (now - log(1.0 - rand()) / LAMBDA, 0))
                issued += 1
            if not busy:
                busy = True
                heapq.heappush(events, (now - log(1.0 - rand()) / MU, 1))
        else:
            total += now - queue.pop(0)
            done += 1
            if queue:
                heapq.heappush(events, (now - log(1.0 - rand()) / MU, 1))
            else:
                busy = False
    return time.perf_counter() - t, total / n


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rows = []
    for name, fn in (("archsim", run_archsim), ("simpy", run_simpy), ("heapq", run_heapq)):
        try:
            dt, mean = fn(args.customers, args.seed)
        except ImportError as e:
            print(f"{name}: skipped ({e})")
            continue
        rows.append((name, args.customers / dt, mean, dt))
    base = {name: rate for name, rate, _, _ in rows}
    print(f"M/M/1, rho = 0.9, {args.customers:,} customers (theory: mean response 10.0)")
    print(f"{'engine':<10}{'customers/s':>14}{'wall s':>9}{'mean resp':>11}{'archsim x':>11}")
    for name, rate, mean, dt in rows:
        ratio = base["archsim"] / rate if "archsim" in base else float("nan")
        print(f"{name:<10}{rate:>14,.0f}{dt:>9.2f}{mean:>11.3f}{ratio:>11.1f}")


if __name__ == "__main__":
    main()

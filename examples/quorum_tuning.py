"""Quorum tuning across N/R/W: a leaderless key-value store under the same
workload for each (N, R, W), with read and write latency, the stale-read
ratio and k-staleness, and availability while one replica is down.
R + W > N never returns a stale read; smaller quorums are faster and stale
more often, as the PBS model predicts.

    .venv/bin/python examples/quorum_tuning.py [--seed N]
"""

import argparse

import archsim as sim

CONFIGS = [(3, 1, 1), (3, 1, 2), (3, 2, 1), (3, 2, 2), (3, 1, 3), (5, 1, 1), (5, 2, 2), (5, 3, 3)]


def build(n: int, r: int, w: int) -> sim.Model:
    m = sim.Model(f"quorum-N{n}R{r}W{w}")
    m.zone("a")
    m.zone("b")
    m.network(same_zone=sim.Exp("200us"), cross_zone=sim.Exp("1ms"))
    kv = m.store("kv", replicas=n, read_quorum=r, write_quorum=w, read_repair=True,
                 replication_delay=sim.Pareto(shape=2.5, scale="2ms"), service_time=sim.Exp("0.5ms"), workers=16)
    m.client("app", target=kv, workload=sim.Open(rate=3000), keys=sim.Zipf(1000, 1.0),
             mix={"read": 0.8, "write": 0.2}, tenants=50)
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print(f"{'N':>2}{'R':>3}{'W':>3}{'read p99':>11}{'write p99':>11}{'stale':>9}{'k max':>7}"
          f"{'avail, 1 down':>15}")
    for n, r, w in CONFIGS:
        res = sim.run(build(n, r, w), duration="10s", warmup="1s", seed=args.seed)
        c = res.consistency("kv")
        down = sim.run(build(n, r, w), duration="10s", warmup="1s", seed=args.seed,
                       faults=[sim.Crash("kv[0]", at="1s", duration="1m")])
        k = "-" if c["stale_reads"] == 0 else f"{c['versions_behind_max']:.0f}"
        print(f"{n:>2}{r:>3}{w:>3}{res.latency('kv', 'read').percentile(99) * 1e3:>9.2f}ms"
              f"{res.latency('kv', 'write').percentile(99) * 1e3:>9.2f}ms{c['stale_read_ratio']:>9.3%}{k:>7}"
              f"{down.availability('kv'):>15.3%}")


if __name__ == "__main__":
    main()

"""Read replicas with lag: a primary with two asynchronous replicas behind an
order service, reads sent to the primary, to any replica, or to the replica in
the caller's zone. Each design is run with the same seed; the table shows what
the reads cost and how stale they are, and a crash of the primary shows the
writes a failover loses.

    .venv/bin/python examples/read_replicas.py [--seed N]
"""

import argparse

import archsim as sim


def build(read_policy: str) -> sim.Model:
    m = sim.Model(f"replicas-{read_policy}")
    m.zone("eu-1a", region="eu")
    m.zone("eu-1b", region="eu")
    m.zone("eu-1c", region="eu")
    m.network(same_zone=sim.Exp("100us"), cross_zone=sim.LogNormal(median="500us", p99="3ms"))
    db = m.store("orders-db", replicas=3, read_policy=read_policy, failover_after="2s",
                 replication_delay=sim.LogNormal(median="15ms", p99="200ms"),
                 service_time=sim.Exp("1ms"), workers=8, zones=["eu-1a", "eu-1b", "eu-1c"])
    app = m.service("orders", instances=3, workers=32, service_time=sim.Exp("2ms"), calls=[sim.Call(db)],
                    zones=["eu-1a", "eu-1b", "eu-1c"])
    m.client("web", target=app, workload=sim.Open(rate=2000), keys=sim.Zipf(10_000, 0.9),
             mix={"read": 0.9, "write": 0.1}, tenants=100)
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"{'read_policy':<12}{'read p50':>10}{'read p99':>10}{'primary util':>14}{'stale':>8}"
          f"{'staleness p99':>15}{'RYW viol.':>11}{'mono viol.':>11}")
    for policy in ("primary", "any", "nearest"):
        res = sim.run(build(policy), duration="30s", warmup="2s", seed=args.seed)
        read = res.latency("web", "read")
        c = res.consistency("orders-db")
        util = res.instances("orders-db").set_index("instance").loc["orders-db[0]", "utilisation"]
        staleness = "-" if c["stale_reads"] == 0 else f"{c['staleness_p99'] * 1e3:.1f} ms"
        print(f"{policy:<12}{read.percentile(50) * 1e3:>8.2f}ms{read.percentile(99) * 1e3:>8.2f}ms"
              f"{util:>14.1%}{c['stale_read_ratio']:>8.2%}{staleness:>15}"
              f"{c['ryw_violations']:>11}{c['monotonic_violations']:>11}")

    res = sim.run(build("nearest"), duration="30s", warmup="2s", seed=args.seed,
                  faults=[sim.Crash("orders-db[0]", at="10s", duration="1m")])
    c = res.consistency("orders-db")
    writes = res.summary(by_op=True).set_index(["component", "op"]).loc[("orders-db", "write")]
    print(f"\nprimary crash at 10 s, failover after 2 s: {c['lost_writes']} committed writes lost, "
          f"{writes['errors_unavailable']} writes refused, write availability {writes['availability']:.2%}")


if __name__ == "__main__":
    main()

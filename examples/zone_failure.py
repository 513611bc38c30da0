"""A zone failure with and without spreading instances across zones.

The app (in zone-c) calls a database of 4 instances with up to 3 attempts.
zone-a fails for 20 s: every instance placed there crashes. Packed into
zone-a, the database is gone and so is the service; spread over zone-a and
zone-b, half of it survives and retries find it (each attempt is a fresh
round-robin pick, so a call fails only if all three attempts hit zone-a).

    .venv/bin/python examples/zone_failure.py [--seed N]
"""

import argparse

import archsim as sim

ZONES = ["zone-a", "zone-b", "zone-c"]


def build(spread: bool) -> sim.Model:
    m = sim.Model("zones-spread" if spread else "zones-packed")
    for z in ZONES:
        m.zone(z)
    m.network(same_zone=sim.Exp("100us"), cross_zone=sim.Exp("500us"))
    db = m.service("db", instances=4, workers=8, service_time=sim.Exp("2ms"),
                   zones=["zone-a", "zone-b"] if spread else ["zone-a"])
    app = m.service("app", workers=64, zones="zone-c",
                    calls=[sim.Call(db, timeout="50ms", retry=sim.Retry(attempts=3, backoff="1ms"))])
    m.client("web", target=app, workload=sim.Open(rate=1000), zones="zone-c")
    return m


def zone_failure(spread: bool, zone: str = "zone-a") -> list:
    """A Crash of every db instance placed in `zone` (instance i goes to zones[i % len(zones)])."""
    zones = ["zone-a", "zone-b"] if spread else ["zone-a"]
    return [sim.Crash(f"db[{i}]", at="20s", duration="20s") for i in range(4) if zones[i % len(zones)] == zone]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for spread in (False, True):
        res = sim.run(build(spread), duration="60s", warmup="5s", seed=args.seed, progress=False,
                      faults=zone_failure(spread))
        a = res.timeseries("web", "availability", window="10s")
        print(f"db {'spread over zone-a and zone-b' if spread else 'packed in zone-a'}: "
              f"availability {res.requests().availability.iloc[0]:.4f}, during the failure {a.loc[20.0:30.0].mean():.4f}")


if __name__ == "__main__":
    main()

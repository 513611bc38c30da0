"""A three-tier architecture (balancer -> service -> database service) simulated for
10 simulated minutes, with its report printed: the model the tutorial builds up to.
(The README's main job is now the commerce scenario, scenarios/commerce.yaml.)

    .venv/bin/python examples/main_job.py [--seed N]
"""

import argparse

import archsim as sim


def build() -> sim.Model:
    m = sim.Model("three-tier")
    m.zone("us-east-1a", region="us-east")
    m.zone("us-east-1b", region="us-east")
    m.network(same_zone=sim.Exp("100us"), cross_zone=sim.LogNormal(median="400us", p99="2ms"))
    db = m.service("orders-db", instances=2, workers=8, queue_limit=200,
                   service_time={"read": sim.Exp("1ms"), "write": sim.Gamma(shape=2, scale="1.5ms")})
    app = m.service("checkout", instances=4, workers=16, queue_limit=1000,
                    service_time=sim.LogNormal(median="2ms", p99="20ms"),
                    calls=[sim.Call(db, strategy="least_outstanding")])
    lb = m.balancer("edge", target=app, strategy="p2c")
    m.client("web", target=lb, workload=sim.Open(rate=4000, bursts=[sim.Burst(at="5m", duration="30s", factor=1.5)]),
             keys=sim.Zipf(100_000, 0.9), mix={"read": 0.9, "write": 0.1}, deadline="250ms")
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--duration", default="10m")
    args = parser.parse_args()
    res = sim.run(build(), duration=args.duration, warmup="30s", seed=args.seed)
    print(res.report())
    L, lw = res.littles_law("checkout")
    print(f"\nLittle's law at checkout: L = {L:.3f}, lambda*W = {lw:.3f}")


if __name__ == "__main__":
    main()

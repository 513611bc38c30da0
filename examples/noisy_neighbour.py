"""A noisy neighbour, with and without quotas.

Two tenants share an api of 4 workers (capacity 800/s). The quiet tenant sends
100/s; the noisy one sends 300/s and bursts to 1500/s for 20 s. In the shared
FIFO queue the burst makes the quiet tenant wait seconds. A per-tenant quota
on the noisy tenant, a rate (token bucket) or a cap on its requests in flight,
refuses its excess and gives the quiet tenant back the p99 it has alone. Fair
queueing (round robin over the tenants' waiting requests) protects the quiet
tenant without refusing anything, while the noisy tenant's own backlog grows.

    .venv/bin/python examples/noisy_neighbour.py [--seed N]
"""

import argparse

import archsim as sim


def build(quotas=None, noisy=True, fair_queueing=False) -> sim.Model:
    m = sim.Model("noisy-neighbour")
    api = m.service("api", workers=4, service_time=sim.Exp("5ms"), quotas=quotas, fair_queueing=fair_queueing)
    m.client("quiet-web", target=api, tenant="quiet", workload=sim.Open(rate=100), keys=sim.Zipf(10_000, 0.9))
    if noisy:
        m.client("noisy-web", target=api, tenant="noisy", keys=sim.UniformKeys(1_000_000),
                 workload=sim.Open(rate=300, bursts=[sim.Burst(at="20s", duration="20s", rate=1500)]),
                 mix={"read": 0.5, "write": 0.5})
    return m


CASES = [
    ("quiet tenant alone", dict(noisy=False)),
    ("no quota", {}),
    ("noisy quota rate 400/s", dict(quotas={"noisy": sim.Quota(rate=400, burst=50)})),
    ("noisy quota 2 in flight", dict(quotas={"noisy": sim.Quota(max_in_flight=2)})),
    ("fair queueing, no quota", dict(fair_queueing=True)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for label, kwargs in CASES:
        res = sim.run(build(**kwargs), duration="60s", warmup="5s", seed=args.seed, progress=False)
        t = res.tenants().set_index("tenant")
        line = f"{label:<26} quiet p99 {t.loc['quiet', 'p99'] * 1e3:8.1f} ms"
        if "noisy" in t.index:
            line += f"   noisy p99 {t.loc['noisy', 'p99'] * 1e3:8.1f} ms, refused {int(t.loc['noisy', 'refused'])}"
        print(line)


if __name__ == "__main__":
    main()

"""Random crashes over a long run, compared with the availability formula.

Three database replicas crash independently after exponential up times (mean
MTTF) and come back after exponential repairs (mean MTTR). A read needs 2 of
the 3 replicas. The steady-state availability of k of n such components is

    A = sum_{j=k}^{n} C(n, j) a^j (1 - a)^(n - j),   a = MTTF / (MTTF + MTTR)

(Trivedi, Probability and Statistics with Reliability, Queuing, and Computer
Science Applications, section 8.4), which sim.analytic.k_of_n_availability
computes; the simulated request availability converges to it.

    .venv/bin/python examples/random_crashes.py [--hours H] [--seed N]
"""

import argparse

import archsim as sim

MTTF, MTTR = "10m", "1m"


def build() -> sim.Model:
    m = sim.Model("replicas")
    db = m.service("db", instances=3, workers=16, service_time=sim.Const("1ms"))
    app = m.service("app", workers=64, calls=[sim.Parallel([sim.Call(db)] * 3, wait=2)])
    m.client("web", target=app, workload=sim.Open(rate=1))
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    res = sim.run(build(), duration=args.hours * 3600, seed=args.seed, window="1h", progress=False,
                  faults=[sim.RandomCrashes("db", mttf=MTTF, mttr=MTTR)])
    a = sim.parse_duration(MTTF) / (sim.parse_duration(MTTF) + sim.parse_duration(MTTR))
    print(f"{args.hours:g} simulated hours, {len(res.faults)} crashes")
    print(f"instance uptime: {', '.join(f'{u:.4f}' for u in res.uptime('db').uptime)}  (formula {a:.4f})")
    print(f"2-of-3 request availability {res.requests().availability.iloc[0]:.5f}  "
          f"(formula {sim.analytic.k_of_n_availability(n=3, k=2, mttf=MTTF, mttr=MTTR):.5f})")


if __name__ == "__main__":
    main()

"""The retry storm and its fix.

A database at 70 % utilisation sits behind a 50 ms timeout and 3 attempts. A
2 s slowdown (service times x3) builds a queue longer than the timeout; every
call then makes 3 attempts, the database is offered 2100 requests/s for a
capacity of 1000, and the overload outlives the slowdown for good: a
metastable failure. A retry budget of 10 % (at most 770/s offered) with full
jitter lets the backlog drain and the system recover.

    .venv/bin/python examples/retry_storm.py [--seed N]
"""

import argparse

import archsim as sim


def build(budget, jitter) -> sim.Model:
    m = sim.Model("retry-storm")
    db = m.service("db", workers=4, service_time=sim.Exp("4ms"))  # capacity 1000/s
    retry = sim.Retry(attempts=3, backoff="10ms", jitter=jitter, budget=budget)
    app = m.service("app", workers=100_000, calls=[sim.Call(db, timeout="50ms", retry=retry)])
    m.client("web", target=app, workload=sim.Open(rate=700))
    return m


def run(budget, jitter, seed: int) -> sim.Result:
    return sim.run(build(budget, jitter), duration="60s", warmup="5s", seed=seed, progress=False,
                   faults=[sim.Slow("db", factor=3, at="20s", duration="2s")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for budget, jitter in [(None, "none"), (0.1, "full")]:
        res = run(budget, jitter, args.seed)
        rec = res.recovery("web", window="5s").iloc[0]
        app = res.component("app")
        print(f"retry budget {budget}, jitter {jitter}: {rec.status}"
              + (f" {rec.recovery_s:g} s after the slowdown ended" if rec.status == "recovered" else ""))
        print(f"  amplification {app['amplification']:.2f}, db utilisation {res.component('db')['utilisation']:.1%}")
        print("  successful requests/s per 5 s:",
              " ".join(f"{v:.0f}" for v in res.timeseries("web", "throughput", window="5s")))


if __name__ == "__main__":
    main()

"""A dependency outage with and without a circuit breaker.

The payments service hangs for 20 s (its service times grow 1000-fold).
Without a breaker, the checkout service keeps calling it: nearly every call
waits for its 100 ms timeout and holds one of checkout's 16 workers
meanwhile, so checkout can serve only 160 requests/s of the 300 offered, its
queue grows, and its backlog still holds latency at 10 s for a while
after payments is back. With a breaker, checkout stops calling after a few
failures and fails those requests at once with "circuit_open", probing every
second until payments answers again.

The breaker does not make the outage's requests succeed (they fail either
way, faster with it, so its availability is even lower: the requests that
waited out the outage in checkout's queue are refused instead). What it
buys is containment: checkout's workers stay free, its latency stays normal,
and its latency is normal again as soon as payments is back (the breaker
refuses calls until its next probe, at most a second later, which can cost
the first window after the outage some throughput).

    .venv/bin/python examples/dependency_outage.py [--seed N]
"""

import argparse

import archsim as sim


def build(breaker: bool) -> sim.Model:
    m = sim.Model("outage-breaker" if breaker else "outage")
    payments = m.service("payments", workers=64, service_time=sim.Exp("5ms"))
    guard = sim.CircuitBreaker(failure_rate=0.5, window=20, open_for="1s") if breaker else None
    checkout = m.service("checkout", workers=16, service_time=sim.Exp("2ms"),
                         calls=[sim.Call(payments, timeout="100ms", breaker=guard)])
    m.client("web", target=checkout, workload=sim.Open(rate=300))
    return m


def run(breaker: bool, seed: int) -> sim.Result:
    return sim.run(build(breaker), duration="60s", warmup="5s", seed=seed, progress=False,
                   faults=[sim.Slow("payments", factor=1000, at="20s", duration="20s")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for breaker in (False, True):
        res = run(breaker, args.seed)
        checkout = res.component("checkout")
        rec = res.recovery("web", window="5s").iloc[0]
        print(f"{'with' if breaker else 'without'} a circuit breaker:")
        print(f"  web availability {res.requests().availability.iloc[0]:.4f}; {rec.status}"
              + (f" {rec.recovery_s:g} s after payments came back" if rec.status == "recovered" else ""))
        print(f"  calls sent to payments {checkout['calls']}, refused by the breaker "
              f"{checkout['errors_circuit_open']}, timed out {checkout['errors_timeout']}")
        print("  p99 at web per 5 s (ms):",
              " ".join(f"{v * 1e3:.0f}" for v in res.timeseries("web", "p99", window="5s").fillna(0)))

if __name__ == "__main__":
    main()

"""Two builds of one Google Benchmark, or two benchmark programs, side by
side: runs the `before` and the `after` binary alternately (who goes first
changes every round), each pinned to the same CPU, and reports items per
second of CPU time per round and the after/before ratio within each round.
On a shared machine whose speed drifts by a third between minutes, only such
same-moment ratios compare.

Several `after` binaries (candidate changes, or builds with a part of the
path compiled out to price it) run in one pass: each round runs every binary
once, in an order rotated from round to round, and each gets its ratio to
`before` within the round.

    python3 bench/ab_compare.py OLD/bench/archsim_bench_engine build/release/bench/archsim_bench_engine \\
        --filter 'BM_mm1_customers/1000000$' --rounds 10 --cpu 1
    python3 bench/ab_compare.py build/release/bench/archsim_bench_ns3 build/release/bench/archsim_bench_engine \\
        --before-filter 'BM_ns3_mm1_customers/1000000/0$' --filter 'BM_mm1_customers/1000000$' --rounds 10 --cpu 1
    python3 bench/ab_compare.py BASE/archsim_bench_engine A/archsim_bench_engine B/archsim_bench_engine \\
        --filter 'BM_mm1_customers/1000000$' --rounds 12 --cpu 1
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess


def items_per_second(binary: str, bench_filter: str, cpu: int | None, min_time: float) -> float:
    cmd = [binary, f"--benchmark_filter={bench_filter}", "--benchmark_format=json", f"--benchmark_min_time={min_time}"]
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu), *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    runs = [b for b in json.loads(out)["benchmarks"] if "items_per_second" in b]
    if len(runs) != 1:
        raise SystemExit(f"{binary}: the filter {bench_filter!r} must select exactly one benchmark "
                         f"reporting items_per_second (got {len(runs)})")
    return float(runs[0]["items_per_second"])


def rotated_rounds(runs: list[tuple[str, str]], rounds: int, cpu: int | None, min_time: float,
                   on_round=None) -> list[list[float]]:
    """Items per second of each (binary, filter) in `runs`, `rounds` times:
    each round runs every one once, in an order rotated from round to round.
    Returns one list per run, in the order of `runs`; `on_round(speeds)` is
    called after each round."""
    speeds: list[list[float]] = [[] for _ in runs]
    for rnd in range(rounds):
        shift = rnd % len(runs)
        for k in [*range(shift, len(runs)), *range(shift)]:
            speeds[k].append(items_per_second(runs[k][0], runs[k][1], cpu, min_time))
        if on_round is not None:
            on_round(speeds)
    return speeds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("before", help="benchmark binary of the old build")
    p.add_argument("after", nargs="+", help="benchmark binary of the new build (several: each against `before`)")
    p.add_argument("--filter", required=True, help="a --benchmark_filter selecting one benchmark")
    p.add_argument("--before-filter", help="the filter for `before` if it differs (another program, e.g. ns-3's)")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--cpu", type=int, default=None, help="pin every run to this CPU (taskset)")
    p.add_argument("--min-time", type=float, default=2.0, help="seconds each measurement runs at least")
    args = p.parse_args()
    binaries = [args.before, *args.after]
    for b in binaries:
        if not pathlib.Path(b).is_file():
            raise SystemExit(f"{b}: no such benchmark binary")
    if args.rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    runs = [(args.before, args.before_filter or args.filter)] + [(b, args.filter) for b in args.after]
    if len(args.after) == 1:
        print(f"{'round':>5}{'before items/s':>18}{'after items/s':>18}{'after/before':>14}")

        def on_round(speeds: list[list[float]]) -> None:
            before, after = speeds[0][-1], speeds[1][-1]
            print(f"{len(speeds[0]) - 1:>5}{before:>18,.0f}{after:>18,.0f}{after / before:>14.3f}")
    else:
        print("items/s per round, in the order " + ", ".join(binaries))

        def on_round(speeds: list[list[float]]) -> None:
            print(f"round {len(speeds[0])}/{args.rounds}: " + ", ".join(f"{v[-1]:,.0f}" for v in speeds), flush=True)

    speeds = rotated_rounds(runs, args.rounds, args.cpu, args.min_time, on_round)
    for k, b in enumerate(args.after, start=1):
        ratios = [a / z for a, z in zip(speeds[k], speeds[0])]
        name = "after" if len(args.after) == 1 else b
        print(f"{name}/before: median {statistics.median(ratios):.3f}, range {min(ratios):.3f} - {max(ratios):.3f}")

if __name__ == "__main__":
    main()

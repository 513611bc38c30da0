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
    if len(set(binaries)) != len(binaries):
        raise SystemExit("each binary may appear once (copy a build to compare it with itself)")
    if args.rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    filters = {b: args.filter for b in args.after} | {args.before: args.before_filter or args.filter}
    ratios: dict[str, list[float]] = {b: [] for b in args.after}
    if len(args.after) == 1:
        print(f"{'round':>5}{'before items/s':>18}{'after items/s':>18}{'after/before':>14}")
    else:
        print("items/s per round, in the order " + ", ".join(binaries))
    for rnd in range(args.rounds):
        shift = rnd % len(binaries)
        order = binaries[shift:] + binaries[:shift]
        got = {b: items_per_second(b, filters[b], args.cpu, args.min_time) for b in order}
        for b in args.after:
            ratios[b].append(got[b] / got[args.before])
        if len(args.after) == 1:
            after = args.after[0]
            print(f"{rnd:>5}{got[args.before]:>18,.0f}{got[after]:>18,.0f}{ratios[after][-1]:>14.3f}")
        else:
            print(f"round {rnd + 1}/{args.rounds}: " + ", ".join(f"{got[b]:,.0f}" for b in binaries), flush=True)
    for b in args.after:
        r = ratios[b]
        name = "after" if len(args.after) == 1 else b
        print(f"{name}/before: median {statistics.median(r):.3f}, range {min(r):.3f} - {max(r):.3f}")

if __name__ == "__main__":
    main()

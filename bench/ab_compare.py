"""Two builds of one Google Benchmark, or two benchmark programs, side by
side: runs the `before` and the `after` binary alternately (who goes first
changes every round), each pinned to the same CPU, and reports items per
second of CPU time per round and the after/before ratio within each round.
On a shared machine whose speed drifts by a third between minutes, only such
same-moment ratios compare.

    python3 bench/ab_compare.py OLD/bench/archsim_bench_engine build/release/bench/archsim_bench_engine \\
        --filter 'BM_mm1_customers/1000000$' --rounds 10 --cpu 1
    python3 bench/ab_compare.py build/release/bench/archsim_bench_ns3 build/release/bench/archsim_bench_engine \\
        --before-filter 'BM_ns3_mm1_customers/1000000/0$' --filter 'BM_mm1_customers/1000000$' --rounds 10 --cpu 1
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
    p.add_argument("after", help="benchmark binary of the new build")
    p.add_argument("--filter", required=True, help="a --benchmark_filter selecting one benchmark")
    p.add_argument("--before-filter", help="the filter for `before` if it differs (another program, e.g. ns-3's)")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--cpu", type=int, default=None, help="pin both to this CPU (taskset)")
    p.add_argument("--min-time", type=float, default=2.0, help="seconds each measurement runs at least")
    args = p.parse_args()
    for b in (args.before, args.after):
        if not pathlib.Path(b).is_file():
            raise SystemExit(f"{b}: no such benchmark binary")
    if args.rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    ratios = []
    print(f"{'round':>5}{'before items/s':>18}{'after items/s':>18}{'after/before':>14}")
    for rnd in range(args.rounds):
        order = ("before", "after") if rnd % 2 == 0 else ("after", "before")
        filters = {"before": args.before_filter or args.filter, "after": args.filter}
        got = {w: items_per_second(getattr(args, w), filters[w], args.cpu, args.min_time) for w in order}
        ratios.append(got["after"] / got["before"])
        print(f"{rnd:>5}{got['before']:>18,.0f}{got['after']:>18,.0f}{ratios[-1]:>14.3f}")
    print(f"after/before: median {statistics.median(ratios):.3f}, range {min(ratios):.3f} - {max(ratios):.3f}")


if __name__ == "__main__":
    main()

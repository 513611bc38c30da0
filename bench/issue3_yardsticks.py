"""Issue 3's speed target, against every compiled yardstick in one run.

The issue asks for 10 million M/M/1 customers/s through the general model and
quotes its yardsticks on its own machine: a hand-written C++ 4-ary heap loop
at about 20 million customers/s and ns-3 at about 2.9 million. On another
machine only ratios taken at the same moment compare, so this script runs
archsim's `BM_mm1_customers/1000000` and each yardstick in turn, in a rotated
order, pinned to one CPU, and reports per yardstick the median ratio and the
archsim speed it implies on the issue's machine (ratio x the quoted figure).
On the issue's machine itself, archsim's own median is the answer.

    python3 bench/issue3_yardsticks.py build/release/bench --rounds 12 --cpu 1

ns-3 is included when `archsim_bench_ns3` was built (-DARCHSIM_BENCH_NS3=ON).
SimPy, Ciw and plain Python are in bench/mm1_side_by_side.py.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from ab_compare import rotated_rounds  # noqa: E402

ARCHSIM = ("archsim", "archsim_bench_engine", "BM_mm1_customers/1000000$", None)
YARDSTICKS = [  # name, binary, filter, customers/s quoted by the issue on its machine
    ("hand loop, std draws", "archsim_bench_engine", "BM_mm1_hand_loop/1000000/2$", 20e6),
    ("hand loop, -log(uniform)", "archsim_bench_engine", "BM_mm1_hand_loop/1000000/0$", 20e6),
    ("ns-3 MapScheduler", "archsim_bench_ns3", "BM_ns3_mm1_customers/1000000/0$", 2.9e6),
]
TARGET = 10e6
# The issue also states the target as ratios measured side by side: "at least
# 60x SimPy and at least 3x ns-3" (SimPy's is in bench/mm1_side_by_side.py).
RATIO_TARGETS = {"ns-3 MapScheduler": 3.0}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("bench_dir", help="the directory holding the benchmark binaries (build/release/bench)")
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--cpu", type=int, default=None, help="pin every run to this CPU (taskset)")
    p.add_argument("--min-time", type=float, default=2.0, help="seconds each measurement runs at least")
    args = p.parse_args()
    if args.rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    bench_dir = pathlib.Path(args.bench_dir)
    if not (bench_dir / ARCHSIM[1]).is_file():
        raise SystemExit(f"{bench_dir / ARCHSIM[1]}: no such benchmark binary "
                         "(cmake --build --preset release --target archsim_bench_engine)")
    engines = [ARCHSIM] + [y for y in YARDSTICKS if (bench_dir / y[1]).is_file()]
    for y in YARDSTICKS:
        if y not in engines:
            print(f"skipped: {y[0]} ({bench_dir / y[1]} was not built)")

    names = [e[0] for e in engines]

    def on_round(got: list[list[float]]) -> None:
        print(f"round {len(got[0])}/{args.rounds}: " +
              ", ".join(f"{n} {v[-1] / 1e6:.2f} M/s" for n, v in zip(names, got)), flush=True)

    runs = [(str(bench_dir / binary), bench_filter) for _, binary, bench_filter, _ in engines]
    speeds = dict(zip(names, rotated_rounds(runs, args.rounds, args.cpu, args.min_time, on_round)))

    archsim = speeds["archsim"]
    print(f"\narchsim: median {statistics.median(archsim) / 1e6:.2f} million customers/s "
          f"(range {min(archsim) / 1e6:.2f} - {max(archsim) / 1e6:.2f}); target {TARGET / 1e6:.0f} million")
    print(f"{'yardstick':<26}{'median M/s':>11}{'archsim / it: median (range)':>32}{'implied on issue machine':>27}")
    for name, _, _, quoted in engines[1:]:
        ratios = [a / y for a, y in zip(archsim, speeds[name])]
        med = statistics.median(ratios)
        implied = med * quoted
        verdict = "meets" if implied >= TARGET else "misses"
        print(f"{name:<26}{statistics.median(speeds[name]) / 1e6:>11.2f}"
              f"{f'{med:.3f} ({min(ratios):.3f} - {max(ratios):.3f})':>32}"
              f"{f'{implied / 1e6:.1f} M/s ({verdict})':>27}")
    for name, least in RATIO_TARGETS.items():
        if name in speeds:
            med = statistics.median(a / y for a, y in zip(archsim, speeds[name]))
            print(f"as a ratio: archsim is {med:.2f}x {name} here; the issue asks at least {least:g}x: "
                  f"{'met' if med >= least else 'missed'}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Turns archsim_bench_core's JSON output into the tables of docs/performance.md.

Usage: perf_report.py [--real] RESULT.json [RESULT.json ...]
Run the benchmark with --benchmark_repetitions=N --benchmark_out=RESULT.json
--benchmark_out_format=json; the tables use the median over the repetitions
of the CPU time per iteration in ns (--real: wall-clock time instead; the two
agree on an idle machine, CPU time leaves out time the process was not
running). Several files are merged (e.g. one per benchmark filter).
"""
import json
import statistics
import sys

# ns-3 HeapScheduler, ns per hold, as quoted in issue 2 (measured by the
# issue's author on this machine class; not re-measured here).
NS3_HEAP = {1000: 208.0, 100000: 330.0, 1000000: 562.0}
SIZES = [1000, 100000, 1000000]
# The draws in the order distribution_draws.cpp registers them.
DRAW_ORDER = {name: i for i, name in enumerate([
    "BM_rng_next_u64", "BM_rng_uniform",
    "BM_draw/Const", "BM_draw/Uniform", "BM_draw/Exp", "BM_draw/Erlang_k4", "BM_draw/Gamma_shape0_5",
    "BM_draw/Gamma_shape2_5", "BM_draw/Normal", "BM_draw/LogNormal", "BM_draw/Pareto",
    "BM_draw/HyperExp_2phases", "BM_draw/Mixture_Exp_LogNormal", "BM_draw/Empirical_1000values",
    "BM_keys/UniformKeys_n1e6", "BM_keys/UniformKeys_n1e8", "BM_keys/Zipf_n1e6_s0_9",
    "BM_keys/Zipf_n1e6_s1_0", "BM_keys/Zipf_n1e8_s0_9", "BM_keys/Zipf_n1e8_s1_0"])}
HOLD_ROWS = [
    ("archsim (Simulation)", "BM_hold_archsim_simulation"),
    ("archsim (EventQueue)", "BM_hold_archsim_event_queue"),
    ("reference 4-ary heap", "BM_hold_reference_4ary"),
    ("reference binary heap", "BM_hold_reference_binary"),
    ("reference binary heap, pop then push", "BM_hold_reference_binary_pop_push"),
]


def load(paths, field):
    """Median and (min, max) of `field` (ns) per benchmark, over every
    repetition found in the files; files holding only aggregates (from
    --benchmark_report_aggregates_only) contribute their medians."""
    runs, agg_median = {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for b in data["benchmarks"]:
            scale = {"ns": 1.0, "us": 1e3, "ms": 1e6}[b["time_unit"]]
            name = b["run_name"]
            if b.get("run_type") == "iteration":
                runs.setdefault(name, []).append(b[field] * scale)
            elif b.get("aggregate_name") == "median":
                agg_median[name] = b[field] * scale
    median, spread = dict(agg_median), {}
    for name, xs in runs.items():
        median[name] = statistics.median(xs)
        spread[name] = (min(xs), max(xs))
    counts = {name: len(xs) for name, xs in runs.items()}
    return median, spread, counts


def fmt(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}"


def main(args):
    field = "real_time" if "--real" in args else "cpu_time"
    med, spread, counts = load([a for a in args if a != "--real"], field)
    if counts:
        print(f"repetitions per benchmark: {min(counts.values())} to {max(counts.values())}\n")

    def span(key):
        lo, hi = spread.get(key, (None, None))
        return f" ({fmt(lo)} - {fmt(hi)})" if lo is not None else ""

    print("ns per hold: median (min - max over the repetitions)\n")
    print("| variant | " + " | ".join(f"N = {n:,}" for n in SIZES) + " |")
    print("|---|" + "---:|" * len(SIZES))
    for label, name in HOLD_ROWS:
        cells = []
        for n in SIZES:
            key = f"{name}/{n}"
            cells.append(f"{fmt(med[key])}{span(key)}" if key in med else "-")
        print(f"| {label} | " + " | ".join(cells) + " |")
    if "BM_hold_draw_only/0" in med:
        print(f"\nExp draw alone (BM_hold_draw_only): {fmt(med['BM_hold_draw_only/0'])} ns")

    def ratio_row(label, num, den):
        cells = []
        for n in SIZES:
            a, b = med.get(f"{num}/{n}"), den(n)
            cells.append(f"{a / b:.2f}" if a and b else "-")
        print(f"| {label} | " + " | ".join(cells) + " |")

    ref4 = lambda n: med.get(f"BM_hold_reference_4ary/{n}")
    print("\n| ratio | " + " | ".join(f"N = {n:,}" for n in SIZES) + " |")
    print("|---|" + "---:|" * len(SIZES))
    ratio_row("archsim (Simulation) / reference 4-ary", "BM_hold_archsim_simulation", ref4)
    ratio_row("archsim (EventQueue) / reference 4-ary", "BM_hold_archsim_event_queue", ref4)

    print("\n| N | ns-3 HeapScheduler (quoted) | archsim (Simulation), measured | speedup |")
    print("|---:|---:|---:|---:|")
    for n in SIZES:
        a = med.get(f"BM_hold_archsim_simulation/{n}")
        if a:
            print(f"| {n:,} | {NS3_HEAP[n]:.0f} | {fmt(a)} | {NS3_HEAP[n] / a:.2f}x |")

    draws = sorted((k for k in med if k in DRAW_ORDER), key=DRAW_ORDER.get)
    if draws:
        print("\n| draw | ns per draw: median | min - max |")
        print("|---|---:|---:|")
        for k in draws:
            lo, hi = spread.get(k, (med[k], med[k]))
            print(f"| {k.split('/', 1)[-1]} | {fmt(med[k])} | {fmt(lo)} - {fmt(hi)} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

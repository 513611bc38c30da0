"""The ``archsim`` command: run, validate, sweep and describe scenario files.

Exit codes: 0 ok, 1 an SLO of the scenario was violated, 2 bad input (a scenario
or an option that cannot be read). That is how a CI job fails when a change to
an architecture breaks its SLOs.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import sys
import time

import numpy as np
import pandas as pd
import yaml

from .atomic_file import atomic_write
from .replications import ReplicatedResult
from .slo import slo_verdicts

EXIT_OK, EXIT_SLO_VIOLATED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # bad options are bad input: exit 2, as argparse does, with usage
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="archsim", description="Simulate distributed-system architectures described in YAML "
                                            "scenario files.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run a scenario and print its report",
                         description="Run a scenario; exit 1 if one of its SLOs is violated, 2 on bad input.")
    run.add_argument("scenario", help="the scenario file (YAML)")
    run.add_argument("--seed", type=_seed, help="the run's seed (overrides the file's)")
    run.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                     help="override a value of the file, e.g. checkout.workers=32 or duration=1m (repeatable)")
    run.add_argument("--json", metavar="FILE", help="write every figure and the SLO verdicts as JSON")
    run.add_argument("--csv", metavar="FILE", help="write the summary (per component and operation) as CSV")
    run.add_argument("--trace", metavar="FILE", help="write sampled requests as a Chrome trace (Perfetto)")
    run.add_argument("--trace-sample", type=_fraction, default=1.0, metavar="P",
                     help="fraction of client requests traced, chosen by correlation id (default 1)")
    run.add_argument("--html", metavar="FILE", help="write a self-contained HTML report (docs/guide/report.md)")
    run.add_argument("--quiet", "-q", action="store_true", help="print nothing; the exit code tells")

    val = sub.add_parser("validate", help="check scenario files without running them")
    val.add_argument("scenarios", nargs="+", help="scenario files")
    val.add_argument("--quiet", "-q", action="store_true", help="print only problems")

    sw = sub.add_parser("sweep", help="run a grid of parameter values x seeds and print a table")
    sw.add_argument("scenario")
    sw.add_argument("--param", action="append", default=[], metavar="PATH=V1,V2,...",
                    help="a parameter and its values, e.g. checkout.workers=8,16,32 (repeatable: a grid)")
    sw.add_argument("--seeds", type=int, default=1, metavar="N", help="seeds per point: the file's seed + 0..N-1")
    sw.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="fixed overrides")
    sw.add_argument("--csv", metavar="FILE", help="write one row per run as CSV")
    sw.add_argument("--html", metavar="FILE", help="write a self-contained HTML report: each figure against "
                                                   "each parameter, with confidence bands")
    sw.add_argument("--workers", type=int, metavar="N",
                    help="processes running points at once (default: one per CPU; 1: serially, in this process)")
    sw.add_argument("--quiet", "-q", action="store_true", help="no progress bars")

    de = sub.add_parser("describe", help="list the component types and their parameters")
    de.add_argument("type", nargs="?", help="one type, e.g. service, Retry, Exp")
    de.add_argument("--markdown", action="store_true", help="the whole reference as Markdown (docs/scenarios.md)")
    return p


def _seed(text: str) -> int:
    try:
        v = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2^64), got {text!r}") from None
    if not 0 <= v < 2**64:
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2^64), got {text}")
    return v


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in (0, 1], got {text!r}")
    return v


def main(argv=None) -> int:
    """Entry point of the ``archsim`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "validate": _validate, "sweep": _sweep, "describe": _describe}[args.command](args)
    except BrokenPipeError:  # archsim ... | head
        return EXIT_OK


def _problems(e, out=None) -> None:
    out = out or sys.stderr
    print("\n".join(str(p) for p in e.problems), file=out)
    print(f"{len(e.problems)} problem(s)", file=out)


# -- run ---------------------------------------------------------------------------------------
def _run(args) -> int:
    from .run import run
    from .scenario import ScenarioError, load

    try:
        model = load(args.scenario, overrides=args.set)
    except ScenarioError as e:
        _problems(e)
        return EXIT_BAD_INPUT
    options = dict(model.options)
    if args.seed is not None:
        options["seed"] = args.seed
    if args.trace:
        options["trace"] = args.trace_sample
    try:
        result = run(model, **options, progress=False if args.quiet else None)
    except ValueError as e:
        print(f"{args.scenario}: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    replicated = isinstance(result, ReplicatedResult)
    verdicts = slo_verdicts(model.slos, result)
    try:
        if args.json:
            data = ({"model": result.model, "fingerprint": result.fingerprint(),
                     "replications": [r.to_dict() for r in result.replications]} if replicated
                    else result.to_dict())
            data["slo"] = verdicts
            with atomic_write(args.json) as f:
                json.dump(data, f, indent=2, default=_json_default)
        if args.csv:
            with atomic_write(args.csv) as f:
                result.summary(by_op=True).to_csv(f, index=False)
        if args.trace:  # of the first replication when there are several
            (result[0] if replicated else result).trace.write(args.trace)
        if args.html:
            result.to_html(args.html)
    except OSError as e:
        print(f"archsim: cannot write: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    violated = [v for v in verdicts if not v["met"]]
    if not args.quiet:
        print(result.report())
        if verdicts:
            print()
            print(slo_report(verdicts))
    return EXIT_SLO_VIOLATED if violated else EXIT_OK


def _json_default(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    raise TypeError(f"cannot write {type(v).__name__} as JSON")


def _percent(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.3%}"


def slo_report(verdicts: list[dict]) -> str:
    """The SLO verdicts (``SLO.evaluate``) as a table, and a line saying how many were met."""
    width = max([len(v["slo"]) for v in verdicts] + [3]) + 2
    lines = [f"{'SLO':<{width}}{'objective':>10}{'compliance':>12}{'budget used':>13}{'max burn':>10}  verdict",
             "-" * (width + 54)]
    for v in verdicts:
        budget = "-" if math.isnan(v["budget_consumed"]) else f"{v['budget_consumed']:.0%}"
        burn = "-" if math.isnan(v["max_burn_rate"]) else f"{v['max_burn_rate']:.2f}"
        verdict = "met" if v["met"] else "VIOLATED"
        if "replications_met" in v:
            verdict += f" (met in {v['replications_met']} replications)"
        lines.append(f"{v['slo']:<{width}}{_percent(v['objective']):>10}{_percent(v['compliance']):>12}"
                     f"{budget:>13}{burn:>10}  {verdict}")
    bad = sum(not v["met"] for v in verdicts)
    lines.append(f"{len(verdicts) - bad} of {len(verdicts)} SLOs met" + (f"; {bad} violated" if bad else ""))
    return "\n".join(lines)


# -- validate ----------------------------------------------------------------------------------
def _validate(args) -> int:
    from .scenario import ScenarioError, load

    bad = 0
    for path in args.scenarios:
        try:
            model = load(path)
        except ScenarioError as e:
            _problems(e, sys.stdout)
            bad += 1
            continue
        findings = model.check()  # the architecture graph: missing targets, call cycles, unreachable parts
        errors = [f for f in findings if f.severity == "error"]
        for f in findings:
            if f.severity == "error" or not args.quiet:
                print(f"{path}: {f.severity}: {f.message}")
        if errors:
            bad += 1
        elif not args.quiet:
            print(f"{path}: ok ({len(model.components)} components, {len(model.slos)} SLOs)")
    return EXIT_BAD_INPUT if bad else EXIT_OK


# -- sweep -------------------------------------------------------------------------------------
def _sweep(args) -> int:
    from .scenario import ScenarioError, load
    from .sweep import sweep

    if args.seeds < 1:
        print("archsim sweep: --seeds must be >= 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers is not None and args.workers < 1:
        print("archsim sweep: --workers must be >= 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    axes = []
    for p in args.param:
        if "=" not in p or not p.split("=", 1)[1]:
            print(f"archsim sweep: --param expects PATH=V1,V2,..., got {p!r}", file=sys.stderr)
            return EXIT_BAD_INPUT
        path, values = p.split("=", 1)
        axes.append((path, values.split(",")))
    keys = [path for path, _ in axes]
    try:
        scenario = load(args.scenario, overrides=args.set)  # as written: the report's diagram and seed
        for point in itertools.product(*[values for _, values in axes]):  # every point is good input
            load(args.scenario, overrides=_point_overrides(args.set, dict(zip(keys, point))))
    except ScenarioError as e:
        _problems(e)
        return EXIT_BAD_INPUT
    base_seed = scenario.options.get("seed", 0)
    seeds = [(base_seed + i) % 2**64 for i in range(args.seeds)]  # a seed is a replication
    build = functools.partial(_scenario_point, args.scenario, tuple(args.set))
    result = sweep(build, params=dict(axes), seeds=seeds, executor=None if args.workers == 1 else Ellipsis,
                   workers=args.workers, progress=False if args.quiet else None,
                   collect=functools.partial(_sweep_row, scenario.slos))
    if len(result.errors):
        for row in result.errors.itertuples():
            print(f"archsim sweep: {args.scenario}: point {dict(zip(keys, row[1:len(keys) + 1]))} seed {row.seed}: "
                  f"{row.error.splitlines()[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rows = [{**{k: p.params[k] for k in keys}, "seed": p.seed, **p.collected} for p in result.results]
    table = pd.DataFrame(rows)
    try:
        if args.csv:
            with atomic_write(args.csv) as f:
                table.to_csv(f, index=False)
        if args.html:
            result.to_html(args.html, model=scenario)
    except OSError as e:
        print(f"archsim: cannot write: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    figures = [c for c in table.columns if c not in keys + ["seed", "slo_met"]]
    if keys:
        grouped = table.groupby(keys, sort=False)
        summary = grouped[figures].mean()
        summary["slo_met"] = grouped["slo_met"].sum().astype(int).astype(str) + f"/{args.seeds}"
        summary = summary.reset_index()
    else:
        summary = table
    with pd.option_context("display.width", 200, "display.max_columns", 50):
        print(summary.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"\n{len(rows)} runs: {len(rows) // args.seeds} points x {args.seeds} seed(s); figures are means over "
          f"seeds; {result.wall_seconds:.1f}s wall")
    return EXIT_OK


def _point_overrides(fixed, params: dict) -> list[str]:
    return list(fixed) + [f"{path}={value}" for path, value in params.items()]


def _scenario_point(path: str, fixed: tuple, **params):
    """A sweep point: the scenario file with the fixed and the point's overrides (module level,
    so a process pool or Dask worker can run it)."""
    from .scenario import load

    return load(path, overrides=_point_overrides(fixed, params))


def _sweep_row(slos, result) -> dict:
    """The CLI table's figures of one run: per client throughput, p99 and availability, and
    whether every SLO was met."""
    row = {}
    summary = result.summary()
    clients = summary[summary.kind == "client"]
    for _, r in clients.iterrows():
        prefix = f"{r['component']}." if len(clients) > 1 else ""
        row[f"{prefix}throughput"] = r["throughput"]
        row[f"{prefix}p99_ms"] = r["p99"] * 1e3
        row[f"{prefix}availability"] = r["availability"]
    row["slo_met"] = all(v["met"] for v in slo_verdicts(slos, result))
    return row


def _axis_value(text: str):
    """A swept value as the report's axis shows it: "8" -> 8, "0.5" -> 0.5, "p2c" stays text."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else text


# -- describe ----------------------------------------------------------------------------------
def _describe(args) -> int:
    from .reference import describe, reference_markdown

    if args.markdown:
        sys.stdout.write(reference_markdown())
        return EXIT_OK
    try:
        print(describe(args.type))
    except KeyError as e:
        print(f"archsim describe: {e.args[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

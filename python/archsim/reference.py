"""The scenario reference, generated from the parameter descriptions of archsim.schema.

``reference_markdown()`` is docs/scenarios.md (a test keeps the checked-in page
current); ``describe(kind)`` is what ``archsim describe`` prints.
"""

from __future__ import annotations

from . import schema as S
from .scenario import OBJECTIVE, SCENARIO

__all__ = ["sections", "describe", "reference_markdown"]

_INTRO = """\
# Scenario file reference

Generated from the parameter descriptions in `python/archsim/schema.py` by
`archsim describe --markdown`; do not edit by hand (a test checks that this
page is current). How to write and run scenarios: [the CLI guide](cli.md).

Conventions:

- Durations are seconds (a number) or a string with a unit: `250us`, `5ms`,
  `2s`, `10m`, `1h`.
- Where a field takes one of several types (a distribution, a workload, a
  fault, a call step), write a one-key mapping `{TypeName: parameters}` with
  the names of the Python API, e.g. `{Exp: {mean: 5ms}}`. A value that is not
  a mapping stands for the first parameter: `{Exp: 5ms}`.
- A bare duration where a distribution is expected is a constant.
- Unknown keys are errors; every problem in a file is reported at once, with
  its line and column.
"""


def sections() -> list[tuple[str, str, list[S.TypeDesc]]]:
    """(title, introduction, types) in the order of the reference."""
    return [
        ("Top level", "", [SCENARIO]),
        ("Components", "Under `components:`, each component is `name: {kind: <kind>, parameters...}`; the "
                       "parameters are those of the builder method of the same name (`Model.service`, ...).",
         list(S.COMPONENTS.values())),
        ("Call steps and policies", "The items of a service's `calls:` list: a component name (a call with "
                                    "defaults), `{Call: {...}}` or `{Parallel: {...}}`.",
         [S.CALL, S.PARALLEL, S.RETRY, S.BREAKER, S.RATE_LIMIT]),
        ("Autoscaling", "A service's `autoscale:` (see [the autoscaling guide](guide/autoscaling.md)).",
         [S.AUTOSCALE]),
        ("Workloads and keys", "A client's `workload:` and `keys:`.", list(S.WORKLOAD.types.values())
         + [S.BURST] + list(S.KEYS.types.values())),
        ("Distributions", "Wherever a time distribution is expected (service_time, think, latencies).",
         list(S.DISTRIBUTION.types.values())),
        ("Network", "Under `network:`.", [S.NETWORK, S.LINK]),
        ("Faults", "Items of `faults:`.", list(S.FAULT.types.values())),
        ("Deployments", "Items of `deployments:`, and the `version` of a canary or a blue-green switch.",
         list(S.DEPLOYMENT.types.values()) + [S.VERSION]),
        ("Service-level objectives", "Items of `slo:`.", [OBJECTIVE]),
    ]


def _default(par: S.Param) -> str:
    if par.default is S.REQUIRED:
        return "required"
    if par.default is None:
        return "null"
    try:
        value = par.type.dump(par.default)
    except (ValueError, TypeError, AttributeError):
        value = par.default
    return f"`{value}`" if value not in ([], {}) else "none"


def _table(desc: S.TypeDesc) -> list[str]:
    lines = [f"| parameter | type | unit | default | meaning |", "|---|---|---|---|---|"]
    for par in desc.params:
        kind = par.type.label.replace("|", "\\|")
        lines.append(f"| `{par.name}` | {kind} | {par.unit or ''} | {_default(par)} | {par.doc} |")
    return lines


def reference_markdown() -> str:
    out = [_INTRO]
    for title, intro, types in sections():
        out.append(f"## {title}\n")
        if intro:
            out.append(intro + "\n")
        for desc in types:
            out.append(f"### {desc.name}\n\n{desc.doc}\n")
            out.extend(_table(desc))
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def describe(kind: str | None = None) -> str:
    """Text for ``archsim describe [kind]``: every type, or one type's parameters."""
    every = {d.name: d for _, _, types in sections() for d in types}
    if kind is None:
        lines = []
        for title, _, types in sections():
            lines.append(f"{title}:")
            for d in types:
                lines.append(f"  {d.name:<16}{d.doc}")
        lines.append("\narchsim describe <type> lists a type's parameters.")
        return "\n".join(lines)
    if kind not in every:
        near = S.nearest_name(kind, list(every)) or next((n for n in every if n.lower() == kind.lower()), "")
        hint = f" (did you mean '{near}'?)" if near else ""
        raise KeyError(f"unknown type '{kind}'{hint}; known: {', '.join(every)}")
    d = every[kind]
    lines = [f"{d.name}: {d.doc}", ""]
    width = max(len(p.name) for p in d.params) + 2
    for par in d.params:
        unit = f" [{par.unit}]" if par.unit else ""
        lines.append(f"  {par.name:<{width}}{par.doc}{unit}")
        lines.append(f"  {'':<{width}}{par.type.label}; default {_default(par).replace('`', '')}")
    return "\n".join(lines)

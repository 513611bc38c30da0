"""Scenario files: a YAML description of a model, its run options, faults and SLOs.

    m = archsim.load("scenarios/retry_storm.yaml")   # an archsim.Model
    res = archsim.run(m, **m.options)

The loader reads the file with PyYAML's composer, so every value keeps its line
and column, checks it against the parameter descriptions of ``archsim.schema``
and calls the same ``Model`` builder methods a Python user would: a scenario
and the equivalent Python build give equal models. Every problem in a file is
reported at once, as ``file:line:column: field.path: message``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import yaml

from . import schema as S
from .model import Model

__all__ = ["load", "loads", "ScenarioError", "ScenarioProblem", "SCENARIO", "OBJECTIVE", "to_data", "dump_yaml"]

# libyaml's parser when PyYAML has it (10x faster); nodes and marks are the same.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Nodes read from one file, counted: aliases can make a small file expand to a huge tree.
MAX_NODES = 200_000

OBJECTIVE = S.SLO_DESC

RUN_OPTIONS = [
    S.Param("duration", S.Optional(S.Duration(positive=True), "give until_requests"), "simulated time to run",
            None, "s"),
    S.Param("warmup", S.Optional(S.OneOf([(lambda cx, n: _is_text(n, "mser5"), S.Enum(["mser5"])),
                                           (lambda cx, n: True, S.SECONDS)], "a duration, or mser5"), "none"),
            "start of the run that is not measured; mser5: found from the clients' latency series", None, "s"),
    S.Param("seed", S.Optional(S.Int(0, 2**64 - 1), "0"), "the run's seed", None),
    S.Param("until_requests", S.Optional(S.Int(1, 2**63 - 1), "no limit"),
            "stop after this many client requests complete", None),
    S.Param("window", S.Optional(S.Duration(positive=True), "1s"), "width of the time-series windows", None, "s"),
    S.Param("replications", S.Optional(S.Int(1, 10_000), "1"),
            "independent runs (seeds derived from seed); figures get 95 % confidence intervals", None),
    S.Param("faults", S.ListOf(S.FAULT), "faults injected into the run", []),
    S.Param("slo", S.ListOf(S.Record(OBJECTIVE)), "service-level objectives, judged on the result", []),
    S.Param("deployments", S.ListOf(S.DEPLOYMENT), "canaries, blue-green switches, feature flags and rolling "
                                                   "restarts during the run", []),
]

class _ComponentsLabel(S.ValueType):
    """Documents `components`; the loader reads it itself (each entry's kind picks its parameters)."""

    @property
    def label(self) -> str:
        return "a mapping component name -> {kind: " + " | ".join(S.COMPONENTS) + ", its parameters}"


def _is_text(node, text: str) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == text


# A scenario's key -> sim.run's keyword, where they differ.
_RUN_KEYWORD = {"slo": "slos"}

SCENARIO = S.TypeDesc("scenario", "The top level of a scenario file.", [
    S.Param("name", S.Str(), "the model's name", "model"),
    *RUN_OPTIONS,
    S.Param("network", S.Record(S.NETWORK), "zones, hosts and latencies", {}),
    S.Param("components", _ComponentsLabel(), "the components, in order"),
])


@dataclass(frozen=True)
class ScenarioProblem:
    file: str
    line: int        # 1-based
    column: int      # 1-based
    path: str        # field path, e.g. components.checkout.workers
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


class ScenarioError(ValueError):
    """Every problem found in a scenario, each with its position and field path.

    Example::

        try:
            sim.load("broken.yaml")
        except sim.ScenarioError as e:
            print(e)      # every problem, with file:line:column
    """

    def __init__(self, problems: list[ScenarioProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Named(io.StringIO):
    def __init__(self, text: str, name: str):
        super().__init__(text)
        self.name = name


class _Reader:
    """Reads nodes, collects problems, knows the names declared in the file."""

    FAILED = object()

    def __init__(self, file: str):
        self.file = file
        self.problems: list[ScenarioProblem] = []
        self.kinds: dict[str, str] = {}     # component -> kind
        self.zones: dict[str, str] = {}     # zone -> region
        self.hosts: list[str] = []
        self.nodes_read = 0
        self._constructor = yaml.SafeLoader("")

    # -- problems ----------------------------------------------------------------------
    def error(self, node, path: str, message: str) -> None:
        mark = node.start_mark if node is not None else None
        file = self.file
        if mark is not None and mark.name not in ("<unicode string>", "<file>", self.file) and mark.name:
            file = mark.name  # a --set override
        self.problems.append(ScenarioProblem(file, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                                             path, message))

    def attempt(self, fn, node, path):
        try:
            return fn()
        except S.Problem as p:
            self.error(p.node or node, p.path or path, p.message)
        except S.Reported:
            pass
        return self.FAILED

    def check(self, fn, node, path) -> bool:
        return self.attempt(fn, node, path) is not self.FAILED

    def each(self, items, path, fn):
        out, failed = [], False
        for i, n in enumerate(items):
            v = self.attempt(lambda: fn(n, f"{path}[{i}]"), n, f"{path}[{i}]")
            failed |= v is self.FAILED
            out.append(v)
        if failed:
            raise S.Reported()
        return out

    @staticmethod
    def did_you_mean(name, candidates) -> str:
        if not isinstance(name, str):
            return ""
        near = S.nearest_name(name, list(candidates))
        if not near:  # case slips: exp for Exp
            near = next((c for c in candidates if str(c).lower() == name.lower()), "")
        return f" (did you mean '{near}'?)" if near else ""

    # -- nodes ---------------------------------------------------------------------------
    def _count(self):
        self.nodes_read += 1
        if self.nodes_read > MAX_NODES:
            raise S.Problem(f"the file expands to more than {MAX_NODES:,} values (through aliases?)")

    @staticmethod
    def is_null(node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"

    @staticmethod
    def is_mapping(node) -> bool:
        return isinstance(node, yaml.MappingNode)

    @staticmethod
    def is_sequence(node) -> bool:
        return isinstance(node, yaml.SequenceNode)

    @staticmethod
    def _kind(node) -> str:
        return {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}.get(type(node), "a value")

    def scalar(self, node, path):
        self._count()
        if not isinstance(node, yaml.ScalarNode):
            raise S.Problem(f"expected a single value, got {self._kind(node)}")
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as e:
            raise S.Problem(f"cannot read the value {node.value!r}: {e}") from None

    def sequence(self, node, path):
        self._count()
        if not isinstance(node, yaml.SequenceNode):
            raise S.Problem(f"expected a list, got {self._kind(node)}")
        return node.value

    def mapping_keys(self, node):
        if not isinstance(node, yaml.MappingNode):
            return None
        return [k.value if isinstance(k, yaml.ScalarNode) else None for k, _ in node.value]

    def mapping(self, node, path):
        """[(key, key_node, value_node)]; duplicate and non-text keys are reported."""
        self._count()
        if not isinstance(node, yaml.MappingNode):
            raise S.Problem(f"expected a mapping (key: value), got {self._kind(node)}")
        out, seen = [], set()
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or self.is_null(k):
                self.error(k, path, "a key must be a name")
                continue
            if k.value in seen:
                self.error(k, f"{path}.{k.value}", f"'{k.value}' is given twice")
                continue
            seen.add(k.value)
            out.append((k.value, k, v))
        return out

    def names(self, space: str, kinds=()) -> list[str]:
        if space == "component":
            return [n for n, k in self.kinds.items() if not kinds or k in kinds]
        if space == "target":
            return [n for n, k in self.kinds.items() if k != "client"]
        if space == "instance":
            return [n for n, k in self.kinds.items() if k != "client"]
        if space == "zone":
            return list(self.zones)
        if space == "host":
            return list(self.hosts)
        if space == "site":
            return list(self.zones) + sorted(set(self.zones.values()))
        raise ValueError(space)


def load(path, overrides=()) -> Model:
    """Read a scenario file into a Model (with ``options`` and ``slos``).

    ``overrides``: ``"path=value"`` strings (``"checkout.workers=32"``) applied before
    checking, as ``archsim run --set`` does. Raises ScenarioError listing every problem.

    Example::

        m = sim.load("scenarios/commerce.yaml")
        res = sim.run(m, **m.options)
    """
    path = str(path)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError([ScenarioProblem(path, 1, 1, "", f"cannot read the file: {e}")]) from None
    return loads(text, path, overrides)


def loads(text: str, file: str = "<scenario>", overrides=()) -> Model:
    """Read a scenario from a string; see ``load``.

    Example::

        m = sim.loads(open("scenarios/monolith.yaml").read())
    """
    cx = _Reader(file)
    try:
        root = yaml.compose(_Named(text, file), Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise ScenarioError([ScenarioProblem(file, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1,
                                             "", f"not valid YAML: {e.problem or e}")]) from None
    except (yaml.YAMLError, RecursionError) as e:
        message = "nested too deeply" if isinstance(e, RecursionError) else str(e)
        raise ScenarioError([ScenarioProblem(file, 1, 1, "", f"not valid YAML: {message}")]) from None
    if root is None:
        raise ScenarioError([ScenarioProblem(file, 1, 1, "", "the file is empty; a scenario needs at least "
                                                             "'components' and 'duration'")])
    for o in overrides:
        root = _override(cx, root, o)
    try:
        model = _read(cx, root)
    except RecursionError:
        cx.error(root, "", "nested too deeply")
        model = None
    if cx.problems:
        raise ScenarioError(sorted(set(cx.problems), key=lambda p: (p.file != file, p.line, p.column, p.path)))
    model.description = _leading_comment(text)
    return model


def _leading_comment(text: str) -> str:
    """The comment block at the top of a scenario file, its lines joined into paragraphs
    (a bare ``#`` line separates them): the scenario's description in reports."""
    paragraphs, lines = [], []
    for line in text.lstrip().splitlines():
        if not line.startswith("#"):
            break
        words = line[1:].strip()
        if words:
            lines.append(words)
        elif lines:
            paragraphs.append(" ".join(lines))
            lines = []
    if lines:
        paragraphs.append(" ".join(lines))
    return "\n\n".join(paragraphs)


# -- reading the top level ---------------------------------------------------------------------
def _read(cx: _Reader, root) -> Model | None:
    pairs = cx.attempt(lambda: cx.mapping(root, ""), root, "")
    if pairs is cx.FAILED:
        return None
    top = dict((k, (kn, vn)) for k, kn, vn in pairs)
    names = [p.name for p in SCENARIO.params]
    for key, (kn, _) in top.items():
        if key not in names:
            cx.error(kn, key, f"unknown key{cx.did_you_mean(key, names)}; accepted: {', '.join(names)}")
    if "components" not in top:
        cx.error(root, "components", "a scenario needs 'components' (component name -> parameters)")
    _declare(cx, top)

    def param(name):
        par = SCENARIO.param(name)
        if name not in top:
            return par.default
        _, node = top[name]
        return cx.attempt(lambda: par.type.load(cx, node, name), node, name)

    model_name = param("name")
    model = Model(model_name if isinstance(model_name, str) else "model")
    if "network" in top:
        _read_network(cx, model, top["network"][1])
    if "components" in top:
        _read_components(cx, model, top["components"][1])
    options = {_RUN_KEYWORD.get(p.name, p.name): param(p.name) for p in RUN_OPTIONS if p.name in top}
    if cx.problems or any(v is cx.FAILED for v in options.values()):
        return None
    model.run_options(**{k: v for k, v in options.items() if v is not None and v != []})
    _dry_run(cx, model, root, top)
    return model


def _declare(cx: _Reader, top) -> None:
    """Names first, so references can point forward and misspellings find their match."""
    if "components" in top:
        node = top["components"][1]
        if cx.is_mapping(node):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    kind = next((kv.value for kk, kv in v.value if isinstance(kk, yaml.ScalarNode)
                                 and kk.value == "kind" and isinstance(kv, yaml.ScalarNode)), "?") \
                        if cx.is_mapping(v) else "?"
                    cx.kinds.setdefault(k.value, kind)
    if "network" in top and cx.is_mapping(top["network"][1]):
        for k, v in top["network"][1].value:
            if isinstance(k, yaml.ScalarNode) and k.value == "zones" and cx.is_mapping(v):
                cx.zones = {zk.value: (zv.value if isinstance(zv, yaml.ScalarNode) else "")
                            for zk, zv in v.value if isinstance(zk, yaml.ScalarNode)}
            if isinstance(k, yaml.ScalarNode) and k.value == "hosts" and cx.is_mapping(v):
                cx.hosts = [hk.value for hk, _ in v.value if isinstance(hk, yaml.ScalarNode)]
    if not cx.zones:
        cx.zones = {"zone-a": "region-1"}  # the builder's default zone


def _read_network(cx: _Reader, model: Model, node) -> None:
    params = cx.attempt(lambda: _network_params(cx, node), node, "network")
    if params is cx.FAILED:
        return
    declared = {k for k, _, _ in cx.mapping(node, "network")}
    for zone, region in params.pop("zones", {}).items():
        cx.check(lambda: model.zone(zone, region), node, f"network.zones.{zone}")
    for host, zone in params.pop("hosts", {}).items():
        cx.check(lambda: model.host(host, zone), node, f"network.hosts.{host}")
    levels = {k: v for k, v in params.items() if k in declared}
    if levels:
        try:
            model.network(**levels)
        except ValueError as e:
            cx.error(node, "network", str(e))


def _network_params(cx, node):
    cx.mapping(node, "network")
    params = S.NETWORK.load_params(cx, node, "network")
    if params is cx.FAILED:
        raise S.Reported()
    params["links"] = [link for link in params.get("links", [])]
    return params


def _read_components(cx: _Reader, model: Model, node) -> None:
    pairs = cx.attempt(lambda: cx.mapping(node, "components"), node, "components")
    if pairs is cx.FAILED:
        return
    if not pairs:
        cx.error(node, "components", "no components: a scenario needs at least a client and what it calls")
    kinds = list(S.COMPONENTS)
    for name, key_node, value_node in pairs:
        path = f"components.{name}"
        if "[" in name:
            cx.error(key_node, path, "a component name cannot contain '['")
            continue
        fields = cx.attempt(lambda: cx.mapping(value_node, path), value_node, path)
        if fields is cx.FAILED:
            continue
        kind_node = next((vn for k, _, vn in fields if k == "kind"), None)
        if kind_node is None:
            cx.error(value_node, path, f"needs 'kind': one of {', '.join(kinds)}")
            continue
        kind = cx.attempt(lambda: S.Enum(kinds).load(cx, kind_node, f"{path}.kind"), kind_node, f"{path}.kind")
        if kind is cx.FAILED:
            continue
        desc = S.COMPONENTS[kind]
        rest = yaml.MappingNode(value_node.tag, [(k, v) for k, v in value_node.value
                                                 if not (isinstance(k, yaml.ScalarNode) and k.value == "kind")],
                                value_node.start_mark, value_node.end_mark)
        params = desc.load_params(cx, rest, path)
        if params is cx.FAILED:
            continue
        try:
            getattr(model, kind)(name, **params)
        except (ValueError, TypeError) as e:
            cx.error(value_node, path, str(e))


def _dry_run(cx: _Reader, model: Model, root, top) -> None:
    """Let the runner check what only the whole model shows (cycles of calls, faults that
    cannot fire, warm-up past the end): build it and run one event."""
    from .run import run

    try:
        options = dict(model.options, replications=1)  # one replication, one event, is enough
        if options.get("warmup") == "mser5":
            options["warmup"] = 0
        run(model, **options, max_events=1, progress=False)
    except ValueError as e:
        message = str(e)
        if message.startswith("deployment") and "deployments" in top:  # "deployment 0 (canary of 'api'): ..."
            node, path = top["deployments"][1], "deployments"
        else:
            node, path = _position_of(cx, root, top, message)
        cx.error(node, path, message)


def _position_of(cx: _Reader, root, top, message: str):
    """The node a runner message is about: the first component it names, else a run option."""
    for name in re.findall(r"[\w.\-\[\]]+", message):
        base = name.split("[", 1)[0]
        if base in cx.kinds and "components" in top:
            return next((k for k, _ in top["components"][1].value if k.value == base), root), f"components.{base}"
    for key in ("faults", "warmup", "duration", "until_requests", "window", "network"):
        if key in message and key in top:
            return top[key][1], key
    return root, ""


# -- overrides ---------------------------------------------------------------------------------
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _override(cx: _Reader, root, text: str):
    """Apply "a.b[1].c=value" to the node tree; the value is YAML."""
    where = f"--set {text}"
    if "=" not in text:
        raise ScenarioError([ScenarioProblem(where, 1, 1, "", "expected path=value, e.g. checkout.workers=32")])
    path, value = text.split("=", 1)
    try:
        value_node = yaml.compose(_Named(value, where), Loader=_YAML_LOADER)
    except yaml.YAMLError as e:
        raise ScenarioError([ScenarioProblem(where, 1, 1, path, f"the value is not valid YAML: {e}")]) from None
    if value_node is None:
        value_node = yaml.ScalarNode("tag:yaml.org,2002:null", "", yaml.Mark(where, 0, 0, 0, None, None))
    segments = [m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _SEGMENT.finditer(path)]
    if not segments or not isinstance(root, yaml.MappingNode):
        raise ScenarioError([ScenarioProblem(where, 1, 1, path, "expected path=value, e.g. checkout.workers=32")])
    top_keys = [p.name for p in SCENARIO.params]
    components = next((v for k, v in root.value if k.value == "components"), None)
    if segments[0] not in top_keys and isinstance(components, yaml.MappingNode) \
            and any(k.value == segments[0] for k, _ in components.value):
        segments = ["components"] + segments  # checkout.workers -> components.checkout.workers
    node = root
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        label = ".".join(str(s) for s in segments[:i + 1])
        if isinstance(seg, int):
            if not isinstance(node, yaml.SequenceNode) or seg >= len(node.value):
                raise ScenarioError([ScenarioProblem(where, 1, 1, path, f"{label}: no such list item")])
            if last:
                node.value[seg] = value_node
            node = node.value[seg]
            continue
        if not isinstance(node, yaml.MappingNode):
            raise ScenarioError([ScenarioProblem(where, 1, 1, path, f"{label}: not a mapping")])
        child = next((j for j, (k, _) in enumerate(node.value) if k.value == seg), None)
        if child is None:
            key = yaml.ScalarNode("tag:yaml.org,2002:str", seg, value_node.start_mark, value_node.end_mark)
            new = value_node if last else yaml.MappingNode("tag:yaml.org,2002:map", [], value_node.start_mark,
                                                           value_node.end_mark)
            node.value.append((key, new))
            node = new
        else:
            if last:
                node.value[child] = (node.value[child][0], value_node)
            node = node.value[child][1]
    return root


# -- writing -----------------------------------------------------------------------------------
def to_data(model: Model) -> dict:
    """The model (with its run options and SLOs) as plain data in the scenario format."""
    calls = model._calls
    written = {args["name"] for m, args in calls if m in S.COMPONENTS}
    missing = {n: k for n, k in model.components.items() if n not in written}
    if missing:  # a builder method without a scenario description (and @_recorded)
        raise ValueError(f"cannot write {missing} as a scenario: no scenario description for that kind")
    data: dict = {"name": model.name}
    for par in RUN_OPTIONS:
        value = model.options.get(_RUN_KEYWORD.get(par.name, par.name))
        if value is not None and value != []:
            data[par.name] = par.type.dump(value)
    network: dict = {}
    zones = {a["name"]: a["region"] for m, a in calls if m == "zone"}
    hosts = {a["name"]: a["zone"] if a["zone"] is not None else next(iter(zones), "zone-a")
             for m, a in calls if m == "host"}
    if zones and zones != {"zone-a": "region-1"} or hosts:
        network["zones"] = zones
    if hosts:
        network["hosts"] = hosts
    for m, args in calls:
        if m == "network":
            network.update({k: v for k, v in _dump_args(S.NETWORK, args).items()})
    if network:
        data["network"] = network
    components = {}
    for m, args in calls:
        if m in S.COMPONENTS:
            args = dict(args)
            name = args.pop("name")
            components[name] = {"kind": m, **_dump_args(S.COMPONENTS[m], args)}
    data["components"] = components
    return data


def _dump_args(desc: S.TypeDesc, args: dict) -> dict:
    out = {}
    for par in desc.params:
        if par.name not in args or (args[par.name] is None and par.default is not None):
            continue  # not given, or None for "the default"
        v = par.type.dump(args[par.name])
        default = None if par.default is None else par.type.dump(par.default) if par.default is not S.REQUIRED \
            else S.REQUIRED
        if v == default or (v == [] and par.default in ((), [])):
            continue
        out[par.name] = v
    return out


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(tuple, lambda d, v: d.represent_list(list(v)))


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=None, width=100)

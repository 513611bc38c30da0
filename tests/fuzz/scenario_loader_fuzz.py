"""libFuzzer (through atheris) over the scenario loader: ``archsim.loads`` then a short run.

Every input must end in a Model or a ScenarioError (with a file, line and column for
each problem); a Model the loader accepted must then run (its first few thousand
events) without any error. Anything else (another exception, a crash, a hang past
-timeout, a sanitizer report) is a finding: libFuzzer writes the input to
crash-<sha1> and the process exits non-zero. The corpus is seeded with scenarios/.

    bash scripts/fuzz.sh [SECONDS]      (docs/hardening.md)
"""

import inspect
import sys
import warnings

import atheris

import archsim as sim
from archsim.scenario import ScenarioError

MAX_EVENTS = 3_000


def one_input(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    try:
        model = sim.loads(text, "fuzz.yaml")
    except ScenarioError as e:
        for p in e.problems:
            if not (p.line >= 1 and p.column >= 1 and p.message):
                raise AssertionError(f"a problem without a place or a message: {p!r}") from None
        return
    options = dict(model.options)
    options["max_events"] = min(options.get("max_events") or MAX_EVENTS, MAX_EVENTS)
    options.pop("replications", None)  # one run is enough to exercise the model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a stalled run warns; it is still a result
        sim.run(model, progress=False, **options)


def instrument(prefixes=("archsim", "yaml")) -> int:
    """Adds coverage feedback to every Python function of the loader, the builders and
    PyYAML. (atheris.instrument_imports misses the modules that the editable install's
    import hook loads; atheris.instrument_all takes minutes over numpy and pandas.)"""
    seen, count = set(), 0

    def visit(obj):
        nonlocal count
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if inspect.isfunction(obj) and obj.__module__ and obj.__module__.startswith(prefixes):
            atheris.instrument_func(obj)
            count += 1
        elif inspect.isclass(obj) and obj.__module__.startswith(prefixes):
            for member in vars(obj).values():
                visit(getattr(member, "__func__", getattr(member, "fget", member)))

    for name, module in list(sys.modules.items()):
        if name.startswith(prefixes):
            for obj in list(vars(module).values()):
                visit(obj)
    return count


def main() -> None:
    print(f"instrumented {instrument()} functions", file=sys.stderr)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

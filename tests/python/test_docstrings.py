"""Every public function and method of the notebook-facing modules has a docstring with an
example (``help(sim.sweep)`` should read like documentation)."""

import importlib
import inspect

import pytest

import archsim as sim

MODULES = [importlib.import_module(f"archsim.{name}")  # archsim.sweep is also the function
           for name in ("sweep", "replications", "stats", "tidy", "plots", "progress")]
CLASSES = [sim.ReplicatedResult, sim.SweepResult]


def _public_callables():
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
    for cls in CLASSES:
        for name, member in vars(cls).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            yield f"{cls.__name__}.{name}", member
    yield "archsim.run", sim.run
    yield "archsim.sweep", sim.sweep
    yield "Result.to_pandas", sim.Result.to_pandas


def _has_example(doc: str) -> bool:
    return "Example::" in doc or ">>>" in doc


@pytest.mark.parametrize("name,func", list(_public_callables()), ids=lambda v: v if isinstance(v, str) else "")
def test_public_function_has_a_docstring_with_an_example(name, func):
    doc = inspect.getdoc(func)
    assert doc, f"{name} has no docstring"
    assert _has_example(doc), f"{name}'s docstring has no example (an 'Example::' block or a doctest)"

"""Every public function and method of the notebook-facing API has a docstring with an
example (``help(sim.sweep)`` should read like documentation), and the doctest examples run."""

import doctest
import importlib
import inspect

import pytest

import archsim as sim

MODULES = [importlib.import_module(f"archsim.{name}")  # archsim.sweep is also the function
           for name in ("sweep", "replications", "stats", "tidy", "plots", "progress")]
CLASSES = [sim.ReplicatedResult, sim.SweepResult, sim.Result, sim.Model, sim.LatencyHistogram]
DOCTEST_MODULES = ["archsim.stats", "archsim.replications", "archsim.histogram", "archsim._units"]


def _public_callables():
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
    for cls in CLASSES:
        yield cls.__name__, cls
        for name, member in vars(cls).items():
            if isinstance(member, property):
                member = member.fget
            elif isinstance(member, classmethod):
                member = member.__func__
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            yield f"{cls.__name__}.{name}", member
    for name in sim.__all__:  # every public function and class of the package
        yield f"archsim.{name}", getattr(sim, name)


def _has_example(doc: str) -> bool:
    return "Example::" in doc or ">>>" in doc


@pytest.mark.parametrize("name,func", list(_public_callables()), ids=lambda v: v if isinstance(v, str) else "")
def test_public_function_has_a_docstring_with_an_example(name, func):
    doc = inspect.getdoc(func)
    assert doc, f"{name} has no docstring"
    assert _has_example(doc), f"{name}'s docstring has no example (an 'Example::' block or a doctest)"


@pytest.mark.parametrize("module", DOCTEST_MODULES)
def test_doctest_examples_give_what_they_show(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0, result

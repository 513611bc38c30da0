"""The check that the libFuzzer harness (scenario_loader_fuzzer.cpp) runs on every input.

``check(data)`` feeds the bytes to ``archsim.loads``. Every input must end in a Model
that then runs (a bounded number of events) without any error, or in a ScenarioError
whose problems each have a line, a column and a message. Any other exception escapes
and is a finding: the harness prints it and aborts, and libFuzzer keeps the input.

    bash scripts/fuzz.sh [SECONDS]      (docs/hardening.md)
"""

import warnings

import archsim as sim
from archsim.scenario import ScenarioError

MAX_EVENTS = 3_000


def check(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    try:
        model = sim.loads(text, "fuzz.yaml")
    except ScenarioError as e:
        if not e.problems:
            raise AssertionError("a ScenarioError without problems") from None
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

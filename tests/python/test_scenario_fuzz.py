"""The loader never crashes: a few thousand deterministic mutations of the bundled
scenarios each end in a Model (which then runs briefly) or a ScenarioError.

Mutations (seeded, so a failure reproduces): delete, duplicate or swap lines, truncate,
replace a scalar with a hostile value (negative, huge, NaN, wrong type, a reference
to nothing), change indentation, drop or repeat characters. The time budget keeps the
test around 20 s on a shared machine; the count reached is asserted.
"""

from __future__ import annotations

import pathlib
import random
import re
import time

import archsim as sim
from archsim.scenario import ScenarioError

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
HOSTILE = ["-1", "0", "1e400", "-1e400", ".nan", "99999999999999999999999999", "null", "[]", "{}", "[1, 2]",
           "{Exp: -5ms}", "'5 parsecs'", "true", "''", "nowhere", "db[99]", "'-3s'", "&a x", "*nothing", "{a: [",
           "\"\\x00\"", "1h1h", "0.0000000001ns", "!!python/object:os.system ls", "{Parallel: {calls: []}}"]
SCALAR = re.compile(r"(?<=: )[^\s{}\[\],#][^,}\]\n#]*|(?<=- )[^\s{}\[\],#][^\n#]*")
MUTATIONS = 3000
BUDGET_S = 20.0


def mutate(text: str, rng: random.Random) -> str:
    if not text:
        return rng.choice(HOSTILE)
    lines = text.split("\n")
    choice = rng.randrange(8)
    i = rng.randrange(len(lines))
    if choice == 0:
        del lines[i]
    elif choice == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif choice == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif choice == 3:
        return text[:rng.randrange(len(text))]
    elif choice == 4:
        lines[i] = (" " * rng.choice([1, 2, 4])) + lines[i] if rng.random() < 0.5 else lines[i].lstrip()
    elif choice == 5:
        k = rng.randrange(len(text))
        return text[:k] + text[k + rng.randrange(1, 4):]
    else:
        matches = list(SCALAR.finditer(text))
        if matches:
            m = rng.choice(matches)
            return text[:m.start()] + rng.choice(HOSTILE) + text[m.end():]
    return "\n".join(lines)


def test_mutated_scenarios_end_in_a_model_or_a_clean_error():
    rng = random.Random(20261128)
    sources = [p.read_text() for p in SCENARIOS]
    assert sources
    loaded = errors = ran = 0
    start = time.monotonic()
    for n in range(MUTATIONS):
        text = rng.choice(sources)
        for _ in range(rng.randrange(1, 4)):
            text = mutate(text, rng)
        try:
            model = sim.loads(text, "fuzz.yaml")
        except ScenarioError as e:
            assert e.problems, text
            for p in e.problems:
                assert p.line >= 1 and p.column >= 1 and p.message, (text, p)
            errors += 1
        else:
            loaded += 1
            if loaded % 5 == 0:  # a loaded model runs (its first 20,000 events)
                try:
                    sim.run(model, **model.options, progress=False, max_events=20_000)
                    ran += 1
                except ValueError as e:  # the loader's dry run passed, so the run must too
                    raise AssertionError(f"{e}\n{text}") from None
        if time.monotonic() - start > BUDGET_S:
            break
    total = loaded + errors
    print(f"fuzz: {total} mutations, {loaded} loaded ({ran} ran), {errors} clean errors, "
          f"{time.monotonic() - start:.1f}s")
    assert total >= 1000, f"only {total} mutations in {BUDGET_S}s"
    assert errors > 0 and loaded > 0

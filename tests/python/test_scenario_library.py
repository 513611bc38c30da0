"""The scenario library (scenarios/*.yaml): each file teaches something, says so in its
opening comment, has SLOs, validates, and runs to a pinned fingerprint and SLO outcome.

The table is scenario_fingerprints.json: {file: {"fingerprint": ..., "slo_met": ...}}.
A change that alters results on purpose rewrites it with
    ARCHSIM_UPDATE_FINGERPRINTS=1 .venv/bin/python -m pytest tests/python/test_scenario_library.py
"""

from __future__ import annotations

import fcntl
import json
import os
import pathlib

import pytest

import archsim as sim

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TABLE = pathlib.Path(__file__).with_name("scenario_fingerprints.json")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_opens_with_what_it_teaches_and_has_slos(path):
    lines = path.read_text().splitlines()
    comment = []
    for line in lines:
        if not line.startswith("#"):
            break
        comment.append(line)
    assert len(comment) >= 3, f"{path.name}: start with a comment saying what it teaches and what to look at"
    assert any("Look at" in c or "look at" in c for c in comment), f"{path.name}: say which result to look at"
    model = sim.load(path)
    assert model.slos, f"{path.name}: has no slo"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_runs_to_its_pinned_fingerprint(path):
    model = sim.load(path)
    result = sim.run(model, **model.options, progress=False)
    got = {"fingerprint": result.fingerprint(), "slo_met": result.slos_met}
    if os.environ.get("ARCHSIM_UPDATE_FINGERPRINTS"):
        with open(TABLE, "a+") as f:  # tests may run in parallel processes
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            table = json.loads(f.read() or "{}")
            table[path.name] = got
            f.seek(0)
            f.truncate()
            f.write(json.dumps(table, indent=2, sort_keys=True) + "\n")
        return
    table = json.loads(TABLE.read_text())
    assert path.name in table, f"no entry for {path.name}; add it with ARCHSIM_UPDATE_FINGERPRINTS=1"
    assert got == table[path.name]

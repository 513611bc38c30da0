"""The libFuzzer harness of the scenario loader (tests/fuzz/scenario_loader_fuzzer.cpp, built
with Debian's clang++-14 by scripts/fuzz.sh) runs for a few seconds from the scenario library
and finds nothing: every input ends in a Model that runs or in a ScenarioError. Coverage of
the loader's Python lines reaches libFuzzer (its corpus grows). The long run is
``bash scripts/fuzz.sh``."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 10


def stat(name: str, log: str) -> int:
    found = re.search(rf"stat::{name}:\s+(\d+)", log)
    assert found, log[-4000:]
    return int(found.group(1))


def test_libfuzzer_over_the_scenario_loader_finds_nothing_in_a_bounded_run(tmp_path):
    out = subprocess.run(["bash", str(ROOT / "scripts" / "fuzz.sh"), str(SECONDS)], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "ARCHSIM_FUZZ_OUT": str(tmp_path)})
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-4000:]
    findings = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-", "leak-"))]
    assert not findings, log[-4000:]
    seeds = len(list((ROOT / "scenarios").glob("*.yaml")))
    assert re.search(rf"INFO:\s+{seeds} files found", log), log[-2000:]
    assert stat("number_of_executed_units", log) >= 100, log[-2000:]  # several hundred on a quiet machine
    # The harness's C++ has a handful of edges; new inputs are kept for new Python edges.
    assert stat("new_units_added", log) > 0, log[-2000:]
    assert len(list((tmp_path / "corpus").iterdir())) > seeds

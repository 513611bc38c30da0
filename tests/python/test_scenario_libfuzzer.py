"""The libFuzzer harness of the scenario loader (tests/fuzz/scenario_loader_fuzz.py, atheris)
runs for a few seconds from the scenario library and finds nothing: every input ends in a
Model that runs or in a ScenarioError. The long run is ``bash scripts/fuzz.sh``."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "tests" / "fuzz" / "scenario_loader_fuzz.py"
SECONDS = 10


def test_libfuzzer_over_the_scenario_loader_finds_nothing_in_a_bounded_run(tmp_path):
    pytest.importorskip("atheris")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for scenario in (ROOT / "scenarios").glob("*.yaml"):
        shutil.copy(scenario, corpus)
    out = subprocess.run([sys.executable, str(HARNESS), str(corpus), f"-max_total_time={SECONDS}", "-timeout=20",
                          "-rss_limit_mb=4096", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1"],
                         capture_output=True, text=True, timeout=300)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-4000:]
    assert not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("timeout-*")), log[-4000:]
    seeds = re.search(r"INFO:\s+(\d+) files found", log)
    assert seeds and int(seeds.group(1)) == len(list((ROOT / "scenarios").glob("*.yaml"))), log[-2000:]
    executed = int(re.search(r"stat::number_of_executed_units:\s+(\d+)", log).group(1))
    assert executed >= 200, log[-2000:]  # a few thousand on an idle machine
    assert int(re.search(r"stat::new_units_added:\s+(\d+)", log).group(1)) > 0  # coverage feedback works

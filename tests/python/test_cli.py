"""The archsim command: exit codes (0 ok, 1 SLO violated, 2 bad input), run's report and
outputs, validate, sweep, describe, and the generated scenario reference."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pandas as pd
import pytest

from archsim.cli import main
from archsim.reference import reference_markdown

ROOT = pathlib.Path(__file__).resolve().parents[2]

SMALL = """\
# a small model for the CLI tests
name: small
duration: 5s
warmup: 1s
seed: 2
components:
  db: {kind: service, workers: 4, service_time: {Exp: 2ms}}
  web: {kind: client, target: db, workload: {Open: {rate: 300}}}
slo:
  - {component: web, percentile: 99, threshold: 100ms}
  - {component: web, availability: 0.99}
"""


@pytest.fixture
def small(tmp_path):
    p = tmp_path / "small.yaml"
    p.write_text(SMALL)
    return p


def test_run_prints_the_report_and_slo_verdicts_and_exits_0(small, capsys):
    assert main(["run", str(small)]) == 0
    out = capsys.readouterr().out
    assert "model small  seed 2" in out
    assert "p99.9" in out and "avail" in out
    assert "2 of 2 SLOs met" in out and "web p99<=100ms" in out


def test_a_violated_slo_exits_1(small, capsys):
    assert main(["run", str(small), "--set", "slo[0].threshold=1ms"]) == 1
    out = capsys.readouterr().out
    assert "VIOLATED" in out and "1 violated" in out


def test_bad_input_exits_2_with_positions(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("workers: 4", "wrkers: 4"))
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:7:" in err and "did you mean 'workers'" in err
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
    with pytest.raises(SystemExit) as e:
        main(["run", str(bad), "--seed", "minus one"])
    assert e.value.code == 2


def test_replications_report_intervals_and_judge_slos_in_every_replication(small, tmp_path, capsys):
    j = tmp_path / "r.json"
    code = main(["run", str(small), "--set", "replications=3", "--set", "warmup=mser5", "--set", "duration=60s",
                 "--json", str(j)])
    out = capsys.readouterr().out
    assert code == 0
    assert "3 replications" in out and "+-" in out and "(mser5)" in out
    assert "met in 3 replications" in out
    data = json.loads(j.read_text())
    assert len(data["replications"]) == 3 and len({r["seed"] for r in data["replications"]}) == 3
    assert all(v["replications_met"] == 3 for v in data["slo"])
    assert main(["run", str(small), "--set", "replications=3", "--set", "slo[0].threshold=2ms", "-q"]) == 1


def test_seed_json_csv_and_quiet(small, tmp_path, capsys):
    j, c = tmp_path / "r.json", tmp_path / "r.csv"
    assert main(["run", str(small), "--seed", "5", "--json", str(j), "--csv", str(c), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    data = json.loads(j.read_text())
    assert data["seed"] == 5 and len(data["slo"]) == 2 and all(v["met"] for v in data["slo"])
    table = pd.read_csv(c)
    assert set(table.component) == {"db", "web"}
    main(["run", str(small), "--seed", "6", "--json", str(j), "-q"])
    assert json.loads(j.read_text())["fingerprint"] != data["fingerprint"]


def test_validate_checks_many_files(small, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("target: db", "target: dv"))
    assert main(["validate", str(small)]) == 0
    assert "ok (2 components, 2 SLOs)" in capsys.readouterr().out
    assert main(["validate", str(small), str(bad)]) == 2
    out = capsys.readouterr().out
    assert "did you mean 'db'" in out and "small.yaml: ok" in out


def test_validate_reports_the_architecture_checks(small, tmp_path, capsys):
    # The architecture graph (archsim.check) runs too: an orphan service is a warning, not an error.
    orphan = tmp_path / "orphan.yaml"
    orphan.write_text(SMALL.replace("components:\n", "components:\n  legacy: {kind: service, service_time: 1ms}\n"))
    assert main(["validate", str(orphan)]) == 0
    out = capsys.readouterr().out
    assert "warning: service 'legacy' is not reached from any client" in out and "orphan.yaml: ok" in out


def test_sweep_prints_a_table_over_the_grid_and_seeds(small, capsys, tmp_path):
    c = tmp_path / "sweep.csv"
    assert main(["sweep", str(small), "--param", "db.workers=1,4", "--seeds", "2", "--set", "duration=2s",
                 "--csv", str(c), "-q"]) == 0
    out = capsys.readouterr().out
    assert "db.workers" in out and "4 runs: 2 points x 2 seed(s)" in out
    rows = pd.read_csv(c)
    assert len(rows) == 4 and sorted(rows.seed.unique()) == [2, 3]
    # one worker at 300/s x 2ms is 60 % busy, four workers 15 %: the slower point has the higher p99
    p99 = rows.groupby("db.workers").p99_ms.mean()
    assert p99[1] > p99[4]


def test_sweep_on_a_process_pool_gives_the_serial_table(small, tmp_path):
    tables = []
    for workers in ("1", "2"):  # serially in this process, then on a pool of two processes
        c = tmp_path / f"sweep-{workers}.csv"
        assert main(["sweep", str(small), "--param", "db.workers=1,4", "--seeds", "2", "--set", "duration=2s",
                     "--workers", workers, "--csv", str(c), "-q"]) == 0
        tables.append(pd.read_csv(c))
    pd.testing.assert_frame_equal(tables[0], tables[1])


def test_sweep_reports_a_point_that_fails_to_run_as_bad_input(small, capsys):
    # workers=0 is refused by the loader before anything runs; every point is checked first
    assert main(["sweep", str(small), "--param", "db.workers=2,0", "-q"]) == 2
    assert "db.workers" in capsys.readouterr().err


def test_describe_lists_types_and_parameters(capsys):
    assert main(["describe"]) == 0
    out = capsys.readouterr().out
    assert "service" in out and "Retry" in out and "LogNormal" in out
    assert main(["describe", "service"]) == 0
    out = capsys.readouterr().out
    assert "queue_limit" in out and "workers per instance" in out
    assert main(["describe", "servise"]) == 2
    assert "did you mean 'service'" in capsys.readouterr().err


def test_docs_scenarios_md_is_generated_from_the_schema():
    page = ROOT / "docs" / "scenarios.md"
    assert page.read_text() == reference_markdown(), \
        "docs/scenarios.md is out of date: .venv/bin/archsim describe --markdown > docs/scenarios.md"


def test_the_console_script_is_installed_and_runs(small):
    exe = pathlib.Path(sys.executable).with_name("archsim")
    assert exe.exists(), "pip install -e . installs the archsim console script"
    r = subprocess.run([str(exe), "validate", str(small)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "ok" in r.stdout

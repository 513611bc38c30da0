"""Interruptions leave a usable partial result or a clear error, never a hung process or a
half-written output file."""

import importlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import archsim as sim
from archsim.atomic_file import atomic_write


def test_atomic_write_replaces_the_file_only_when_complete(tmp_path):
    out = tmp_path / "out.json"
    out.write_text("old")
    for interruption in (RuntimeError("disk full"), KeyboardInterrupt()):
        with pytest.raises(type(interruption)):
            with atomic_write(out) as f:
                f.write('{"half": ')
                raise interruption
        assert out.read_text() == "old"
        assert os.listdir(tmp_path) == ["out.json"]  # no temporary left behind
    with atomic_write(out) as f:
        json.dump({"whole": True}, f)
    assert json.loads(out.read_text()) == {"whole": True}
    assert os.listdir(tmp_path) == ["out.json"]


def test_atomic_write_keeps_the_usual_permissions_and_writes_bytes(tmp_path):
    out = tmp_path / "out.bin"
    with atomic_write(out, "wb") as f:
        f.write(b"\x00\x01")
    assert out.read_bytes() == b"\x00\x01"
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    with pytest.raises(ValueError, match="mode must be 'w' or 'wb'"):
        with atomic_write(out, "a"):
            pass


# -- an exception in a Python callback ---------------------------------------------------
def busy_model() -> sim.Model:
    m = sim.Model("busy")
    q = m.service("q", workers=4, service_time=sim.Exp("1ms"))
    m.client("web", target=q, workload=sim.Open(rate=3000))
    return m


def test_an_exception_in_the_progress_callback_ends_the_run_with_that_error(monkeypatch):
    """The engine calls back into Python (the progress callback, where Ctrl-C is noticed);
    an exception raised there comes out of sim.run as itself, and the process stays usable."""
    before = sim.run(busy_model(), duration=2, seed=1, progress=False).fingerprint()

    def boom(self, now, until, events):
        raise RuntimeError(f"callback failed at {events} events")

    monkeypatch.setattr(importlib.import_module("archsim.run")._ProgressBar, "__call__", boom)
    with pytest.raises(RuntimeError, match=r"callback failed at \d+ events"):
        sim.run(busy_model(), duration=2, seed=1, progress=False)
    monkeypatch.undo()
    assert sim.run(busy_model(), duration=2, seed=1, progress=False).fingerprint() == before


def web_p99_or_fail(res):
    if res.seed == 2:
        raise ValueError("collect failed on seed 2")
    return res.latency("web").percentile(99)


def test_an_exception_in_a_sweeps_collect_callback_fails_only_that_point():
    for executor in (None, "processes"):
        with pytest.warns(RuntimeWarning, match="1 of 3 points failed"):
            sw = sim.sweep(busy_model, seeds=[1, 2, 3], executor=executor, workers=2, collect=web_p99_or_fail,
                           progress=False, duration=1)
        assert "ValueError: collect failed on seed 2" in sw.errors.error.item()
        assert sorted(set(sw.to_pandas().seed)) == [1, 3]
        assert all(c > 0 for c in sw.collected if c is not None)


# -- running out of memory in one sweep point ---------------------------------------------
_OUT_OF_MEMORY_CHILD = """
import json, resource, warnings
import archsim as sim
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # 4 GiB of address space

def build(capacity):
    m = sim.Model("mem")
    db = m.service("db", service_time="1ms")
    cache = m.cache("cache", backend=db, capacity=capacity)  # 2^31 - 1 slots need ~100 GB
    m.client("web", target=cache, workload=sim.Open(rate=100))
    return m

out = {}
for executor in (None, "processes"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sw = sim.sweep(build, params={"capacity": [100, 2**31 - 1, 200]}, executor=executor, workers=2,
                       progress=False, duration=1)
    out[str(executor)] = {"points": len(sw), "errors": [e.splitlines()[0] for e in sw.errors.error],
                          "ok": sorted(int(c) for c in set(sw.to_pandas().capacity))}
print(json.dumps(out))
"""


def test_running_out_of_memory_in_one_sweep_point_fails_only_that_point():
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        pytest.skip("an address-space limit cannot coexist with AddressSanitizer's shadow memory")
    out = subprocess.run([sys.executable, "-c", _OUT_OF_MEMORY_CHILD], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout)
    for executor in ("None", "processes"):
        assert report[executor] == {"points": 3, "errors": ["MemoryError: std::bad_alloc"], "ok": [100, 200]}, report


# -- Ctrl-C ------------------------------------------------------------------------------
_SWEEP_CTRL_C_CHILD = """
import json, signal, time, warnings
signal.signal(signal.SIGINT, signal.default_int_handler)
import archsim as sim

def build(rate):
    m = sim.Model("long")
    q = m.service("q", workers=4, service_time=sim.Exp("1ms"))
    m.client("web", target=q, workload=sim.Open(rate=rate))
    return m

print("ready", flush=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    sw = sim.sweep(build, params={"rate": [1000 + i for i in range(200)]}, executor="processes", workers=2,
                   progress=False, duration=300)  # ~1M events a point: 200 points outlast the 8 s wait
print(json.dumps({"points": len(sw), "interrupted": sw.interrupted, "errors": len(sw.errors),
                  "warnings": [str(w.message) for w in caught]}), flush=True)
"""


def test_ctrl_c_during_a_process_pool_sweep_returns_the_points_done_and_exits():
    child = subprocess.Popen([sys.executable, "-c", _SWEEP_CTRL_C_CHILD], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(8)  # some points finish on an idle machine; under load perhaps none
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=120)  # no hung process
    finally:
        child.kill()
    report = json.loads(out)
    assert report["interrupted"] and report["points"] < 200, report
    assert any("interrupted" in w for w in report["warnings"]), report


_CLI_CTRL_C_CHILD = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
import archsim.scenario, archsim.run  # imported before "ready": Ctrl-C is meant for the run
from archsim.cli import main
print("ready", flush=True)
sys.exit(main(["run", sys.argv[1], "--quiet", "--json", sys.argv[2], "--csv", sys.argv[3]]))
"""


def test_ctrl_c_during_archsim_run_writes_whole_files_of_the_part_simulated(tmp_path):
    scenario = tmp_path / "long.yaml"
    scenario.write_text("name: long\nduration: 100h\nseed: 1\ncomponents:\n"
                        "  q: {kind: service, workers: 4, service_time: {Exp: 1ms}}\n"
                        "  web: {kind: client, target: q, workload: {Open: {rate: 3000}}}\n")
    json_out, csv_out = tmp_path / "out.json", tmp_path / "out.csv"
    child = subprocess.Popen([sys.executable, "-c", _CLI_CTRL_C_CHILD, scenario, json_out, csv_out],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(3)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=120)
    finally:
        child.kill()
    assert child.returncode == 0, err[-2000:]
    data = json.loads(json_out.read_text())
    assert data["stop_reason"] == "cancelled" and 0 < data["measured_seconds"] < 100 * 3600
    assert "web" in csv_out.read_text()
    assert sorted(os.listdir(tmp_path)) == ["long.yaml", "out.csv", "out.json"]  # no temporaries left

"""The resilience examples in examples/ run and show what their docstrings claim."""

import pathlib
import runpy
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def run_example(name: str, *args: str, capsys) -> str:
    argv = sys.argv
    sys.argv = [name, *args]
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    finally:
        sys.argv = argv
    return capsys.readouterr().out


def test_dependency_outage_example(capsys):
    out = run_example("dependency_outage.py", capsys=capsys).splitlines()
    assert out[0] == "without a circuit breaker:" and out[4] == "with a circuit breaker:"
    def p99_per_window(line: str) -> list[float]:
        return [float(v) for v in line.split(":", 1)[1].split()]

    # windows of 5 s from the warm-up (5 s); payments is slow from 20 s to 40 s: index 7 is 40-45 s
    without, with_breaker = p99_per_window(out[3]), p99_per_window(out[7])
    assert without[7] > 1000  # the backlog still holds latency at seconds
    assert with_breaker[7] <= 1.2 * max(with_breaker[:3])  # normal again with payments
    assert "recovered" in out[5]
    assert "refused by the breaker 0," in out[2] and "refused by the breaker 0," not in out[6]


def test_retry_storm_example(capsys):
    out = run_example("retry_storm.py", capsys=capsys).splitlines()
    assert out[0] == "retry budget None, jitter none: did not recover"
    assert out[3].startswith("retry budget 0.1, jitter full: recovered")


def test_zone_failure_example(capsys):
    packed, spread = run_example("zone_failure.py", capsys=capsys).splitlines()
    assert packed.endswith("during the failure 0.0000")
    during = float(spread.rsplit(" ", 1)[1])
    # a call fails only when all 3 round-robin attempts hit zone-a: far less than half
    assert during > 0.8


def test_random_crashes_example(capsys):
    out = run_example("random_crashes.py", "--hours", "20", capsys=capsys).splitlines()
    assert out[0].startswith("20 simulated hours")
    assert "formula 0.97671" in out[2]


def test_cache_stampede_single_flight_sends_fewer_reads_and_cuts_the_peak_latency(capsys):
    out = run_example("cache_stampede.py", capsys=capsys).splitlines()
    rows = {}
    for line in out[1:]:
        label, numbers = line[:32].strip(), line[32:].split()
        rows[label] = (int(numbers[0]), int(numbers[1]), float(numbers[2].rstrip("ms")))
    plain, flight = rows["no protection"], rows["single-flight"]
    assert plain[1] == 0 and flight[1] > 0
    assert flight[0] < plain[0] / 2       # far fewer database reads
    assert flight[2] < plain[2] / 2       # and a much lower peak p99
    assert rows["stale-while-revalidate 5s"][2] < flight[2]


def test_read_replicas_example_reads_stale_only_off_the_primary_and_loses_writes_at_failover(capsys):
    out = run_example("read_replicas.py", capsys=capsys).splitlines()
    rows = {line.split()[0]: line.split() for line in out[1:4]}
    assert rows["primary"][4] == "0.00%"  # every read at the primary sees the latest commit
    for policy in ("any", "nearest"):
        assert float(rows[policy][4].rstrip("%")) > 0  # replicas lag: some reads are stale
        assert float(rows[policy][3].rstrip("%")) < float(rows["primary"][3].rstrip("%"))  # the primary is offloaded
    lost = int(out[-1].split("after 2 s: ")[1].split()[0])
    assert lost > 0


def test_quorum_tuning_example_has_no_stale_reads_exactly_when_quorums_overlap(capsys):
    out = run_example("quorum_tuning.py", capsys=capsys).splitlines()
    for line in out[1:]:
        n, r, w, _, _, stale, _, avail = line.split()
        overlapping = int(r) + int(w) > int(n)
        assert (float(stale.rstrip("%")) == 0) == overlapping, line
        if int(w) == int(n):
            assert float(avail.rstrip("%")) < 100  # a write needs every replica: one down fails writes


def test_event_driven_example(capsys):
    ordered, competing = run_example("event_driven.py", capsys=capsys).splitlines()
    latency = [float(line.split("event latency ")[1].split(" ms")[0]) for line in (ordered, competing)]
    assert latency[0] > 1000 and latency[1] < 50  # head-of-line blocking behind redeliveries
    assert ordered.endswith("out of order 0") and not competing.endswith("out of order 0")
    assert "checkout 4.0 ms" in ordered and "checkout 4.0 ms" in competing  # publishing is asynchronous


def test_noisy_neighbour_example(capsys):
    alone, shared, rate, cap, fair = run_example("noisy_neighbour.py", capsys=capsys).splitlines()
    p99 = [float(line.split("quiet p99")[1].split("ms")[0]) for line in (alone, shared, rate, cap, fair)]
    assert p99[1] > 100 * p99[0]  # the burst wrecks the quiet tenant in a shared queue
    assert max(p99[2:]) < 1.2 * p99[0]  # either quota, or fair queueing, gives its p99 back
    assert "refused 0" in shared and "refused 0" not in rate and "refused 0" not in cap
    assert "refused 0" in fair  # fair queueing refuses nothing: the noisy tenant waits instead

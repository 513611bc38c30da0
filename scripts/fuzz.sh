#!/usr/bin/env bash
# Fuzzes the scenario loader with libFuzzer (atheris) for SECONDS (default 600),
# starting from the scenario library; findings are written to build/fuzz/.
# CI runs the same harness for a few seconds (tests/python/test_scenario_libfuzzer.py).
#   bash scripts/fuzz.sh [SECONDS] [extra libFuzzer flags]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
seconds="${1:-600}"
shift || true
out="$ROOT/build/fuzz"
mkdir -p "$out/corpus"
cp -n scenarios/*.yaml "$out/corpus/"  # the seed corpus; libFuzzer adds what it finds
exec .venv/bin/python tests/fuzz/scenario_loader_fuzz.py "$out/corpus" -max_total_time="$seconds" -timeout=20 \
  -rss_limit_mb=4096 -artifact_prefix="$out/" -print_final_stats=1 "$@"

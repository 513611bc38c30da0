#!/usr/bin/env bash
# Sets everything up, then runs every test: Catch2 through ctest, then pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"   # the venv's cmake and ninja
# The editable install's tree (scripts/setup.sh) also holds the Catch2 tests and the
# benchmarks: the libraries are compiled once for the module and the tests.
cmake --build build/editable
ctest --test-dir build/editable -j2 --output-on-failure --no-tests=error
# Two workers (pytest-xdist): the suite is CPU-bound and CI has two cores.
exec .venv/bin/python -m pytest -q -n 2 "$@"

#!/usr/bin/env bash
# Sets everything up, then runs every test: Catch2 through ctest, then pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"   # the venv's cmake and ninja
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev -j2
# Two workers (pytest-xdist): the suite is CPU-bound and CI has two cores.
exec .venv/bin/python -m pytest -q -n 2 "$@"

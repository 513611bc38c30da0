#!/usr/bin/env bash
# Sets everything up, then simulates the bundled example and prints its report.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
exec "$ROOT/.venv/bin/python" "$ROOT/examples/main_job.py" "$@"

#!/usr/bin/env bash
# Sets everything up, then simulates the commerce platform scenario and prints its report
# (exit code 1 if one of its SLOs is violated). Extra arguments go to `archsim run`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
exec "$ROOT/.venv/bin/archsim" run "$ROOT/scenarios/commerce.yaml" "$@"

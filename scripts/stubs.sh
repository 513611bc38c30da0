#!/usr/bin/env bash
# Regenerates the typing stubs of the compiled module, python/archsim/_core/*.pyi, with
# pybind11-stubgen. tests/python/test_python_runtime.py checks they are current.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
.venv/bin/python -m pybind11_stubgen archsim._core -o "$out"
rm -rf python/archsim/_core
cp -r "$out/archsim/_core" python/archsim/_core
ls python/archsim/_core

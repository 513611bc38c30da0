#!/usr/bin/env bash
# Runs the tests under AddressSanitizer + UndefinedBehaviorSanitizer (docs/hardening.md):
#   bash scripts/asan.sh          every Catch2 test, then the whole Python suite
#   bash scripts/asan.sh --ci     every Catch2 test, then the Python subset .ci/run runs
# Extra arguments go to pytest. One build directory (build/asan, the `asan` preset
# plus the Python module) serves both: the libraries are compiled once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
PY="$ROOT/.venv/bin/python"

# The Python tests run in CI under the sanitizers: the engine's public surface
# (every component, fault, distribution, cache and shard path), the loader and its
# fuzzers, numeric limits, interruption. Left out: the slow statistical validations
# (the same engine code, longer runs), notebooks, docs and plots (no new C++ paths).
CI_SUBSET=(
  tests/python/test_model_api.py tests/python/test_components.py tests/python/test_cache.py
  tests/python/test_faults.py tests/python/test_network_faults.py tests/python/test_distributions.py
  tests/python/test_histogram.py tests/python/test_trace.py tests/python/test_numeric_limits.py
  tests/python/test_scenario_loader.py tests/python/test_interruption.py tests/python/test_autoscale.py
)
tests=(tests/python)
if [ "${1:-}" = "--ci" ]; then
  tests=("${CI_SUBSET[@]}")
  shift
fi

started=$SECONDS
cmake --preset asan -DARCHSIM_BUILD_PYTHON=ON -DPython_EXECUTABLE="$PY" \
  -Dpybind11_DIR="$("$PY" -m pybind11 --cmakedir)" >/dev/null
cmake --build --preset asan --target archsim_tests _core
echo "asan: built in $((SECONDS - started)) s"
ctest --preset asan -j2
echo "asan: C++ tests done at $((SECONDS - started)) s"

# A package folder whose _core is the ASan build; sitecustomize.py keeps the
# editable install from taking `import archsim` back, in every subprocess too.
site="$ROOT/build/asan/site"
rm -rf "$site"
mkdir -p "$site/archsim"
for f in python/archsim/*; do
  [ "$(basename "$f")" = _core ] || ln -s "$ROOT/$f" "$site/archsim/"
done
cp build/asan/python/_core*.so "$site/archsim/"
cp scripts/asan/sitecustomize.py "$site/"

# libasan must be loaded before anything else: the interpreter itself is not
# instrumented; libstdc++ too, or ASan cannot find the real __cxa_throw (python is not
# linked against it) and aborts at the first C++ exception. CPython frees little at
# exit by design, so leak checking is off; a failed allocation throws std::bad_alloc
# (MemoryError) instead of aborting.
export PYTHONPATH="$site" LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libstdc++.so)"
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
"$PY" -c "import archsim._core as c, sys; sys.exit(0 if c.__file__.startswith('$site') else 'not the ASan build: ' + c.__file__)"
echo "asan: Python tests start at $((SECONDS - started)) s"
# Two workers (pytest-xdist), as in scripts/test.sh; pytest's summary is the last line.
exec "$PY" -m pytest -q -n 2 -p no:cacheprovider "${tests[@]}" "$@"

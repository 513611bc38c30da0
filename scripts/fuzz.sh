#!/usr/bin/env bash
# Fuzzes the scenario loader with libFuzzer for SECONDS (default 600), starting from
# the scenario library (docs/hardening.md). The harness, tests/fuzz/scenario_loader_fuzzer.cpp,
# is built here with Debian's clang++-14 when it is missing or older than its sources.
# Corpus and findings (crash-*, timeout-*, oom-*) go to $ARCHSIM_FUZZ_OUT (default build/fuzz).
# CI runs it for a few seconds (tests/python/test_scenario_libfuzzer.py).
#   bash scripts/fuzz.sh [SECONDS] [extra libFuzzer flags]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
seconds="${1:-600}"
shift || true
out="${ARCHSIM_FUZZ_OUT:-$ROOT/build/fuzz}"
harness="$ROOT/build/fuzz/scenario_loader_fuzzer"
source="tests/fuzz/scenario_loader_fuzzer.cpp"

if [ ! -x "$harness" ] || [ "$source" -nt "$harness" ] || [ scripts/fuzz.sh -nt "$harness" ]; then
  # The interpreter embedded is the .venv's: its headers, its libpython, its home.
  read -r include libdir ldversion home site < <(.venv/bin/python -c 'import sys, sysconfig as s
print(s.get_path("include"), s.get_config_var("LIBDIR"), s.get_config_var("LDVERSION"), sys.base_prefix,
      s.get_path("purelib"))')
  mkdir -p "$(dirname "$harness")"
  clang++-14 -std=c++20 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -isystem "$include" \
    -DARCHSIM_PYTHON_HOME="\"$home\"" -DARCHSIM_SITE_PACKAGES="\"$site\"" -DARCHSIM_FUZZ_DIR="\"$ROOT/tests/fuzz\"" \
    "$source" -L"$libdir" -lpython"$ldversion" -Wl,-rpath,"$libdir" -o "$harness"
  echo "fuzz: built $harness"
fi

mkdir -p "$out/corpus"
cp -n scenarios/*.yaml "$out/corpus/"  # the seed corpus; libFuzzer adds what it finds
# Python allocates with malloc, so that ASan sees its heap; CPython frees little at exit
# by design, so leak checking is off. A gcc ASan runtime preloaded by scripts/asan.sh
# (and its ASan build of _core) must not reach this clang-built process.
unset LD_PRELOAD PYTHONPATH
export PYTHONMALLOC=malloc ASAN_OPTIONS="detect_leaks=0" UBSAN_OPTIONS="print_stacktrace=1"
exec "$harness" "$out/corpus" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
  -artifact_prefix="$out/" -print_final_stats=1 "$@"

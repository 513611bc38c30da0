#!/usr/bin/env bash
# Installs what archsim needs and builds it: Debian -dev packages, a project
# .venv with the Python tools, and an editable install of archsim. Idempotent:
# a second call checks stamps and returns in a few seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(g++ ninja-build libboost-graph-dev libeigen3-dev catch2 libbenchmark-dev libfmt-dev libyaml-cpp-dev
  graphviz  # graphviz: `dot` renders architecture diagrams (archsim.plots, archsim.report)
  chromium  # chromium: the headless-browser test of the HTML report (Playwright drives it)
  # The libFuzzer harness of the scenario loader (scripts/fuzz.sh): clang, and libclang-rt
  # with the libFuzzer, ASan and UBSan runtimes; python3-dev for embedding a Debian Python.
  clang-14 libclang-rt-14-dev python3-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
VPY="$ROOT/.venv/bin/python"

# Python tools: reinstalled only when this script or pyproject.toml change.
stamp=".venv/.archsim-deps-$(cat scripts/setup.sh pyproject.toml | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python tools into .venv"
  "$VPY" -m pip install -q --upgrade pip
  "$VPY" -m pip install -q "scikit-build-core>=0.11" "pybind11>=3.0" "cmake>=3.25" ninja \
    "numpy>=1.24" "pandas>=2.0" "pyyaml>=6.0" "pytest>=8" "pytest-xdist>=3.5" scipy matplotlib \
    "jinja2>=3.1" "html5lib>=1.1" "playwright>=1.40"
  # Sweeps, tidy exports, notebooks and stubs: the extras dask, parquet, notebook, stubs.
  "$VPY" -m pip install -q "tqdm>=4.60" "pyarrow>=12" "dask[distributed]>=2023.1" "nbclient>=0.8" \
    "nbformat>=5.7" ipykernel ipywidgets "pybind11-stubgen>=2.5"
  # The API fuzzer (docs/hardening.md), and SimPy for the test of issue 3's side-by-side script.
  "$VPY" -m pip install -q "hypothesis>=6.100" "simpy>=4"
  # One build tree for the module, the Catch2 tests and the benchmarks (scripts/test.sh
  # builds and runs the tests there), with warnings as errors.
  "$VPY" -m pip install -q --no-build-isolation -Cbuild-dir=build/editable \
    -Ceditable.rebuild=true -Ceditable.verbose=false -Ccmake.define.ARCHSIM_BUILD_TESTS=ON \
    -Ccmake.define.ARCHSIM_BUILD_BENCH=ON -Ccmake.define.ARCHSIM_WERROR=ON -e .
  rm -f .venv/.archsim-deps-*
  touch "$stamp"
fi
# An editable install rebuilds the C++ module on import when sources changed.
"$VPY" -c "import archsim" >/dev/null

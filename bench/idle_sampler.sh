#!/usr/bin/env bash
# Measures on a machine that other people are using: runs each benchmark of a
# Google Benchmark binary alone, one repetition at a time, round-robin over the
# benchmarks, pinned to one CPU, and keeps a run only if every other CPU stayed
# (almost) idle while it ran. A busy neighbour CPU slows even L1-resident code
# by 10-40% on the virtual machines this was written for.
#
# usage: bench/idle_sampler.sh BINARY OUTDIR SAMPLES [FILTER] [CPU]
#   writes OUTDIR/<benchmark>.<k>.json (k = 1..SAMPLES); summarise with
#   bench/perf_report.py OUTDIR/*.json
# env: IDLE_MAX_PCT (default 5): the most the other CPUs may be busy, in %.
#      TOGETHER=R: run all benchmarks matching FILTER in one process instead,
#      R repetitions in random interleaved order, so that the variants being
#      compared share the same moment (a paired comparison); the unit of a
#      sample is then the whole FILTER (OUTDIR/<FILTER>.<k>.json).
set -euo pipefail
bin=$1 outdir=$2 samples=$3 filter=${4:-.} cpu=${5:-1}
max_pct=${IDLE_MAX_PCT:-5}
mkdir -p "$outdir"

# busy and total jiffies of every CPU except $cpu, from /proc/stat
others() {
  awk -v skip="cpu$cpu" '/^cpu[0-9]/ && $1 != skip {
    busy += $2 + $3 + $4 + $7 + $8 + $9; total += $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }
    END { print busy, total }' /proc/stat
}
busy_pct_during() {  # runs "$@", prints how busy the other CPUs were meanwhile
  local b0 t0 b1 t1
  read -r b0 t0 < <(others)
  "$@"
  read -r b1 t1 < <(others)
  echo $(( 100 * (b1 - b0) / (t1 - t0 > 0 ? t1 - t0 : 1) ))
}

together=${TOGETHER:-}
run_one() {  # benchmark(s) $1, JSON to $2; nice needs root, else it only warns
  local args=(--benchmark_filter="^$1\$")
  [[ -n $together ]] && args=(--benchmark_filter="$1" --benchmark_repetitions="$together"
                              --benchmark_enable_random_interleaving=true)
  nice -n -10 taskset -c "$cpu" "$bin" "${args[@]}" \
    --benchmark_out="$2" --benchmark_out_format=json >/dev/null 2>&1
}

if [[ -n $together ]]; then
  names=("$filter")
else
  mapfile -t names < <("$bin" --benchmark_list_tests --benchmark_filter="$filter")
fi
echo "$(date -Is) ${#names[@]} benchmarks x $samples samples on CPU $cpu"
for ((k = 1; k <= samples; ++k)); do
  for name in "${names[@]}"; do
    tag=${name//[^A-Za-z0-9_.-]/_}
    out="$outdir/$tag.$k.json"
    [[ -s $out ]] && continue  # resumable
    for ((try = 1; ; ++try)); do
      until (( $(busy_pct_during sleep 2) < max_pct )); do sleep 3; done
      pct=$(busy_pct_during run_one "$name" "$out.tmp")
      if (( pct < max_pct )); then mv "$out.tmp" "$out"; break; fi
      rm -f "$out.tmp"
    done
    echo "$(date +%T) sample $k $name (try $try)"
  done
done
echo "$(date -Is) done"

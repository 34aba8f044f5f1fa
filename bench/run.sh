#!/usr/bin/env bash
# make bench: runs every benchmark of korpus against its baseline and prints
# one table (bench/report.py); writes BUILD_DIR/bench/results.json. See
# docs/BENCHMARKS.md for the method.
#
#   bash bench/run.sh BUILD_DIR
#
# Environment: BENCH_E2E_FLAGS adds flags to korpus-bench-e2e (e.g.
# "--articles=500 --growth=250,1000" for a quicker run); BENCH_REPETITIONS
# (default 5) sets the Google Benchmark repetitions.
set -euo pipefail

build_dir=${1:-build}
out_dir="$build_dir/bench"
mkdir -p "$out_dir"
repetitions=${BENCH_REPETITIONS:-5}

# One core for the single-core NLP figures, if taskset exists (util-linux).
# Core 1, not 0, which takes more of the machine's interrupts.
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
  pin=(taskset -c 1)
fi

started=$(date +%s)
cut -d' ' -f1-3 /proc/loadavg > "$out_dir/loadavg_before.txt"
echo "load average before: $(cat "$out_dir/loadavg_before.txt")"

gbench=(--benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true
        --benchmark_out_format=json)
echo "== NLP stages (nlp_benchmark, one core)"
"${pin[@]}" "$build_dir/bench/nlp_benchmark" "${gbench[@]}" \
  --benchmark_out="$out_dir/nlp.json" >/dev/null
echo "== NER (ner_benchmark, one core)"
"${pin[@]}" "$build_dir/bench/ner_benchmark" "${gbench[@]}" \
  --benchmark_out="$out_dir/ner.json" >/dev/null
echo "== whole annotator (annotator_benchmark, one core)"
"${pin[@]}" "$build_dir/bench/annotator_benchmark" "${gbench[@]}" \
  --benchmark_out="$out_dir/annotator.json" >/dev/null

echo "== end to end, serving, memory, growth (korpus-bench-e2e)"
# shellcheck disable=SC2086
"$build_dir/bench/korpus-bench-e2e" --json_out="$out_dir/e2e.json" ${BENCH_E2E_FLAGS:-}

cut -d' ' -f1-3 /proc/loadavg > "$out_dir/loadavg_after.txt"
echo "$(( $(date +%s) - started ))" > "$out_dir/wall_time.txt"

/usr/bin/python3 bench/report.py "$out_dir"

#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (ASan + UBSan) into
# build-fuzz/ and runs each one.
#
#   scripts/fuzz.sh smoke      a short, deterministic run of each fuzzer over
#                              its corpus (fixed seed, fixed number of runs);
#                              part of `make test`
#   scripts/fuzz.sh long [S]   S seconds per fuzzer (default 300); `make fuzz`
#
# New inputs found by a long run are kept in build-fuzz/corpus/<name>; a
# crash leaves its input in build-fuzz/artifacts/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-smoke}
SECONDS_PER_FUZZER=${2:-300}
BUILD=build-fuzz
FUZZERS=(normalizer_fuzzer pipeline_fuzzer query_parser_fuzzer tokenizer_fuzzer quote_fuzzer)
declare -A CORPUS=([normalizer_fuzzer]=normalizer [pipeline_fuzzer]=pipeline [query_parser_fuzzer]=query
                   [tokenizer_fuzzer]=tokenizer [quote_fuzzer]=quotes)
# Smoke runs per fuzzer: the pipeline runs ~300 inputs/s under the sanitizers
# (the quote fuzzer analyses each input twice).
declare -A SMOKE_RUNS=([normalizer_fuzzer]=20000 [pipeline_fuzzer]=3000 [query_parser_fuzzer]=20000
                       [tokenizer_fuzzer]=20000 [quote_fuzzer]=2000)

cmake -S . -B "$BUILD" -G Ninja -DKORPUS_FUZZ=ON -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build "$BUILD" -j"${JOBS:-2}" --target "${FUZZERS[@]}"

mkdir -p "$BUILD/artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export KORPUS_MODEL_DIR="$PWD/models"
for fuzzer in "${FUZZERS[@]}"; do
  seeds="fuzz/corpus/${CORPUS[$fuzzer]}"
  if [ "$MODE" = smoke ]; then
    # A fresh directory takes the new inputs (libFuzzer writes into its
    # first corpus directory), so every smoke run starts from the committed
    # seeds alone and is repeatable.
    work="$scratch/$fuzzer"
    mkdir -p "$work"
    args=(-seed=1 -runs="${SMOKE_RUNS[$fuzzer]}" -max_len=4096)
  else
    work="$BUILD/corpus/${CORPUS[$fuzzer]}"
    mkdir -p "$work"
    args=(-max_total_time="$SECONDS_PER_FUZZER" -max_len=16384)
  fi
  echo "fuzz: $fuzzer (${args[*]})"
  # The fuzzer's exit status decides; its log goes to a file and grep shows
  # the summary lines. (Not a pipe: with pipefail, a failing fuzzer made
  # `| grep ... || true` run `true`, which reset PIPESTATUS to 0.)
  status=0
  "$BUILD/fuzz/$fuzzer" "${args[@]}" -artifact_prefix="$BUILD/artifacts/$fuzzer-" \
    -print_final_stats=1 "$work" "$seeds" >"$scratch/$fuzzer.log" 2>&1 || status=$?
  grep -aE "^(#[0-9]+.*DONE|stat::number_of_executed_units|INFO: seed corpus|==[0-9]+==ERROR|SUMMARY|.*invariant failed)" \
    "$scratch/$fuzzer.log" || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $fuzzer FAILED; the input is in $BUILD/artifacts/" >&2
    exit 1
  fi
done
echo "fuzz: all fuzzers ran clean ($MODE)"

#!/usr/bin/env bash
# Runs every libFuzzer target in build-fuzz/ for SECONDS seconds each (default 15),
# starting from the committed seed corpus fuzz/corpus/<target>/ (copied, so that
# what a run finds stays in build-fuzz/corpus/ and the committed seeds do not
# churn). A crash, leak, timeout or sanitizer report fails the run and leaves
# the input in build-fuzz/findings/; reproduce it with
#   build-fuzz/fuzz/<target> build-fuzz/findings/<file>
# and turn it into a regression test. At the end it prints each target's
# executions and the total.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# FUZZ_BUILD names another build tree with the targets (make test uses build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."

build="${FUZZ_BUILD:-build-fuzz}"
seconds="${1:-15}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(fuzz_data_file fuzz_triage fuzz_session fuzz_api fuzz_http)
fi

mkdir -p "$build/findings" "$build/logs"
total=0
status=0
for target in "${targets[@]}"; do
  binary="$build/fuzz/$target"
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  dict=()
  if [ -f "fuzz/$target.dict" ]; then dict=(-dict="fuzz/$target.dict"); fi
  log="$build/logs/$target.log"
  echo "fuzz: $target for ${seconds} s"
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$binary" "$corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
      >"$log" 2>&1; then
    echo "fuzz: $target FAILED; the last lines of $log:"
    tail -n 40 "$log"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  runs="${runs:-0}"
  echo "fuzz: $target ran $runs inputs"
  total=$((total + runs))
done
echo "fuzz: $total inputs in total across ${#targets[@]} targets"
exit "$status"

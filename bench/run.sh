#!/usr/bin/env bash
# Runs the benchmarks and prints one markdown table, also written to
# $BUILD_DIR/bench/report.md:
#   - protocol_bench (Google Benchmark): load + validate data/, protocol -> JSON;
#   - `hipcoach serve --threads 1`, then hello_server (the smallest Beast
#     server, one thread) answering "hello" and then the protocol's bytes,
#     each in turn under `wrk -t2 -c64 -d10s --latency` on 127.0.0.1;
#   - the time from starting `hipcoach serve` to its first answered request,
#     and its idle resident memory (VmRSS).
# Usage: bench/run.sh            (from the repository root, after `make build`)
# Env:   BUILD_DIR (default build), WRK_DURATION (default 10s).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
WRK_DURATION=${WRK_DURATION:-10s}
OUT_DIR="$BUILD_DIR/bench"
mkdir -p "$OUT_DIR"
WORK=$(mktemp -d)
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is not installed" >&2; exit 1; }
done
for binary in "$BUILD_DIR/bench/protocol_bench" "$BUILD_DIR/bench/hello_server" "$BUILD_DIR/hipcoach"; do
  [[ -x "$binary" ]] || { echo "bench/run.sh: $binary is missing; run make build first" >&2; exit 1; }
done

now_ns() { date +%s%N; }

# Waits for "... listening on http://HOST:PORT/" in file $1 and prints PORT.
wait_for_port() {
  local file=$1 line
  for _ in $(seq 1 500); do
    line=$(grep -o 'listening on http://[^ ]*' "$file" 2>/dev/null || true)
    if [[ -n "$line" ]]; then
      echo "$line" | sed -E 's|.*:([0-9]+)/$|\1|'
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.002
  done
  echo "bench/run.sh: the server did not start; its output:" >&2
  cat "$file" >&2
  return 1
}

stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Runs wrk against URL $1 (extra wrk arguments after it) and prints
# "REQUESTS_PER_SECOND P99_MILLISECONDS".
run_wrk() {
  local url=$1
  shift
  wrk -t2 -c64 -d"$WRK_DURATION" --latency "$@" "$url" > "$WORK/wrk.txt"
  python3 - "$WORK/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors:
    sys.exit(f"bench/run.sh: wrk saw {errors.group(1)} error responses")
print(f"{rps:.0f} {p99_ms:.3f}")
PY
}

echo "== protocol_bench" >&2
"$BUILD_DIR/bench/protocol_bench" --benchmark_out="$WORK/protocol.json" \
  --benchmark_out_format=json >&2
RESULT=$(python3 - "$WORK/protocol.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def us(name):
    b = runs[name]
    scale = {"ns": 0.001, "us": 1.0, "ms": 1000.0, "s": 1e6}[b["time_unit"]]
    return b["real_time"] * scale
print(f"{us('BM_LoadProtocol'):.1f} {us('BM_ProtocolToJson'):.1f} "
      f"{us('BM_EvaluateTriage'):.3f} {us('BM_TriageRequest'):.1f}")
PY
)
read -r LOAD_US TO_JSON_US TRIAGE_US TRIAGE_REQUEST_US <<< "$RESULT"

echo "== hipcoach serve --threads 1" >&2
START_NS=$(now_ns)
"$BUILD_DIR/hipcoach" serve --listen 127.0.0.1:0 --threads 1 --data data --web web \
  > "$WORK/hipcoach.out" 2> "$WORK/hipcoach.log" &
SERVER_PID=$!
PORT=$(wait_for_port "$WORK/hipcoach.out")
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.002; done
FIRST_ANSWER_MS=$(( ($(now_ns) - START_NS) / 1000000 ))
sleep 1
IDLE_RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
curl -fsS -o "$WORK/protocol.body" "http://127.0.0.1:$PORT/api/v1/protocol"
PROTOCOL_BYTES=$(wc -c < "$WORK/protocol.body")
GZIP_BYTES=$(curl -fsS -H "Accept-Encoding: gzip" "http://127.0.0.1:$PORT/api/v1/protocol" | wc -c)
RESULT=$(run_wrk "http://127.0.0.1:$PORT/healthz")
read -r HEALTH_RPS HEALTH_P99 <<< "$RESULT"
RESULT=$(run_wrk "http://127.0.0.1:$PORT/api/v1/protocol")
read -r PROTOCOL_RPS PROTOCOL_P99 <<< "$RESULT"
RESULT=$(run_wrk "http://127.0.0.1:$PORT/api/v1/protocol" -H "Accept-Encoding: gzip")
read -r GZIP_RPS GZIP_P99 <<< "$RESULT"
RESULT=$(run_wrk "http://127.0.0.1:$PORT/api/v1/triage" -s bench/triage_post.lua)
read -r TRIAGE_RPS TRIAGE_P99 <<< "$RESULT"
LOADED_RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
stop_server

echo "== hello_server (baseline: \"hello\")" >&2
"$BUILD_DIR/bench/hello_server" 0 > "$WORK/hello.out" 2>&1 &
SERVER_PID=$!
HELLO_PORT=$(wait_for_port "$WORK/hello.out")
RESULT=$(run_wrk "http://127.0.0.1:$HELLO_PORT/")
read -r HELLO_RPS HELLO_P99 <<< "$RESULT"
stop_server

echo "== hello_server (baseline: the protocol's bytes)" >&2
"$BUILD_DIR/bench/hello_server" 0 "$WORK/protocol.body" > "$WORK/hello.out" 2>&1 &
SERVER_PID=$!
HELLO_PORT=$(wait_for_port "$WORK/hello.out")
RESULT=$(run_wrk "http://127.0.0.1:$HELLO_PORT/")
read -r SAME_RPS SAME_P99 <<< "$RESULT"
stop_server

python3 - "$OUT_DIR/report.md" <<PY
import sys
hello_rps, hello_p99 = $HELLO_RPS, $HELLO_P99
same_rps, same_p99 = $SAME_RPS, $SAME_P99
def row(figure, value, target, ratio, met=None):
    return (figure, value, target, ratio, met)
rows = [
    row("hello_server rps, 5 B body (baseline)", f"{hello_rps:,.0f}", "-", "1.00"),
    row("hello_server p99, 5 B body", f"{hello_p99:.2f} ms", "-", "1.00"),
    row("hello_server rps, the protocol's $PROTOCOL_BYTES B", f"{same_rps:,.0f}", "-",
        f"{same_rps / hello_rps:.2f}"),
    row("hello_server p99, the protocol's bytes", f"{same_p99:.2f} ms", "-",
        f"{same_p99 / hello_p99:.2f}"),
    row("GET /healthz rps (15 B)", f"{$HEALTH_RPS:,.0f}", "-", f"{$HEALTH_RPS / hello_rps:.2f}"),
    row("GET /healthz p99", f"{$HEALTH_P99:.2f} ms", "-", f"{$HEALTH_P99 / hello_p99:.2f}"),
    row("GET /api/v1/protocol rps ($PROTOCOL_BYTES B)", f"{$PROTOCOL_RPS:,.0f}",
        ">= 70% of hello", f"{$PROTOCOL_RPS / hello_rps:.2f} ({$PROTOCOL_RPS / same_rps:.2f} of same-bytes hello)",
        $PROTOCOL_RPS >= 0.7 * hello_rps),
    row("GET /api/v1/protocol p99", f"{$PROTOCOL_P99:.2f} ms", "< 5 ms",
        f"{$PROTOCOL_P99 / hello_p99:.2f}", $PROTOCOL_P99 < 5),
    row("GET /api/v1/protocol rps, gzip ($GZIP_BYTES B)", f"{$GZIP_RPS:,.0f}",
        ">= 70% of hello", f"{$GZIP_RPS / hello_rps:.2f}", $GZIP_RPS >= 0.7 * hello_rps),
    row("GET /api/v1/protocol p99, gzip", f"{$GZIP_P99:.2f} ms", "< 5 ms",
        f"{$GZIP_P99 / hello_p99:.2f}", $GZIP_P99 < 5),
    row("load + validate data/ (BM_LoadProtocol)", f"{$LOAD_US / 1000:.2f} ms", "< 5 ms", "-",
        $LOAD_US < 5000),
    row("protocol to JSON (BM_ProtocolToJson)", f"{$TO_JSON_US / 1000:.3f} ms", "-", "-"),
    row("triage evaluation (BM_EvaluateTriage)", f"{$TRIAGE_US:.3f} us", "< 10 us", "-",
        $TRIAGE_US < 10),
    row("triage parse + evaluate + JSON (BM_TriageRequest)", f"{$TRIAGE_REQUEST_US:.1f} us",
        "-", "-"),
    row("POST /api/v1/triage rps", f"{$TRIAGE_RPS:,.0f}", ">= 50% of hello",
        f"{$TRIAGE_RPS / hello_rps:.2f}", $TRIAGE_RPS >= 0.5 * hello_rps),
    row("POST /api/v1/triage p99", f"{$TRIAGE_P99:.2f} ms", "-",
        f"{$TRIAGE_P99 / hello_p99:.2f}"),
    row("start to first answered request", "$FIRST_ANSWER_MS ms", "< 200 ms", "-",
        $FIRST_ANSWER_MS < 200),
    row("idle resident memory (VmRSS)", f"{$IDLE_RSS_KB / 1024:.1f} MB", "< 30 MB", "-",
        $IDLE_RSS_KB < 30 * 1024),
    row("resident memory after the wrk runs", f"{$LOADED_RSS_KB / 1024:.1f} MB", "-", "-"),
]
lines = ["| Figure | Value | Target | Ratio to baseline | Met |",
         "|---|---|---|---|---|"]
for figure, value, target, ratio, met in rows:
    mark = "-" if met is None else ("yes" if met else "**no**")
    lines.append(f"| {figure} | {value} | {target} | {ratio} | {mark} |")
report = "\n".join(lines) + "\n"
open(sys.argv[1], "w").write(report)
print(report, end="")
PY
echo "(written to $OUT_DIR/report.md)" >&2

#!/usr/bin/env bash
# Runs the benchmarks and prints one markdown table, also written to
# $BUILD_DIR/bench/report.md:
#   - protocol_bench (Google Benchmark): load + validate data/, protocol -> JSON,
#     the guided-session plan; appointment_queue_bench: the staff queue of 10,000;
#   - `hipcoach serve --threads 1`, then hello_server (the smallest Beast
#     server, one thread) answering "hello" and then the protocol's bytes,
#     each in turn under `wrk -t2 -c64 -d10s --latency` on 127.0.0.1;
#   - the time from starting `hipcoach serve` to its first answered request,
#     and its idle resident memory (VmRSS);
#   - the diary, in the same run and with the same wrk settings: the
#     authenticated GET of the last 30 entries and POST of an entry, against
#     HipCoach (`serve --threads $DIARY_THREADS --db sqlite:...`, one network
#     thread per core by default, as `make run` starts it) and against bench/peer/
#     (Node.js `http` + better-sqlite3, WAL, synchronous=FULL), each seeded
#     with one account and 300 entries; then HipCoach's reads again while a
#     second wrk signs in (POST /api/v1/sessions) at full rate; the resident
#     memory (VmRSS sampled under load, VmHWM) of hello_server, the peer and
#     HipCoach. The peer is installed here (npm ci in bench/peer) when
#     missing, never by `make test`.
# Usage: bench/run.sh            (from the repository root, after `make build`)
# Env:   BUILD_DIR (default build), WRK_DURATION (default 10s), DIARY_THREADS (default nproc),
#        SIGNIN_CONNECTIONS (default 4: the sign-in wrk's connections).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
WRK_DURATION=${WRK_DURATION:-10s}
SIGNIN_CONNECTIONS=${SIGNIN_CONNECTIONS:-4}
OUT_DIR="$BUILD_DIR/bench"
mkdir -p "$OUT_DIR"
WORK=$(mktemp -d)
SERVER_PID=""
RSS_PID=""
SIGNIN_PID=""

cleanup() {
  local pid
  for pid in "$RSS_PID" "$SIGNIN_PID" "$SERVER_PID"; do
    [[ -n "$pid" ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk curl python3 node npm; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is not installed" >&2; exit 1; }
done
for binary in "$BUILD_DIR/bench/protocol_bench" "$BUILD_DIR/bench/appointment_queue_bench" \
  "$BUILD_DIR/bench/hello_server" "$BUILD_DIR/hipcoach"; do
  [[ -x "$binary" ]] || { echo "bench/run.sh: $binary is missing; run make build first" >&2; exit 1; }
done

# The peer of the diary figures: installed from bench/peer/package-lock.json
# when missing or older than the lock. better-sqlite3 first tries to download
# a prebuilt binary from GitHub and, when it cannot, compiles SQLite from
# source with the machine's Node.js headers (a minute or two on 2 cores).
if [[ ! -d bench/peer/node_modules/better-sqlite3 ||
      bench/peer/package-lock.json -nt bench/peer/node_modules/.package-lock.json ]]; then
  echo "== npm ci in bench/peer (the diary benchmark's Node.js peer)" >&2
  (cd bench/peer && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

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

# Resident memory of $SERVER_PID: rss_start samples VmRSS every 0.2 s into
# $WORK/rss.txt until rss_stop, which sets RSS_KB (the largest sample) and
# HWM_KB (VmHWM, the peak over the server's life).
rss_start() {
  : > "$WORK/rss.txt"
  (
    while kill -0 "$SERVER_PID" 2>/dev/null; do
      awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" >> "$WORK/rss.txt" 2>/dev/null || true
      sleep 0.2
    done
  ) &
  RSS_PID=$!
}
rss_stop() {
  kill -TERM "$RSS_PID" 2>/dev/null || true
  wait "$RSS_PID" 2>/dev/null || true
  RSS_PID=""
  RSS_KB=$(sort -n "$WORK/rss.txt" | tail -1)
  HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
}

# Adds COUNT ($3) diary entries through POST /api/v1/diary of the server at
# BASE URL $1 with token $2, one an hour going back from now (the last 30
# entries are then a real page of a longer diary), over one keep-alive
# connection.
seed_diary() {
  python3 - "$@" <<'PY'
import datetime, http.client, json, sys, urllib.parse
base, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
url = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
offset = datetime.timezone(datetime.timedelta(hours=-6))
now = datetime.datetime.now(offset).replace(microsecond=0)
for i in range(count):
    at = now - datetime.timedelta(hours=count - i)
    entry = {"pain": (i * 7) % 11, "context": ["rest", "activity"][i % 2],
             "side": ["left", "right", "both"][i % 3], "region": "outer_hip",
             "at": at.isoformat()}
    if i % 4 == 0:
        entry["note"] = "after the walk"
    conn.request("POST", "/api/v1/diary", json.dumps(entry),
                 {"Content-Type": "application/json", "Authorization": "Bearer " + token})
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 201:
        sys.exit(f"bench/run.sh: seeding {base}: {answer.status} {body[:200]!r}")
PY
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
      f"{us('BM_EvaluateTriage'):.3f} {us('BM_TriageRequest'):.1f} "
      f"{us('BM_BuildSessionPlan'):.1f}")
PY
)
read -r LOAD_US TO_JSON_US TRIAGE_US TRIAGE_REQUEST_US SESSION_PLAN_US <<< "$RESULT"

echo "== appointment_queue_bench" >&2
"$BUILD_DIR/bench/appointment_queue_bench" --benchmark_out="$WORK/queue.json" \
  --benchmark_out_format=json >&2
QUEUE_MS=$(python3 - "$WORK/queue.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
b = runs["BM_AppointmentQueueGetRequest"]
scale = {"ns": 1e-6, "us": 0.001, "ms": 1.0, "s": 1000.0}[b["time_unit"]]
print(f"{b['real_time'] * scale:.1f}")
PY
)

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
rss_start
RESULT=$(run_wrk "http://127.0.0.1:$HELLO_PORT/")
read -r HELLO_RPS HELLO_P99 <<< "$RESULT"
rss_stop
HELLO_RSS_KB=$RSS_KB
HELLO_HWM_KB=$HWM_KB
stop_server

echo "== hello_server (baseline: the protocol's bytes)" >&2
"$BUILD_DIR/bench/hello_server" 0 "$WORK/protocol.body" > "$WORK/hello.out" 2>&1 &
SERVER_PID=$!
HELLO_PORT=$(wait_for_port "$WORK/hello.out")
RESULT=$(run_wrk "http://127.0.0.1:$HELLO_PORT/")
read -r SAME_RPS SAME_P99 <<< "$RESULT"
stop_server

# The diary: the peer, then HipCoach, one at a time, with the same wrk
# settings as above; each seeded with one account and 300 entries. Results go
# to $WORK/diary.txt as "KEY VALUE" lines for the report.
DIARY="$WORK/diary.txt"
: > "$DIARY"
diary_put() { echo "$1 $2" >> "$DIARY"; }
diary_put hello_rps "$HELLO_RPS"
diary_put hello_rss_kb "$HELLO_RSS_KB"
diary_put hello_hwm_kb "$HELLO_HWM_KB"

echo "== diary: the Node.js peer (bench/peer, better-sqlite3, synchronous=FULL)" >&2
PEER_TOKEN=$(node bench/peer/server.mjs --db "$WORK/peer.sqlite" --seed)
node bench/peer/server.mjs --db "$WORK/peer.sqlite" --listen 127.0.0.1:0 \
  > "$WORK/peer.out" 2> "$WORK/peer.log" &
SERVER_PID=$!
PEER_PORT=$(wait_for_port "$WORK/peer.out")
seed_diary "http://127.0.0.1:$PEER_PORT" "$PEER_TOKEN" 300
rss_start
RESULT=$(BENCH_TOKEN=$PEER_TOKEN run_wrk "http://127.0.0.1:$PEER_PORT" -s bench/diary_get.lua)
read -r RPS P99 <<< "$RESULT"; diary_put peer_get_rps "$RPS"; diary_put peer_get_p99 "$P99"
RESULT=$(BENCH_TOKEN=$PEER_TOKEN run_wrk "http://127.0.0.1:$PEER_PORT" -s bench/diary_post.lua)
read -r RPS P99 <<< "$RESULT"; diary_put peer_post_rps "$RPS"; diary_put peer_post_p99 "$P99"
rss_stop; diary_put peer_rss_kb "$RSS_KB"; diary_put peer_hwm_kb "$HWM_KB"
stop_server

DIARY_THREADS=${DIARY_THREADS:-$(nproc)}
if "$BUILD_DIR/hipcoach" serve --help 2>/dev/null | grep -q -- '--db'; then
  # HipCoach as `make run` starts it: one network thread per core (2 here).
  echo "== diary: hipcoach serve --threads $DIARY_THREADS --db sqlite:..." >&2
  "$BUILD_DIR/hipcoach" serve --listen 127.0.0.1:0 --threads "$DIARY_THREADS" --data data --web web \
    --db "sqlite:$WORK/bench.sqlite" > "$WORK/hipcoach-diary.out" 2> "$WORK/hipcoach-diary.log" &
  SERVER_PID=$!
  PORT=$(wait_for_port "$WORK/hipcoach-diary.out")
  BENCH_EMAIL=bench@example.com
  BENCH_PASSWORD=bench-password-123
  TOKEN=$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\": \"$BENCH_EMAIL\", \"password\": \"$BENCH_PASSWORD\"}" \
    "http://127.0.0.1:$PORT/api/v1/accounts" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  seed_diary "http://127.0.0.1:$PORT" "$TOKEN" 300
  rss_start
  RESULT=$(BENCH_TOKEN=$TOKEN run_wrk "http://127.0.0.1:$PORT" -s bench/diary_get.lua)
  read -r RPS P99 <<< "$RESULT"; diary_put hip_get_rps "$RPS"; diary_put hip_get_p99 "$P99"
  RESULT=$(BENCH_TOKEN=$TOKEN run_wrk "http://127.0.0.1:$PORT" -s bench/diary_post.lua)
  read -r RPS P99 <<< "$RESULT"; diary_put hip_post_rps "$RPS"; diary_put hip_post_p99 "$P99"
  rss_stop; diary_put hip_rss_kb "$RSS_KB"; diary_put hip_hwm_kb "$HWM_KB"

  echo "== diary: hipcoach reads while sign-ins run at full rate" >&2
  rss_start
  BENCH_EMAIL=$BENCH_EMAIL BENCH_PASSWORD=$BENCH_PASSWORD \
    wrk -t1 -c"$SIGNIN_CONNECTIONS" -d"$WRK_DURATION" --latency -s bench/signin_post.lua \
    "http://127.0.0.1:$PORT" > "$WORK/signin.txt" &
  SIGNIN_PID=$!
  RESULT=$(BENCH_TOKEN=$TOKEN run_wrk "http://127.0.0.1:$PORT" -s bench/diary_get.lua)
  read -r RPS P99 <<< "$RESULT"; diary_put hip_mixed_rps "$RPS"; diary_put hip_mixed_p99 "$P99"
  wait "$SIGNIN_PID"
  SIGNIN_PID=""
  rss_stop; diary_put hip_mixed_rss_kb "$RSS_KB"; diary_put hip_mixed_hwm_kb "$HWM_KB"
  python3 - "$WORK/signin.txt" >> "$DIARY" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
print("signin_rps", re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
print("signin_p99", float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit])
statuses = re.search(r"signin statuses: (.*)", text)
print("signin_statuses", statuses.group(1).replace(" ", ",") if statuses else "?")
PY
  stop_server
else
  echo "bench/run.sh: hipcoach serve has no --db yet: its diary figures are left out" >&2
fi

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
    row("guided-session plan, every group, both sides (BM_BuildSessionPlan)",
        f"{$SESSION_PLAN_US:.1f} us", "< 50 us", "-", $SESSION_PLAN_US < 50),
    row("staff queue of 10,000 open requests, GET through the router",
        f"{$QUEUE_MS:.1f} ms", "< 50 ms", "-", $QUEUE_MS < 50),
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

# The diary table, after the first one in the same report.
python3 - "$DIARY" "$OUT_DIR/report.md" "$WRK_DURATION" "$SIGNIN_CONNECTIONS" <<'PY'
import sys
d = {}
for line in open(sys.argv[1]):
    key, value = line.split(None, 1)
    value = value.strip()
    try:
        d[key] = float(value)
    except ValueError:
        d[key] = value
hello, have_hip = d["hello_rps"], "hip_get_rps" in d
def mb(kb):
    return f"{kb / 1024:.1f} MB"
def ratio(a, b):
    return f"{a / b:.2f}" if b else "-"
rows = [
    ("hello_server rps, 5 B body (baseline)", f"{hello:,.0f}", "-", "1.00", "-", None),
    ("hello_server resident memory under load (VmRSS max / VmHWM)",
     f"{mb(d['hello_rss_kb'])} / {mb(d['hello_hwm_kb'])}", "-", "-", "-", None),
    ("peer GET /api/v1/diary?limit=30 rps", f"{d['peer_get_rps']:,.0f}", "-",
     ratio(d["peer_get_rps"], hello), "1.00", None),
    ("peer GET diary p99", f"{d['peer_get_p99']:.2f} ms", "-", "-", "-", None),
    ("peer POST /api/v1/diary rps (synchronous=FULL)", f"{d['peer_post_rps']:,.0f}", "-",
     ratio(d["peer_post_rps"], hello), "1.00", None),
    ("peer POST diary p99", f"{d['peer_post_p99']:.2f} ms", "-", "-", "-", None),
    ("peer resident memory under load (VmRSS max / VmHWM)",
     f"{mb(d['peer_rss_kb'])} / {mb(d['peer_hwm_kb'])}", "-", "-", "1.00", None),
]
if have_hip:
    g, p = d["hip_get_rps"], d["hip_post_rps"]
    rows += [
        ("HipCoach GET /api/v1/diary?limit=30 rps", f"{g:,.0f}",
         ">= 40% of hello and >= 3x peer", ratio(g, hello), ratio(g, d["peer_get_rps"]),
         g >= 0.4 * hello and g >= 3 * d["peer_get_rps"]),
        ("HipCoach GET diary p99", f"{d['hip_get_p99']:.2f} ms", "-",
         "-", ratio(d["hip_get_p99"], d["peer_get_p99"]), None),
        ("HipCoach POST /api/v1/diary rps (durable)", f"{p:,.0f}", ">= 3x peer",
         ratio(p, hello), ratio(p, d["peer_post_rps"]), p >= 3 * d["peer_post_rps"]),
        ("HipCoach POST diary p99", f"{d['hip_post_p99']:.2f} ms", "-",
         "-", ratio(d["hip_post_p99"], d["peer_post_p99"]), None),
        ("HipCoach resident memory under load (VmRSS max / VmHWM)",
         f"{mb(d['hip_rss_kb'])} / {mb(d['hip_hwm_kb'])}", "<= 1/3 of peer",
         "-", ratio(d["hip_rss_kb"], d["peer_rss_kb"]),
         d["hip_rss_kb"] * 3 <= d["peer_rss_kb"]),
        (f"HipCoach GET diary p99 while sign-ins run ({sys.argv[4]} connections)",
         f"{d['hip_mixed_p99']:.2f} ms", "< 20 ms", "-", "-", d["hip_mixed_p99"] < 20),
        ("HipCoach GET diary rps while sign-ins run", f"{d['hip_mixed_rps']:,.0f}", "-",
         ratio(d["hip_mixed_rps"], hello), ratio(d["hip_mixed_rps"], d["peer_get_rps"]), None),
        ("HipCoach sign-ins/s meanwhile (statuses)",
         f"{d['signin_rps']:,.1f} ({d['signin_statuses']}), p99 {d['signin_p99']:.0f} ms",
         "-", "-", "-", None),
        ("HipCoach resident memory with sign-ins (VmRSS max / VmHWM)",
         f"{mb(d['hip_mixed_rss_kb'])} / {mb(d['hip_mixed_hwm_kb'])}", "-", "-",
         ratio(d["hip_mixed_rss_kb"], d["peer_rss_kb"]), None),
    ]
else:
    rows.append(("HipCoach diary", "not measured: `hipcoach serve` has no `--db` yet",
                 "-", "-", "-", None))
lines = ["", f"Diary (wrk -t2 -c64 -d{sys.argv[3]}, one server at a time; each seeded with one "
         "account and 300 entries; memory: the largest VmRSS sampled every 0.2 s during the "
         "GET and POST runs, compared; VmHWM, the process's peak, also counts seeding "
         "and sign-up):", "",
         "| Figure | Value | Target | Ratio to hello | Ratio to peer | Met |",
         "|---|---|---|---|---|---|"]
for figure, value, target, to_hello, to_peer, met in rows:
    mark = "-" if met is None else ("yes" if met else "**no**")
    lines.append(f"| {figure} | {value} | {target} | {to_hello} | {to_peer} | {mark} |")
report = "\n".join(lines) + "\n"
open(sys.argv[2], "a").write(report)
print(report, end="")
PY
echo "(written to $OUT_DIR/report.md)" >&2

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
#     missing, never by `make test`;
#   - 1,000 concurrent keep-alive connections (`wrk -t$MANY_THREADS -c1000`)
#     against hello_server, the peer's diary GET and HipCoach's: requests/s,
#     p99, wrk's socket errors (connect, read, write, timeout: an answer that
#     took over wrk's 2 s), the connections the server accepted (its socket
#     descriptors), how soon, and how long its accept queue grew, and a newcomer's wait:
#     the longest a fresh connection (a curl every 0.25 s) waited for an answer;
#   - slow clients: bench/slow_clients.py holds $SLOW_CLIENTS connections
#     that send a request one byte a second while wrk -c64 reads the diary;
#     the p99 is compared with a run just before without them. HipCoach
#     gives one request 30 s to arrive, so it cuts them after 30 s: the full
#     run waits for that and reports when they were cut.
# Usage: bench/run.sh                 (from the repository root, after `make build`;
#                                      `make bench` builds and runs it; about 4 min)
#        BENCH_QUICK=1 bench/run.sh   (to try it: 3 s per wrk run, short Google Benchmark
#                                      runs, slow clients not waited on; about 1 min)
# Env:   BUILD_DIR (default build), WRK_DURATION (default 10s, 3s when quick),
#        DIARY_THREADS (default nproc), SIGNIN_CONNECTIONS (default 4: the sign-in wrk's
#        connections), MANY_CONNECTIONS (default 1000), MANY_THREADS (wrk's threads for them,
#        default nproc), SLOW_CLIENTS (default 200).
# Needs wrk, curl, python3, node and npm (`make deps` installs them) and a file descriptor
# limit above MANY_CONNECTIONS + SLOW_CLIENTS (the soft limit is raised here when needed).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BENCH_QUICK=${BENCH_QUICK:-0}
GBENCH_ARGS=()
if [[ "$BENCH_QUICK" == 1 ]]; then
  WRK_DURATION=${WRK_DURATION:-3s}
  GBENCH_ARGS=(--benchmark_min_time=0.05)
else
  WRK_DURATION=${WRK_DURATION:-10s}
fi
SIGNIN_CONNECTIONS=${SIGNIN_CONNECTIONS:-4}
MANY_CONNECTIONS=${MANY_CONNECTIONS:-1000}
# wrk's threads for them: one per core. More threads than cores only make
# wrk's own threads wait for a core, and wrk counts that wait as latency.
MANY_THREADS=${MANY_THREADS:-$(nproc)}
SLOW_CLIENTS=${SLOW_CLIENTS:-200}
OUT_DIR="$BUILD_DIR/bench"
mkdir -p "$OUT_DIR"
WORK=$(mktemp -d)
SERVER_PID=""
RSS_PID=""
SIGNIN_PID=""
CONN_PID=""
PROBE_PID=""
SLOW_PID=""
# Figures for the report's diary and connection rows, as "KEY VALUE" lines.
DIARY="$WORK/diary.txt"
: > "$DIARY"
diary_put() { echo "$1 $2" >> "$DIARY"; }

# Every background process (samplers, the sign-in wrk, the slow clients, the
# server under test) is stopped on any exit, an error or Ctrl-C included.
cleanup() {
  local pid
  [[ -z "$PROBE_PID" ]] || kill -TERM -- "-$PROBE_PID" 2>/dev/null || true
  for pid in "$RSS_PID" "$CONN_PID" "$PROBE_PID" "$SLOW_PID" "$SIGNIN_PID" "$SERVER_PID"; do
    [[ -n "$pid" ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in wrk curl python3 node npm; do
  command -v "$tool" >/dev/null ||
    { echo "bench/run.sh: $tool is not installed (make deps installs it)" >&2; exit 1; }
done
[[ -r /proc/net/tcp ]] ||
  { echo "bench/run.sh: /proc/net/tcp is not readable (Linux only)" >&2; exit 1; }

# wrk holds MANY_CONNECTIONS sockets, and each server as many plus the slow
# clients: raise the soft limit on open files (inherited by every process
# started here) when it is lower than that.
NEED_FILES=$((MANY_CONNECTIONS + SLOW_CLIENTS + 512))
if [[ $(ulimit -n) != unlimited && $(ulimit -n) -lt $NEED_FILES ]]; then
  HARD_FILES=$(ulimit -Hn)
  if [[ $HARD_FILES != unlimited && $HARD_FILES -lt $NEED_FILES ]]; then
    echo "bench/run.sh: $MANY_CONNECTIONS connections need $NEED_FILES open files, but the hard" \
      "limit is $HARD_FILES (raise it, e.g. in /etc/security/limits.conf, or set MANY_CONNECTIONS)" >&2
    exit 1
  fi
  ulimit -n "$NEED_FILES"
fi
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

# Runs wrk with $1 connections and $2 threads against URL $3 (extra wrk
# arguments after it), and prints "REQUESTS_PER_SECOND P99_MILLISECONDS
# CONNECT_ERRORS READ_ERRORS WRITE_ERRORS TIMEOUTS NON_2XX_3XX": errors are
# counted, not fatal, here.
wrk_stats() {
  local connections=$1 threads=$2 url=$3
  shift 3
  wrk -t"$threads" -c"$connections" -d"$WRK_DURATION" --latency "$@" "$url" > "$WORK/wrk.txt"
  python3 - "$WORK/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
# wrk prints this line only when there was a socket error.
socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
connect, read, write, timeout = socket.groups() if socket else (0, 0, 0, 0)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {p99_ms:.3f} {connect} {read} {write} {timeout} "
      f"{non2xx.group(1) if non2xx else 0}")
PY
}

# Samples, every 0.25 s until conn_stop, the connections to the server
# listening on port $1 (process $SERVER_PID): the kernel's ESTABLISHED sockets
# of that port (/proc/net/tcp, those still in the accept queue included), the
# accept queue's length (the LISTEN row's rx_queue) and the sockets the
# server has accepted (its socket descriptors, less those it had at the
# start). conn_stop sets CONN_MAX (the most ESTABLISHED), ACCEPTED_MAX,
# QUEUE_MAX and ALL_ACCEPTED_S: the seconds from conn_start until it had
# accepted $2 connections, or "-" when it never did.
conn_start() {
  local sockets_before
  : > "$WORK/conns.json"
  # Counted here, before returning: the sampler starts too late to see the
  # server before the clients that follow connect.
  sockets_before=$(find "/proc/$SERVER_PID/fd" -lname 'socket:*' 2>/dev/null | wc -l)
  python3 - "$1" "$SERVER_PID" "${2:-0}" "$WORK/conns.json" "$sockets_before" "$(now_ns)" <<'PY' &
import json, os, signal, sys, time
port, pid, target, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
base, began_ns = int(sys.argv[5]), int(sys.argv[6])
suffix = f":{port:04X}"
def sockets():
    try:
        return sum(1 for fd in os.listdir(f"/proc/{pid}/fd")
                   if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"))
    except OSError:
        return 0
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
established = queue = accepted = 0
all_accepted = None
while not stop:
    now_established = 0
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            if not fields[1].endswith(suffix):
                continue
            if fields[3] == "01":
                now_established += 1
            elif fields[3] == "0A":
                queue = max(queue, int(fields[4].split(":")[1], 16))
    established = max(established, now_established)
    now_accepted = sockets() - base
    accepted = max(accepted, now_accepted)
    if all_accepted is None and target and now_accepted >= target:
        all_accepted = (time.time_ns() - began_ns) / 1e9
    time.sleep(0.25)
json.dump({"established": established, "queue": queue, "accepted": accepted,
           "all_accepted_s": "-" if all_accepted is None else f"{all_accepted:.1f}"},
          open(out, "w"))
PY
  CONN_PID=$!
}
conn_stop() {
  kill -TERM "$CONN_PID" 2>/dev/null || true
  wait "$CONN_PID" 2>/dev/null || true
  CONN_PID=""
  read -r CONN_MAX ACCEPTED_MAX QUEUE_MAX ALL_ACCEPTED_S < <(python3 -c '
import json, sys
try:
    c = json.load(open(sys.argv[1]))
except ValueError:  # Stopped before its first sample.
    c = {"established": 0, "accepted": 0, "queue": 0, "all_accepted_s": "-"}
print(c["established"], c["accepted"], c["queue"], c["all_accepted_s"])' "$WORK/conns.json")
}

# A newcomer's wait: from 0.1 s on, a fresh connection asks URL $1 (any
# status counts as an answer) every 0.25 s, one at a time, until probe_stop,
# which sets PROBE_MAX_MS to the longest time to the answer's first byte (a
# probe still waiting at the stop counts with its wait so far) and
# PROBE_MEDIAN_MS to the median (the wait once a burst of connects is taken;
# the wait so far when no probe was answered).
# The loop runs in a process group of its own (setsid), so that probe_stop
# ends the curl in flight too.
probe_start() {
  : > "$WORK/probes.txt"
  setsid bash -c '
    sleep 0.1
    while :; do
      echo "start $(date +%s%N)" >> "$2"
      curl -s -o /dev/null -m 30 -w "answer %{time_starttransfer}\n" "$1" >> "$2" ||
        [[ $? != 28 ]] || echo "answer 30" >> "$2"
      sleep 0.25
    done' probe "$1" "$WORK/probes.txt" &
  PROBE_PID=$!
}
probe_stop() {
  local stopped_ns
  stopped_ns=$(now_ns)
  kill -TERM -- "-$PROBE_PID" 2>/dev/null || kill -TERM "$PROBE_PID" 2>/dev/null || true
  wait "$PROBE_PID" 2>/dev/null || true
  PROBE_PID=""
  PROBE_MAX_MS=$(awk -v stopped="$stopped_ns" '
    $1 == "start" { started = $2; waiting = 1 }
    $1 == "answer" { waiting = 0; if ($2 * 1000 > max) max = $2 * 1000 }
    END {
      if (waiting && (stopped - started) / 1e6 > max) max = (stopped - started) / 1e6
      printf "%.1f", max
    }' "$WORK/probes.txt")
  PROBE_MEDIAN_MS=$(awk '$1 == "answer" { printf "%.1f\n", $2 * 1000 }' "$WORK/probes.txt" |
    sort -n | awk -v none="$PROBE_MAX_MS" '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : none }')
}

# The 1,000-connection run: wrk with MANY_CONNECTIONS against URL $2 (extra
# wrk arguments after $4) of the server listening on port $3, while the
# connections it holds are sampled and a newcomer asks URL $4 every 0.25 s;
# the figures go to $DIARY as PREFIX_rps, PREFIX_p99, PREFIX_errors, ...,
# with PREFIX $1.
many_connections() {
  local prefix=$1 url=$2 port=$3 probe_url=$4 result
  shift 4
  conn_start "$port" "$MANY_CONNECTIONS"
  probe_start "$probe_url"
  result=$(wrk_stats "$MANY_CONNECTIONS" "$MANY_THREADS" "$url" "$@")
  probe_stop
  conn_stop
  read -r RPS P99 CONNECT READ WRITE TIMEOUT NON2XX <<< "$result"
  diary_put "${prefix}_rps" "$RPS"
  diary_put "${prefix}_p99" "$P99"
  diary_put "${prefix}_errors" "$CONNECT/$READ/$WRITE/$TIMEOUT"
  diary_put "${prefix}_error_total" $((CONNECT + READ + WRITE + TIMEOUT + NON2XX))
  diary_put "${prefix}_non2xx" "$NON2XX"
  diary_put "${prefix}_held" "$CONN_MAX"
  diary_put "${prefix}_accepted" "$ACCEPTED_MAX"
  diary_put "${prefix}_queue" "$QUEUE_MAX"
  diary_put "${prefix}_all_accepted_s" "$ALL_ACCEPTED_S"
  diary_put "${prefix}_newcomer_ms" "$PROBE_MAX_MS"
  diary_put "${prefix}_newcomer_median_ms" "$PROBE_MEDIAN_MS"
}

echo "== protocol_bench" >&2
"$BUILD_DIR/bench/protocol_bench" ${GBENCH_ARGS[@]+"${GBENCH_ARGS[@]}"} --benchmark_out="$WORK/protocol.json" \
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
"$BUILD_DIR/bench/appointment_queue_bench" ${GBENCH_ARGS[@]+"${GBENCH_ARGS[@]}"} \
  --benchmark_out="$WORK/queue.json" \
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
echo "== hello_server, $MANY_CONNECTIONS connections" >&2
many_connections many_hello "http://127.0.0.1:$HELLO_PORT/" "$HELLO_PORT" \
  "http://127.0.0.1:$HELLO_PORT/"
stop_server

echo "== hello_server (baseline: the protocol's bytes)" >&2
"$BUILD_DIR/bench/hello_server" 0 "$WORK/protocol.body" > "$WORK/hello.out" 2>&1 &
SERVER_PID=$!
HELLO_PORT=$(wait_for_port "$WORK/hello.out")
RESULT=$(run_wrk "http://127.0.0.1:$HELLO_PORT/")
read -r SAME_RPS SAME_P99 <<< "$RESULT"
stop_server

# The diary: the peer, then HipCoach, one at a time, with the same wrk
# settings as above; each seeded with one account and 300 entries.
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
echo "== diary: the peer's reads, $MANY_CONNECTIONS connections" >&2
BENCH_TOKEN=$PEER_TOKEN many_connections many_peer "http://127.0.0.1:$PEER_PORT" "$PEER_PORT" \
  "http://127.0.0.1:$PEER_PORT/api/v1/diary" -s bench/diary_get.lua
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

  echo "== diary: hipcoach reads, $MANY_CONNECTIONS connections" >&2
  BENCH_TOKEN=$TOKEN many_connections many_hip "http://127.0.0.1:$PORT" "$PORT" \
    "http://127.0.0.1:$PORT/healthz" -s bench/diary_get.lua

  # Slow clients: the reads at 64 connections just before, then again while
  # SLOW_CLIENTS connections each send a request one byte a second.
  echo "== diary: hipcoach reads, then the same with $SLOW_CLIENTS slow clients" >&2
  RESULT=$(BENCH_TOKEN=$TOKEN run_wrk "http://127.0.0.1:$PORT" -s bench/diary_get.lua)
  read -r RPS P99 <<< "$RESULT"; diary_put slow_before_rps "$RPS"; diary_put slow_before_p99 "$P99"
  SLOW_ARGS=(--port "$PORT" --clients "$SLOW_CLIENTS" --exit-when-all-closed --duration 45)
  # The quick run does not wait for the server to cut them (30 s).
  [[ "$BENCH_QUICK" == 1 ]] && SLOW_ARGS=(--port "$PORT" --clients "$SLOW_CLIENTS" --duration 600)
  conn_start "$PORT"
  python3 bench/slow_clients.py "${SLOW_ARGS[@]}" > "$WORK/slow.txt" 2>&1 &
  SLOW_PID=$!
  until grep -q '^slow_clients: .* connected' "$WORK/slow.txt" 2>/dev/null; do
    kill -0 "$SLOW_PID" 2>/dev/null ||
      { echo "bench/run.sh: slow_clients.py failed:" >&2; cat "$WORK/slow.txt" >&2; exit 1; }
    sleep 0.05
  done
  sleep 2  # Every slow client is now in the middle of its request.
  probe_start "http://127.0.0.1:$PORT/healthz"
  RESULT=$(BENCH_TOKEN=$TOKEN run_wrk "http://127.0.0.1:$PORT" -s bench/diary_get.lua)
  probe_stop
  conn_stop
  diary_put slow_newcomer_ms "$PROBE_MAX_MS"
  read -r RPS P99 <<< "$RESULT"; diary_put slow_during_rps "$RPS"; diary_put slow_during_p99 "$P99"
  diary_put slow_accepted "$ACCEPTED_MAX"
  if [[ "$BENCH_QUICK" == 1 ]]; then
    kill -TERM "$SLOW_PID"
  else
    echo "== diary: waiting for hipcoach to cut the slow clients (30 s read timeout)" >&2
  fi
  wait "$SLOW_PID" || { echo "bench/run.sh: slow_clients.py failed:" >&2; cat "$WORK/slow.txt" >&2; exit 1; }
  SLOW_PID=""
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
lines = ["| Figure | Value | Target | Ratio to hello | Ratio to peer | Met |",
         "|---|---|---|---|---|---|"]
for figure, value, target, ratio, met in rows:
    mark = "-" if met is None else ("✓" if met else "**✗**")
    lines.append(f"| {figure} | {value} | {target} | {ratio} | - | {mark} |")
report = "\n".join(lines) + "\n"
open(sys.argv[1], "w").write(report)
PY


# The diary, the 1,000 connections and the slow clients: rows of the same
# table, then the notes on how each figure was taken.
python3 - "$DIARY" "$OUT_DIR/report.md" "$WRK_DURATION" "$SIGNIN_CONNECTIONS" \
  "$MANY_CONNECTIONS" "$MANY_THREADS" "$SLOW_CLIENTS" "$WORK/slow.txt" "$BENCH_QUICK" <<'PY'
import json, os, sys
(diary_path, report_path, duration, signin_connections, many, many_threads, slow_clients,
 slow_path, quick) = sys.argv[1:]
many, slow_clients, quick = int(many), int(slow_clients), quick == "1"
d = {}
for line in open(diary_path):
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
def ms(value):
    return f"{value:.1f} ms" if value < 10 else f"{value:,.0f} ms"
def many_rows(prefix, name, to_peer, target=None):
    """The two rows of one server's 1,000-connection run."""
    rps, errors = d[f"{prefix}_rps"], int(d[f"{prefix}_error_total"])
    accepted, non2xx = int(d[f"{prefix}_accepted"]), int(d[f"{prefix}_non2xx"])
    when = d[f"{prefix}_all_accepted_s"]
    when = "not all within the run" if when == "-" else f"all after {when:.1f} s"
    value = (f"p99 {d[f'{prefix}_p99']:.1f} ms; errors {d[f'{prefix}_errors']}"
             + (f", {non2xx} non-2xx" if non2xx else "")
             + f"; accepted {accepted:,} ({when}; accept queue up to {int(d[f'{prefix}_queue']):,}); "
             f"newcomer waited <= {ms(d[f'{prefix}_newcomer_ms'])}, median "
             f"{ms(d[f'{prefix}_newcomer_median_ms'])}")
    return [
        (f"{name}, {many:,} connections: rps", f"{rps:,.0f}", "-", ratio(rps, hello),
         ratio(rps, d["many_peer_rps"]) if to_peer else "-", None),
        (f"{name}, {many:,} connections: p99; socket errors (connect/read/write/timeout); "
         "connections accepted; a newcomer's wait", value, target or "-", "-",
         ratio(d[f"{prefix}_p99"], d["many_peer_p99"]) if to_peer else "-",
         None if target is None else errors == 0 and accepted >= many),
    ]
rows = [
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
        ("HipCoach GET diary p99, 64 connections", f"{d['hip_get_p99']:.2f} ms", "< 20 ms",
         "-", ratio(d["hip_get_p99"], d["peer_get_p99"]), d["hip_get_p99"] < 20),
        ("HipCoach POST /api/v1/diary rps (durable)", f"{p:,.0f}", ">= 3x peer",
         ratio(p, hello), ratio(p, d["peer_post_rps"]), p >= 3 * d["peer_post_rps"]),
        ("HipCoach POST diary p99", f"{d['hip_post_p99']:.2f} ms", "-",
         "-", ratio(d["hip_post_p99"], d["peer_post_p99"]), None),
        ("HipCoach resident memory under load (VmRSS max / VmHWM)",
         f"{mb(d['hip_rss_kb'])} / {mb(d['hip_hwm_kb'])}", "<= 1/3 of peer",
         "-", ratio(d["hip_rss_kb"], d["peer_rss_kb"]),
         d["hip_rss_kb"] * 3 <= d["peer_rss_kb"]),
        (f"HipCoach GET diary p99 while sign-ins run ({signin_connections} connections)",
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
rows += many_rows("many_hello", "hello_server", False)
rows += many_rows("many_peer", "peer GET diary", True)
if have_hip:
    rows += many_rows("many_hip", "HipCoach GET diary", True,
                      target=f"no errors, {many:,} accepted")
    slow = json.loads(open(slow_path).read().strip().splitlines()[-1])
    before, during = d["slow_before_p99"], d["slow_during_p99"]
    accepted = int(d["slow_accepted"])  # The slow clients, wrk's 64 and maybe the newcomer.
    rows += [
        ("HipCoach GET diary p99, 64 connections, just before the slow clients",
         f"{before:.2f} ms", "< 20 ms", "-", "-", before < 20),
        (f"HipCoach GET diary p99, 64 connections, with {slow_clients} slow clients "
         "(1 byte/s each)", f"{during:.2f} ms ({during / before:.2f}x without)",
         "<= 1.5x without", "-", "-", during <= 1.5 * before),
        ("HipCoach GET diary rps with the slow clients",
         f"{d['slow_during_rps']:,.0f} ({d['slow_during_rps'] / d['slow_before_rps']:.2f}x "
         "without)", "-", ratio(d["slow_during_rps"], hello), "-", None),
        ("slow clients connected; connections the server accepted meanwhile; a newcomer's "
         "longest wait", f"{slow['connected']} of {slow_clients}; accepted {accepted:,}; newcomer "
         f"waited <= {ms(d['slow_newcomer_ms'])}",
         f"all, accepted >= {slow_clients + 64}", "-", "-",
         slow["connected"] == slow_clients and accepted >= slow_clients + 64),
    ]
    if quick:
        cut = "not waited for (BENCH_QUICK=1)"
    elif slow["closed_by_server"]:
        cut = (f"{slow['closed_by_server']} of {slow['connected']} after "
               f"{slow['held_min_s']}-{slow['held_max_s']} s ({slow['bytes_sent_max']} of "
               f"{slow['request_bytes']} request bytes sent); {slow['open']} still open at "
               f"{slow['seconds']} s")
    else:
        cut = f"none within {slow['seconds']} s"
    rows.append(("slow clients cut by HipCoach (read timeout: 30 s for one request)", cut,
                 "-", "-", "-", None))
else:
    rows.append(("HipCoach diary", "not measured: `hipcoach serve` has no `--db` yet",
                 "-", "-", "-", None))
lines = []
for figure, value, target, to_hello, to_peer, met in rows:
    mark = "-" if met is None else ("✓" if met else "**✗**")
    lines.append(f"| {figure} | {value} | {target} | {to_hello} | {to_peer} | {mark} |")
lines += [
    "",
    f"Every HTTP figure: `wrk -t2 -c64 -d{duration} --latency` on 127.0.0.1, one server at a "
    "time, unless the row says otherwise. The diary: each server seeded with one account and "
    "300 entries; GET asks for the last 30. Memory: the largest VmRSS sampled every 0.2 s during "
    "the GET and POST runs; VmHWM, the process's peak, also counts seeding and sign-up.",
    f"{many:,} connections: `wrk -t{many_threads} -c{many} -d{duration} --latency`, keep-alive; "
    "wrk's socket errors as connect/read/write/timeout (a timeout: an answer that took over "
    "wrk's 2 s, left out of its percentiles); accepted: the most sockets the server had "
    "accepted (its socket descriptors, sampled every 0.25 s; the newcomer's may count), when it "
    "had accepted all, and the longest its accept queue grew (the LISTEN row's rx_queue in "
    "/proc/net/tcp); a newcomer: a fresh connection (curl) every 0.25 s from 0.1 s on, asking "
    "/healthz (HipCoach), / (hello) or the diary without a token (the peer's 401): its longest "
    "and its median time to the first byte. wrk opens its connections at once and sends on "
    "each as soon as it is connected, so the longest wait and wrk's timeouts measure how fast "
    "a busy server takes a burst of connects off its accept queue.",
    f"Slow clients: bench/slow_clients.py opens {slow_clients} connections that each send a "
    "GET one byte a second (a request of about 95 bytes) and never finish it within the run; "
    "the reads at 64 connections are measured just before and while they are held. HipCoach "
    "gives one request 30 s to arrive (ServeTuning::read_timeout), so such a client is cut "
    "after 30 s without an answer: a deliberate limit, not a failure.",
    "The machine may be shared: absolute figures are noisy; the ratios within one run are what "
    "compare.",
]
open(report_path, "a").write("\n".join(lines) + "\n")
PY
cat "$OUT_DIR/report.md"
echo "(written to $OUT_DIR/report.md)" >&2

#!/usr/bin/env bash
# Load benchmark of LatchGateway against nginx, on loopback, with wrk.
#
#   a  nginx serving a fixed 200 "ok\n" (the backend of every other target)
#   b  nginx as a reverse proxy to a, upstream keepalive (what users would otherwise put in front)
#   c  the gateway, unlatched route /open/… to a
#   d  the gateway, latched route /latched/…, memory store, every request with a fresh pre-issued code
#   e  the same on Redis
#   f  two gateway replicas on one Redis, each loaded by one wrk with half the threads and connections
#
# Targets run alternately (a b c d e f, a b c d e f, …) for ROUNDS rounds; the figures are medians over rounds,
# ratios are medians of per-round ratios. Codes are issued beforehand through the admin API (by wrk, which
# measures the issuance rate too), and the gateway's RSS per live code is measured on a fresh gateway.
#
# Usage: bash tests/benchmark/run.sh          (about 15 minutes with the defaults)
# Settings (environment):
#   ROUNDS=3 DURATION=10 (s per run) WARMUP=5 (s) THREADS=2 CONNECTIONS=32 (wrk -t/-c, the same for every target)
#   RSS_CODES=300000 (codes issued for the RSS-per-code figure)
#   PAUSE=3 (s of idle after each warm-up run, for the JIT's background recompilation to catch up)
#   WARM_RUNS=12 JIT_QUIET=25: each gateway path is warmed with runs of WARMUP s until a run compiles fewer than
#     JIT_QUIET methods (the gateway's dotnet_jit_compiled_methods_total), at most WARM_RUNS runs
#   PIN=1|0 (default 1: wrk on LOAD_CPUS, every server on SERVER_CPUS, with taskset; by default wrk gets the last
#     min(THREADS, CPUS/2) CPUs and the servers the others, so the load generator never takes CPU from the server
#     under test, however fast that one is; on 2 CPUs the steadier choice, see tests/benchmark/README.md)
#   KEEP_TMP=1 keeps the temporary folder (logs, configurations, codes); it is always kept when the run fails.
#   GATEWAY_ENV="NAME=value …" extra environment of the gateway processes, for experiments
#     (e.g. GATEWAY_ENV=OTEL_SDK_DISABLED=true to see what OpenTelemetry costs).
# Writes tests/benchmark/results/latest.{md,csv}, results/latest-runs.csv and docs/benchmarks.png.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
RSS_CODES=${RSS_CODES:-300000}
PAUSE=${PAUSE:-3}
WARM_RUNS=${WARM_RUNS:-12}
JIT_QUIET=${JIT_QUIET:-25}
PIN=${PIN:-1}
KEEP_TMP=${KEEP_TMP:-0}
GATEWAY_ENV=${GATEWAY_ENV:-}

for setting in ROUNDS DURATION WARMUP THREADS CONNECTIONS RSS_CODES WARM_RUNS JIT_QUIET; do
  if ! [[ ${!setting} =~ ^[1-9][0-9]*$ ]]; then
    echo "$setting must be a positive integer (it is '${!setting}')." >&2
    exit 2
  fi
done
if ! [[ $PAUSE =~ ^[0-9]+$ ]]; then
  echo "PAUSE must be a whole number of seconds (it is '$PAUSE')." >&2
  exit 2
fi
if ((CONNECTIONS < THREADS)); then
  echo "CONNECTIONS ($CONNECTIONS) must be at least THREADS ($THREADS)." >&2
  exit 2
fi

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
RESULTS="$BENCH_DIR/results"
LUA="$BENCH_DIR/wrk"
cd "$ROOT"

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# Tools: install what is missing (Debian), apt-get update only when something is.
# ---------------------------------------------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || die "The .NET 10 SDK is required (https://dot.net)."

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
packages=()
have wrk || packages+=(wrk)
have nginx || packages+=(nginx)
have redis-server || packages+=(redis-server)
have redis-cli || packages+=(redis-tools)
have gnuplot || packages+=(gnuplot-nox)
have curl || packages+=(curl)
have ss || packages+=(iproute2)
have taskset || packages+=(util-linux)
if ((${#packages[@]} > 0)); then
  log "Installing ${packages[*]} (Debian packages)..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  # The packages start system-wide nginx / redis-server services under systemd: this benchmark runs its own.
  if command -v systemctl >/dev/null 2>&1; then
    for service in nginx redis-server; do
      if [[ " ${packages[*]} " == *" $service "* ]] && systemctl is-active --quiet "$service" 2>/dev/null; then
        $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
      fi
    done
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
REDIS_SERVER=$(command -v redis-server || echo /usr/sbin/redis-server)

# ---------------------------------------------------------------------------------------------------------------
# Processes: every one is recorded and stopped on exit; the temporary folder goes too unless the run failed.
# ---------------------------------------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/latch-bench.XXXXXX)
chmod 711 "$WORK" # nginx workers run as nobody when started by root
mkdir -p "$WORK/logs" "$WORK/codes"
PIDS=()
PORTS=()

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    [ -e "/proc/$pid" ] || return 0
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

descendants() { # descendants PID : every process below PID, by parent links
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null || true); do
    echo "$child"
    descendants "$child"
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  # Anything else this script started and that is still running (a wrk of an interrupted run).
  for pid in $(descendants $$); do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  local port left=()
  for port in "${PORTS[@]}"; do
    if ss -Htln "( sport = :$port )" 2>/dev/null | grep -q .; then left+=("$port"); fi
  done
  ((${#left[@]} == 0)) || log "WARNING: still listening after clean-up: ${left[*]}"
  if [ "$rc" -ne 0 ] || [ "$KEEP_TMP" = 1 ]; then
    log "Logs, configurations and codes kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
set -E
trap 'log "failed (status $?) at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# Pinning (PIN=1): the load generator on LOAD_CPUS, every server on SERVER_CPUS.
CPUS=$(nproc)
SERVER_PIN=()
LOAD_PIN=()
if [ "$PIN" = 1 ] && ((CPUS < 2)); then
  log "One CPU only: not pinning."
  PIN=0
fi
if [ "$PIN" = 1 ]; then
  load_count=$((THREADS < CPUS / 2 ? THREADS : CPUS / 2))
  cpu_range() { if (($1 == $2)); then echo "$1"; else echo "$1-$2"; fi; }
  LOAD_CPUS=${LOAD_CPUS:-$(cpu_range $((CPUS - load_count)) $((CPUS - 1)))}
  SERVER_CPUS=${SERVER_CPUS:-$(cpu_range 0 $((CPUS - load_count - 1)))}
  SERVER_PIN=(taskset -c "$SERVER_CPUS")
  LOAD_PIN=(taskset -c "$LOAD_CPUS")
fi

# A free loopback port below the ephemeral range (so no outgoing connection can hold it), never handed out twice.
alloc_port() {
  local -n out=$1
  local port i
  for ((i = 0; i < 500; i++)); do
    port=$((20000 + RANDOM % 12000))
    [[ " ${PORTS[*]} " == *" $port "* ]] && continue
    ss -Htan "( sport = :$port )" 2>/dev/null | grep -q . && continue
    PORTS+=("$port")
    out=$port
    return 0
  done
  die "no free port found"
}

# start NAME COMMAND… : runs in the background, output in logs/NAME.log; sets LAST_PID.
start() {
  local name=$1
  shift
  "$@" >"$WORK/logs/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# wait_until NAME PID SECONDS COMMAND… : until COMMAND succeeds, failing when PID dies or time is up.
wait_until() {
  local name=$1 pid=$2 seconds=$3 i
  shift 3
  for ((i = 0; i < seconds * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$WORK/logs/$name.log" >&2 || true
      die "$name exited during start-up (log above)"
    fi
    sleep 0.1
  done
  tail -n 30 "$WORK/logs/$name.log" >&2 || true
  die "$name not ready after ${seconds}s"
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# ---------------------------------------------------------------------------------------------------------------
# Build, keys, ports
# ---------------------------------------------------------------------------------------------------------------
log "Publishing the gateway (Release)..."
PUBLISH="$WORK/publish"
if ! timeout 600 dotnet publish gateway -c Release -o "$PUBLISH" --nologo >"$WORK/logs/publish.log" 2>&1; then
  tail -n 40 "$WORK/logs/publish.log" >&2
  die "dotnet publish failed (log above)"
fi

# What was measured: the commit (and whether gateway/ or admin/ differed from it) when it was published.
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain -- gateway admin 2>/dev/null | grep -q . && echo " (gateway/admin with uncommitted changes)" || true)

API_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
API_KEY_SHA256=$(printf %s "$API_KEY" | sha256sum | cut -d' ' -f1)
HASH_KEY=$(head -c 32 /dev/urandom | base64 -w0)
export BENCH_API_KEY=$API_KEY # read by wrk/issue.lua; never on a command line

alloc_port BACKEND_PORT
alloc_port NGINX_PROXY_PORT
alloc_port REDIS_PORT
alloc_port MEM_PROXY_PORT
alloc_port MEM_ADMIN_PORT
alloc_port R1_PROXY_PORT
alloc_port R1_ADMIN_PORT
alloc_port R2_PROXY_PORT
alloc_port R2_ADMIN_PORT
alloc_port RSS_PROXY_PORT
alloc_port RSS_ADMIN_PORT

# ---------------------------------------------------------------------------------------------------------------
# nginx: the backend (a) and the reverse proxy (b), two instances with their own configuration.
# ---------------------------------------------------------------------------------------------------------------
nginx_conf() { # nginx_conf DIR SERVER-BLOCK…
  local dir=$1
  shift
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/plain;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
$*
}
EOF
}

nginx_conf "$WORK/nginx-backend" "
  server {
    listen 127.0.0.1:$BACKEND_PORT;
    location / { return 200 \"ok\\n\"; }
  }"
nginx_conf "$WORK/nginx-proxy" "
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PROXY_PORT;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"

log "Starting nginx (backend :$BACKEND_PORT, proxy :$NGINX_PROXY_PORT) and redis-server (:$REDIS_PORT)..."
for instance in nginx-backend nginx-proxy; do
  "$NGINX" -t -q -p "$WORK/$instance" -c "$WORK/$instance/nginx.conf" 2>"$WORK/logs/$instance-test.log" \
    || { cat "$WORK/logs/$instance-test.log" >&2; die "invalid $instance configuration"; }
  start "$instance" "${SERVER_PIN[@]}" "$NGINX" -p "$WORK/$instance" -c "$WORK/$instance/nginx.conf"
  eval "${instance//-/_}_PID=$LAST_PID"
done
wait_until nginx-backend "$nginx_backend_PID" 10 http_ok "http://127.0.0.1:$BACKEND_PORT/"
wait_until nginx-proxy "$nginx_proxy_PID" 10 http_ok "http://127.0.0.1:$NGINX_PROXY_PORT/"

mkdir -p "$WORK/redis"
start redis "${SERVER_PIN[@]}" "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
  --save "" --appendonly no --daemonize no --dir "$WORK/redis"
REDIS_PID=$LAST_PID
wait_until redis "$REDIS_PID" 10 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping

# ---------------------------------------------------------------------------------------------------------------
# Gateways: published DLL, Production, Warning logs, everything as --Key=Value.
# ---------------------------------------------------------------------------------------------------------------
# The runtime settings the image sets (deploy/Dockerfile), so that the gateways run as shipped.
IMAGE_ENV=$(sed -n 's/^[[:space:]]*\(DOTNET_GC[A-Za-z0-9]*=[0-9A-Za-z]*\).*/\1/p' "$ROOT/deploy/Dockerfile" | tr '\n' ' ')
[ -n "$IMAGE_ENV" ] || die "deploy/Dockerfile sets no DOTNET_GC* setting: the benchmark would not run the gateway as shipped"
# start_gateway NAME PROXY-PORT ADMIN-PORT memory|redis [unpinned] ; sets LAST_PID
start_gateway() {
  local name=$1 proxy=$2 admin=$3 store=$4 pin=("${SERVER_PIN[@]}")
  [ "${5:-}" != unpinned ] || pin=()
  mkdir -p "$WORK/audit-$name"
  local args=(
    "--Kestrel:Endpoints:Proxy:Url=http://127.0.0.1:$proxy"
    "--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:$admin"
    "--Logging:LogLevel:Default=Warning"
    "--Logging:LogLevel:Microsoft.AspNetCore=Warning"
    "--Logging:LogLevel:Yarp=Warning"
    "--Latch:Admin:ApiKeys:bench:Sha256=$API_KEY_SHA256"
    "--Latch:Admin:ApiKeys:bench:Scopes:0=codes:issue"
    "--Latch:Admin:ApiKeys:bench:Scopes:1=codes:read"
    "--Latch:Admin:ApiKeys:bench:Scopes:2=codes:revoke"
    "--Latch:Admin:ApiKeys:bench:Scopes:3=audit:read"
    "--ReverseProxy:Routes:open:ClusterId=backend"
    "--ReverseProxy:Routes:open:Match:Path=/open/{**rest}"
    "--ReverseProxy:Routes:latched:ClusterId=backend"
    "--ReverseProxy:Routes:latched:Match:Path=/latched/{**rest}"
    "--ReverseProxy:Routes:latched:Transforms:0:Latch=Required"
    "--ReverseProxy:Clusters:backend:Destinations:d1:Address=http://127.0.0.1:$BACKEND_PORT/"
    "--Latch:Codes:MaxTtl=00:30:00"
    "--Latch:Codes:DefaultTtl=00:30:00"
    "--Latch:Lockout:MaxFailures=1000000"
    "--Latch:Audit:Path=$WORK/audit-$name/audit.jsonl"
  )
  if [ "$store" = redis ]; then
    args+=(
      "--Latch:Store:Provider=Redis"
      "--ConnectionStrings:Redis=127.0.0.1:$REDIS_PORT"
      "--Latch:Codes:HashKey=$HASH_KEY"
    )
  fi
  # A clean environment: no Development, no OTEL_* exporter, no Latch__* from the caller's shell.
  start "$name" "${pin[@]}" env -i PATH="$PATH" HOME="${HOME:-/tmp}" ${DOTNET_ROOT:+DOTNET_ROOT="$DOTNET_ROOT"} \
    DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 $IMAGE_ENV $GATEWAY_ENV \
    dotnet "$PUBLISH/LatchGateway.dll" --contentRoot="$PUBLISH" "${args[@]}"
}

log "Starting the gateways: memory (:$MEM_PROXY_PORT), Redis replicas (:$R1_PROXY_PORT, :$R2_PROXY_PORT)..."
start_gateway gw-memory "$MEM_PROXY_PORT" "$MEM_ADMIN_PORT" memory
MEM_PID=$LAST_PID
start_gateway gw-redis-1 "$R1_PROXY_PORT" "$R1_ADMIN_PORT" redis
R1_PID=$LAST_PID
start_gateway gw-redis-2 "$R2_PROXY_PORT" "$R2_ADMIN_PORT" redis
R2_PID=$LAST_PID
wait_until gw-memory "$MEM_PID" 60 http_ok "http://127.0.0.1:$MEM_ADMIN_PORT/readyz"
wait_until gw-redis-1 "$R1_PID" 60 http_ok "http://127.0.0.1:$R1_ADMIN_PORT/readyz"
wait_until gw-redis-2 "$R2_PID" 60 http_ok "http://127.0.0.1:$R2_ADMIN_PORT/readyz"

# ---------------------------------------------------------------------------------------------------------------
# wrk runs
# ---------------------------------------------------------------------------------------------------------------
field() { # field NAME "k=v k=v…"
  local pair
  for pair in $2; do
    if [ "${pair%%=*}" = "$1" ]; then
      echo "${pair#*=}"
      return
    fi
  done
  echo 0
}

metric_sum() { # metric_sum ADMIN-PORT NAME [LABEL] : sum of the samples of NAME (whose labels contain LABEL)
  { curl -fsS --max-time 10 "http://127.0.0.1:$1/metrics" 2>/dev/null || true; } |
    awk -v name="$2" -v label="${3:-}" '(index($0, name "{") == 1 || index($0, name " ") == 1) && index($0, label) { s += $NF } END { printf "%d", s }'
}

# load NAME URL SECONDS THREADS CONNECTIONS [CODES-DIR] : one load run (plain without a codes folder, latched with
# one); prints the RESULT fields.
load() {
  local name=$1 url=$2 seconds=$3 threads=$4 conns=$5 codes=${6:-}
  local mode=plain
  [ -z "$codes" ] || mode=latched
  BENCH_MODE=$mode BENCH_CODES=$codes BENCH_OFFSETS=${codes:+$codes/offsets} \
    timeout -k 5 $((seconds + 60)) "${LOAD_PIN[@]}" wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 5s --latency \
    -s "$LUA/present.lua" "$url" >"$WORK/logs/$name.wrk" 2>&1 || true
  local result
  result=$(sed -n 's/^RESULT //p' "$WORK/logs/$name.wrk")
  [ -n "$result" ] || { cat "$WORK/logs/$name.wrk" >&2; die "wrk run $name printed no result"; }
  echo "$result"
}

# issue NAME ADMIN-PORT SECONDS THREADS CONNECTIONS CODES-DIR : codes appended to CODES-DIR/codes-<thread>.txt;
# prints the ISSUE fields.
issue() {
  local name=$1 port=$2 seconds=$3 threads=$4 conns=$5 codes=$6
  mkdir -p "$codes"
  BENCH_CODES=$codes timeout -k 5 $((seconds + 60)) "${LOAD_PIN[@]}" wrk -t"$threads" -c"$conns" -d"${seconds}s" \
    --timeout 5s -s "$LUA/issue.lua" "http://127.0.0.1:$port/admin/codes" >"$WORK/logs/$name.wrk" 2>&1 || true
  local result
  result=$(sed -n 's/^ISSUE //p' "$WORK/logs/$name.wrk")
  [ -n "$result" ] || { cat "$WORK/logs/$name.wrk" >&2; die "wrk issuance $name printed no result"; }
  echo "$result"
}

CHECKS=() # failed checks, reported at the end (and the run exits non-zero)
check_issue() { # check_issue NAME RESULT
  local other unparsed
  other=$(field other "$2")
  unparsed=$(field unparsed "$2")
  if [ "$other" != 0 ] || [ "$unparsed" != 0 ]; then
    CHECKS+=("issuance $1: $other responses were not 201, $unparsed 201s carried no code")
  fi
}
rate_of() { awk -v n="$(field created "$1")" -v us="$(field duration_us "$1")" 'BEGIN { printf "%.1f", (us > 0 ? n / us * 1e6 : 0) }'; }

# The smallest number of unused codes any thread of a pool has left.
pool_left() { # pool_left DIR THREADS
  local dir=$1 threads=$2 i lines offset left min=-1
  for ((i = 1; i <= threads; i++)); do
    lines=$(wc -l <"$dir/codes-$i.txt" 2>/dev/null || echo 0)
    offset=$(sed -n "${i}p" "$dir/offsets" 2>/dev/null || true)
    left=$((lines - ${offset:-0}))
    ((min < 0 || left < min)) && min=$left
  done
  echo "$min"
}

# ensure_codes NAME ADMIN-PORT DIR THREADS CONNECTIONS REQUESTS ISSUE-RATE : tops the pool up so that each of its
# THREADS threads has at least REQUESTS/THREADS unused codes (issuing for as long as ISSUE-RATE says it takes).
ensure_codes() {
  local name=$1 port=$2 dir=$3 threads=$4 conns=$5 requests=$6 rate=$7 attempt per_thread left seconds result
  per_thread=$(((requests + threads - 1) / threads))
  for ((attempt = 1; attempt <= 4; attempt++)); do
    left=$(pool_left "$dir" "$threads")
    ((left >= per_thread)) && return 0
    seconds=$(awk -v d="$(((per_thread - left) * threads))" -v r="$rate" 'BEGIN { s = int(d / (r > 0 ? r : 1000) * 1.1) + 1; print (s < 2 ? 2 : s) }')
    log "  issuing codes for $name: ~$(((per_thread - left) * threads)) more (${seconds}s)"
    result=$(issue "$name-topup-$RANDOM" "$port" "$seconds" "$threads" "$conns" "$dir")
    check_issue "$name top-up" "$result"
  done
  left=$(pool_left "$dir" "$threads")
  ((left >= per_thread)) || CHECKS+=("codes for $name: only $left per thread left, $per_thread wanted")
}

max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
# codes_for RATE SECONDS : how many requests a run of SECONDS may make at about RATE, with margin.
codes_for() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%d", r * s * 1.25 + 1000 }'; }

FT=$(((THREADS + 1) / 2))          # f: threads per replica's wrk
FC=$((CONNECTIONS / 2))            # f: connections per replica's wrk
MEM_CODES="$WORK/codes/memory"
REDIS_CODES="$WORK/codes/redis"
F1_CODES="$WORK/codes/f-1"
F2_CODES="$WORK/codes/f-2"

url_of() { # url_of TARGET [REPLICA]
  case $1 in
  a) echo "http://127.0.0.1:$BACKEND_PORT/open/hello" ;;
  b) echo "http://127.0.0.1:$NGINX_PROXY_PORT/open/hello" ;;
  c) echo "http://127.0.0.1:$MEM_PROXY_PORT/open/hello" ;;
  d) echo "http://127.0.0.1:$MEM_PROXY_PORT/latched/hello" ;;
  e) echo "http://127.0.0.1:$R1_PROXY_PORT/latched/hello" ;;
  f1) echo "http://127.0.0.1:$R1_PROXY_PORT/latched/hello" ;;
  f2) echo "http://127.0.0.1:$R2_PROXY_PORT/latched/hello" ;;
  esac
}

# run_f NAME SECONDS : both replicas at once, each with half the load; prints combined RESULT fields
# (rps summed, p50 the mean and p99 the larger of the two: percentiles of two runs cannot be merged exactly).
run_f() {
  local name=$1 seconds=$2
  load "$name-1" "$(url_of f1)" "$seconds" "$FT" "$FC" "$F1_CODES" >"$WORK/$name-1.result" &
  local p1=$!
  load "$name-2" "$(url_of f2)" "$seconds" "$FT" "$FC" "$F2_CODES" >"$WORK/$name-2.result" &
  local p2=$!
  wait "$p1" "$p2" || die "wrk run $name failed"
  local r1 r2
  r1=$(cat "$WORK/$name-1.result")
  r2=$(cat "$WORK/$name-2.result")
  awk -v a="$r1" -v b="$r2" 'function f(s, k,   n, i, kv) { n = split(s, kv, " "); for (i = 1; i <= n; i++) if (index(kv[i], k "=") == 1) return substr(kv[i], length(k) + 2); return 0 }
    BEGIN { printf "requests=%d duration_us=%d rps=%.1f p50_us=%.1f p99_us=%.1f non200=%d exhausted=%d socket_errors=%d timeouts=%d\n",
      f(a,"requests")+f(b,"requests"), (f(a,"duration_us")>f(b,"duration_us")?f(a,"duration_us"):f(b,"duration_us")),
      f(a,"rps")+f(b,"rps"), (f(a,"p50_us")+f(b,"p50_us"))/2, (f(a,"p99_us")>f(b,"p99_us")?f(a,"p99_us"):f(b,"p99_us")),
      f(a,"non200")+f(b,"non200"), f(a,"exhausted")+f(b,"exhausted"), f(a,"socket_errors")+f(b,"socket_errors"), f(a,"timeouts")+f(b,"timeouts") }'
}

# ---------------------------------------------------------------------------------------------------------------
# Warm-up (JIT, connection pools), code issuance and its rate
# ---------------------------------------------------------------------------------------------------------------
# .NET compiles hot methods again, optimised, on a background thread: under full load on one CPU that thread
# hardly runs, and a fresh gateway stays at about half its speed for its first 30-50 s under load. So each gateway
# path is warmed until its JIT has settled: runs of WARMUP seconds, each followed by a pause (PAUSE seconds) for
# the background compilation to catch up, until a run and its pause compile fewer than JIT_QUIET methods (the
# System.Runtime meter's dotnet_jit_compiled_methods_total on the gateway's /metrics), at most WARM_RUNS runs.
pause() { sleep "$PAUSE"; }
jit_methods() { metric_sum "$1" dotnet_jit_compiled_methods_total; }
# warm NAME ADMIN-PORT COMMAND… : repeats COMMAND (a load or issuance run) until the gateway's JIT has settled;
# the output of the last run is in $WARM_LAST.
warm() {
  local name=$1 port=$2 attempt before after
  shift 2
  for ((attempt = 1; attempt <= WARM_RUNS; attempt++)); do
    before=$(jit_methods "$port")
    WARM_LAST=$("$@")
    pause
    after=$(jit_methods "$port")
    log "  $name, warm-up run $attempt: $((after - before)) methods compiled"
    ((after - before < JIT_QUIET)) && return 0
  done
  log "  $name: the JIT was still compiling after $WARM_RUNS warm-up runs"
}
log "Warming up a, b (${WARMUP}s each), then the gateways' unlatched path until their JIT settles..."
load warm-a "$(url_of a)" "$WARMUP" "$THREADS" "$CONNECTIONS" >/dev/null
load warm-b "$(url_of b)" "$WARMUP" "$THREADS" "$CONNECTIONS" >/dev/null
warm "replica 1, unlatched" "$R1_ADMIN_PORT" load warm-open-r1 "http://127.0.0.1:$R1_PROXY_PORT/open/hello" "$WARMUP" "$THREADS" "$CONNECTIONS"
warm "replica 2, unlatched" "$R2_ADMIN_PORT" load warm-open-r2 "http://127.0.0.1:$R2_PROXY_PORT/open/hello" "$WARMUP" "$THREADS" "$CONNECTIONS"
warm "memory gateway, unlatched (c)" "$MEM_ADMIN_PORT" load warm-c "$(url_of c)" "$WARMUP" "$THREADS" "$CONNECTIONS"
# The unlatched rate, warm, sizes the first code pools (a latched route is not faster).
RATE_C=$(field rps "$(load warm-c-rate "$(url_of c)" "$WARMUP" "$THREADS" "$CONNECTIONS")")
log "  unlatched gateway, warm: $RATE_C req/s"
pause

# Codes for the warm-up and the first round at up to the unlatched rate; before each round the pools are topped
# up for the rate the latched runs actually reached.
NEED_LATCHED=$(codes_for "$RATE_C" $((WARMUP + DURATION + 1)))

log "Issuing codes on the memory store: until the admin path is warm, then ~$NEED_LATCHED codes (at least ${DURATION}s, the measured rate)..."
warm "memory gateway, issuance" "$MEM_ADMIN_PORT" issue issue-memory-warm "$MEM_ADMIN_PORT" "$WARMUP" "$THREADS" "$CONNECTIONS" "$MEM_CODES"
result=$WARM_LAST
check_issue "memory warm-up" "$result"
seconds=$(awk -v n="$NEED_LATCHED" -v have="$(field created "$result")" -v r="$(rate_of "$result")" -v min="$DURATION" 'BEGIN { s = int((n - have) / r) + 1; print (s < min ? min : s) }')
ISSUE_MEM=$(issue issue-memory "$MEM_ADMIN_PORT" "$seconds" "$THREADS" "$CONNECTIONS" "$MEM_CODES")
check_issue memory "$ISSUE_MEM"
ISSUE_RATE_MEM=$(rate_of "$ISSUE_MEM")
log "  memory store: $(field created "$ISSUE_MEM") codes at $ISSUE_RATE_MEM codes/s"

log "Issuing codes on Redis: until each replica's admin path is warm, then ~$NEED_LATCHED codes (at least ${DURATION}s)..."
warm "replica 1, issuance" "$R1_ADMIN_PORT" issue issue-redis-warm "$R1_ADMIN_PORT" "$WARMUP" "$THREADS" "$CONNECTIONS" "$REDIS_CODES"
result=$WARM_LAST
check_issue "redis warm-up" "$result"
ISSUE_RATE_REDIS_WARM=$(rate_of "$result")
warm "replica 2, issuance" "$R2_ADMIN_PORT" issue issue-redis-2-warm "$R2_ADMIN_PORT" "$WARMUP" "$FT" "$FC" "$F2_CODES"
check_issue "redis replica 2 warm-up" "$WARM_LAST"
redis_used() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'; }
REDIS_MEM_BEFORE=$(redis_used)
seconds=$(awk -v n="$NEED_LATCHED" -v have="$(field created "$result")" -v r="$ISSUE_RATE_REDIS_WARM" -v min="$DURATION" 'BEGIN { s = int((n - have) / r) + 1; print (s < min ? min : s) }')
ISSUE_REDIS=$(issue issue-redis "$R1_ADMIN_PORT" "$seconds" "$THREADS" "$CONNECTIONS" "$REDIS_CODES")
check_issue redis "$ISSUE_REDIS"
REDIS_MEM_AFTER=$(redis_used)
ISSUE_RATE_REDIS=$(rate_of "$ISSUE_REDIS")
REDIS_BYTES_PER_CODE=$(awk -v a="$REDIS_MEM_AFTER" -v b="$REDIS_MEM_BEFORE" -v n="$(field created "$ISSUE_REDIS")" 'BEGIN { printf "%.0f", (a - b) / n }')
log "  Redis: $(field created "$ISSUE_REDIS") codes at $ISSUE_RATE_REDIS codes/s; Redis memory $REDIS_BYTES_PER_CODE bytes per code (audit event included)"

# f: half of the codes issued through each replica, both at once (the issuance rate with two replicas).
seconds=$(awk -v n="$NEED_LATCHED" -v r="$ISSUE_RATE_REDIS" 'BEGIN { s = int(n / r) + 1; print (s < 3 ? 3 : s) }')
log "Issuing codes through both Redis replicas at once (${seconds}s)..."
issue issue-f-1 "$R1_ADMIN_PORT" "$seconds" "$FT" "$FC" "$F1_CODES" >"$WORK/issue-f-1.result" &
p1=$!
issue issue-f-2 "$R2_ADMIN_PORT" "$seconds" "$FT" "$FC" "$F2_CODES" >"$WORK/issue-f-2.result" &
p2=$!
wait "$p1" "$p2" || die "issuance through both replicas failed"
ISSUE_F1=$(cat "$WORK/issue-f-1.result")
ISSUE_F2=$(cat "$WORK/issue-f-2.result")
check_issue "redis replica 1 (f)" "$ISSUE_F1"
check_issue "redis replica 2 (f)" "$ISSUE_F2"
ISSUE_RATE_REDIS_2=$(awk -v a="$(rate_of "$ISSUE_F1")" -v b="$(rate_of "$ISSUE_F2")" 'BEGIN { printf "%.1f", a + b }')
log "  two replicas: $ISSUE_RATE_REDIS_2 codes/s"

# warm_latched NAME ADMIN-PORT CODES-DIR ISSUE-RATE URL : one latched warm-up run, its pool topped up first.
warm_latched() {
  ensure_codes "$1" "$2" "$3" "$THREADS" "$CONNECTIONS" "$(codes_for "$RATE_C" "$WARMUP")" "$4" >&2
  load "warm-$1" "$5" "$WARMUP" "$THREADS" "$CONNECTIONS" "$3"
}
log "Warming up d, e until their JIT settles, then f (${WARMUP}s)..."
warm "memory gateway, latched (d)" "$MEM_ADMIN_PORT" warm_latched memory "$MEM_ADMIN_PORT" "$MEM_CODES" "$ISSUE_RATE_MEM" "$(url_of d)"
warm "replica 1, latched (e)" "$R1_ADMIN_PORT" warm_latched redis "$R1_ADMIN_PORT" "$REDIS_CODES" "$ISSUE_RATE_REDIS" "$(url_of e)"
run_f warm-f "$WARMUP" >/dev/null
pause
# Code pools are topped up before each round for the fastest rate a latched target has reached in a round so far,
# before the first for the unlatched rate (which a latched route does not exceed).
declare -A SEEN_RPS=([d]=0 [e]=0 [f]=0)
pool_rate() { awk -v seen="${SEEN_RPS[$1]}" -v c="$RATE_C" -v div="${2:-1}" 'BEGIN { print (seen > 0 ? seen : c) / div }'; }

# ---------------------------------------------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------------------------------------------
RUNS="$WORK/runs.csv"
echo "round,target,rps,p50_ms,p99_ms,requests,non200,exhausted,socket_errors,timeouts,valid" >"$RUNS"
record() { # record ROUND TARGET RESULT
  local r=$3
  awk -v round="$1" -v t="$2" -v rps="$(field rps "$r")" -v p50="$(field p50_us "$r")" -v p99="$(field p99_us "$r")" \
    -v req="$(field requests "$r")" -v non="$(field non200 "$r")" -v ex="$(field exhausted "$r")" \
    -v se="$(field socket_errors "$r")" -v to="$(field timeouts "$r")" \
    'BEGIN { printf "%d,%s,%.1f,%.3f,%.3f,%d,%d,%d,%d,%d,%d\n", round, t, rps, p50 / 1000, p99 / 1000, req, non, ex, se, to, (non + se + to == 0) }' >>"$RUNS"
  if [ "$(field non200 "$r")" != 0 ] || [ "$(field socket_errors "$r")" != 0 ] || [ "$(field timeouts "$r")" != 0 ]; then
    CHECKS+=("round $1 target $2: $(field non200 "$r") non-200 responses ($(field exhausted "$r") for want of codes), $(field socket_errors "$r") socket errors, $(field timeouts "$r") timeouts")
  fi
  case $2 in d | e | f) SEEN_RPS[$2]=$(max "${SEEN_RPS[$2]}" "$(field rps "$r")") ;; esac
}

cpu_times() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9 }' /proc/stat; }
read -r CPU_TOTAL_START CPU_STEAL_START <<<"$(cpu_times)"
for ((round = 1; round <= ROUNDS; round++)); do
  # Codes first, so that no issuance runs between two targets of a round.
  ensure_codes memory "$MEM_ADMIN_PORT" "$MEM_CODES" "$THREADS" "$CONNECTIONS" "$(codes_for "$(pool_rate d)" "$DURATION")" "$ISSUE_RATE_MEM"
  ensure_codes redis "$R1_ADMIN_PORT" "$REDIS_CODES" "$THREADS" "$CONNECTIONS" "$(codes_for "$(pool_rate e)" "$DURATION")" "$ISSUE_RATE_REDIS"
  need_f=$(codes_for "$(pool_rate f 2)" "$DURATION")
  ensure_codes f-1 "$R1_ADMIN_PORT" "$F1_CODES" "$FT" "$FC" "$need_f" "$ISSUE_RATE_REDIS"
  ensure_codes f-2 "$R2_ADMIN_PORT" "$F2_CODES" "$FT" "$FC" "$need_f" "$ISSUE_RATE_REDIS"
  line="round $round/$ROUNDS:"
  for target in a b c d e f; do
    case $target in
    a | b | c) result=$(load "r$round-$target" "$(url_of $target)" "$DURATION" "$THREADS" "$CONNECTIONS") ;;
    d) result=$(load "r$round-d" "$(url_of d)" "$DURATION" "$THREADS" "$CONNECTIONS" "$MEM_CODES") ;;
    e) result=$(load "r$round-e" "$(url_of e)" "$DURATION" "$THREADS" "$CONNECTIONS" "$REDIS_CODES") ;;
    f) result=$(run_f "r$round-f" "$DURATION") ;;
    esac
    record "$round" "$target" "$result"
    line+=" $target=$(awk -v r="$(field rps "$result")" 'BEGIN { printf "%.0f", r }')/s"
  done
  log "$line"
done
read -r CPU_TOTAL_END CPU_STEAL_END <<<"$(cpu_times)"
STEAL=$(awk -v t=$((CPU_TOTAL_END - CPU_TOTAL_START)) -v s=$((CPU_STEAL_END - CPU_STEAL_START)) 'BEGIN { printf "%.1f", (t > 0 ? 100 * s / t : 0) }')

# ---------------------------------------------------------------------------------------------------------------
# What the gateways counted (validations by outcome, audit drops), then RSS per live code on a fresh gateway
# ---------------------------------------------------------------------------------------------------------------
MEM_ACCEPTED=$(metric_sum "$MEM_ADMIN_PORT" latch_validations_total 'outcome="accepted"')
MEM_REFUSED=$(($(metric_sum "$MEM_ADMIN_PORT" latch_validations_total) - MEM_ACCEPTED - $(metric_sum "$MEM_ADMIN_PORT" latch_validations_total 'outcome="missing"')))
REDIS_ACCEPTED=$(($(metric_sum "$R1_ADMIN_PORT" latch_validations_total 'outcome="accepted"') + $(metric_sum "$R2_ADMIN_PORT" latch_validations_total 'outcome="accepted"')))
REDIS_ALL=$(($(metric_sum "$R1_ADMIN_PORT" latch_validations_total) + $(metric_sum "$R2_ADMIN_PORT" latch_validations_total)))
REDIS_MISSING=$(($(metric_sum "$R1_ADMIN_PORT" latch_validations_total 'outcome="missing"') + $(metric_sum "$R2_ADMIN_PORT" latch_validations_total 'outcome="missing"')))
REDIS_REFUSED=$((REDIS_ALL - REDIS_ACCEPTED - REDIS_MISSING))
AUDIT_DROPPED_MEM=$(metric_sum "$MEM_ADMIN_PORT" latch_audit_dropped_total)
AUDIT_DROPPED_REDIS=$(($(metric_sum "$R1_ADMIN_PORT" latch_audit_dropped_total) + $(metric_sum "$R2_ADMIN_PORT" latch_audit_dropped_total)))
AUDIT_DROPPED=$((AUDIT_DROPPED_MEM + AUDIT_DROPPED_REDIS))
((MEM_REFUSED == 0 && REDIS_REFUSED == 0)) || CHECKS+=("the gateways refused $MEM_REFUSED (memory) and $REDIS_REFUSED (Redis) presentations with a code (invalid, used, ...)")

log "RSS per live code: a fresh memory-store gateway, ~$RSS_CODES codes..."
for pid in "$MEM_PID" "$R1_PID" "$R2_PID"; do stop_pid "$pid"; done # free their memory and CPU first
# Not pinned: the number of CPUs it sees sets its GC heaps, and so its memory use; this is no load test.
start_gateway gw-rss "$RSS_PROXY_PORT" "$RSS_ADMIN_PORT" memory unpinned
RSS_PID=$LAST_PID
wait_until gw-rss "$RSS_PID" 60 http_ok "http://127.0.0.1:$RSS_ADMIN_PORT/readyz"
vmrss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Warm the admin path first, so that JIT and first-use allocations are not counted as codes.
warm "RSS gateway, issuance" "$RSS_ADMIN_PORT" issue rss-warm "$RSS_ADMIN_PORT" 2 "$THREADS" "$CONNECTIONS" "$WORK/codes/rss-warm"
result=$WARM_LAST
RSS_BEFORE_KB=$(vmrss_kb "$RSS_PID")
# Issue in runs of at most 10 s until about RSS_CODES codes are live (90 s at most).
RSS_N=0
rss_us=0
rate=$(rate_of "$result")
for ((chunk = 1; chunk <= 20 && RSS_N < RSS_CODES * 95 / 100 && rss_us < 90000000; chunk++)); do
  seconds=$(awk -v n=$((RSS_CODES - RSS_N)) -v r="$rate" 'BEGIN { s = int(n / (r > 0 ? r : 1000) + 0.5); print (s < 2 ? 2 : (s > 10 ? 10 : s)) }')
  result=$(issue "rss-$chunk" "$RSS_ADMIN_PORT" "$seconds" "$THREADS" "$CONNECTIONS" "$WORK/codes/rss")
  check_issue "RSS gateway" "$result"
  rate=$(rate_of "$result")
  RSS_N=$((RSS_N + $(field created "$result")))
  rss_us=$((rss_us + $(field duration_us "$result")))
done
sleep 2
RSS_AFTER_KB=$(vmrss_kb "$RSS_PID")
RSS_ISSUE_RATE=$(awk -v n="$RSS_N" -v us="$rss_us" 'BEGIN { printf "%.1f", (us > 0 ? n / us * 1e6 : 0) }')
RSS_PER_CODE=$(awk -v a="$RSS_AFTER_KB" -v b="$RSS_BEFORE_KB" -v n="$RSS_N" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')
log "  VmRSS $RSS_BEFORE_KB kB -> $RSS_AFTER_KB kB for $RSS_N codes: $RSS_PER_CODE bytes per code"
stop_pid "$RSS_PID"

# ---------------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Runs with a non-200 response, a socket error or a timeout (a failed check) are left out of the figures.
col() { # col TARGET COLUMN : that column of every valid run of TARGET
  awk -F, -v t="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } $2 == t && $NF == 1 { print $k }' "$RUNS"
}
per_round() { # per_round X Y COLUMN ratio|diff : X over (or minus) Y for each round where both runs are valid
  awk -F, -v x="$1" -v y="$2" -v c="$3" -v op="$4" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
    $NF != 1 { next } $2 == x { X[$1] = $k } $2 == y { Y[$1] = $k }
    END { for (r in X) if (r in Y) print (op == "ratio" ? (Y[r] > 0 ? X[r] / Y[r] : 0) : X[r] - Y[r]) }' "$RUNS"
}
declare -A RPS P50 P99 NON
for t in a b c d e f; do
  RPS[$t]=$(col $t rps | median)
  P50[$t]=$(col $t p50_ms | median)
  P99[$t]=$(col $t p99_ms | median)
  NON[$t]=$(awk -F, -v t="$t" '$2 == t { s += $7 } END { print s + 0 }' "$RUNS")
done
R_DC=$(per_round d c rps ratio | median)
R_EC=$(per_round e c rps ratio | median)
R_CB=$(per_round c b rps ratio | median)
R_FE=$(per_round f e rps ratio | median)
ADD_D=$(per_round d c p99_ms diff | median)
ADD_E=$(per_round e c p99_ms diff | median)

fmt() { awk -v v="$1" -v p="${2:-1}" 'BEGIN { printf "%.*f", p, v }'; }
meets() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN { ok = (op == ">=" ? v >= g : v <= g); print (ok ? "yes" : "**no**") }'; }

CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
WRK_VERSION=$({ wrk -v 2>&1 || true; } | head -n 1 | awk '{ print $2 }')
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')
REDIS_VERSION=$("$REDIS_SERVER" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
DOTNET_VERSION=$(dotnet --version)
PINNING="none"
PINNED=""
[ "$PIN" != 1 ] || PINNING="wrk on CPU $LOAD_CPUS, servers on CPU $SERVER_CPUS (taskset)"
[ "$PIN" != 1 ] || PINNED=", servers on CPU $SERVER_CPUS, wrk on CPU $LOAD_CPUS"

mkdir -p "$RESULTS" "$ROOT/docs"
cp "$RUNS" "$RESULTS/latest-runs.csv"

{
  echo "key,value,unit,goal"
  for t in a b c d e f; do
    echo "$t.rps,$(fmt "${RPS[$t]}"),req/s,"
    echo "$t.p50,$(fmt "${P50[$t]}" 3),ms,"
    echo "$t.p99,$(fmt "${P99[$t]}" 3),ms,"
    echo "$t.non200,${NON[$t]},responses,0"
  done
  echo "ratio.d_over_c,$(fmt "$R_DC" 3),,>=0.9"
  echo "ratio.e_over_c,$(fmt "$R_EC" 3),,>=0.75"
  echo "ratio.c_over_b,$(fmt "$R_CB" 3),,>=0.8"
  echo "ratio.f_over_e,$(fmt "$R_FE" 3),,"
  echo "added_p99.d_minus_c,$(fmt "$ADD_D" 3),ms,<=2"
  echo "added_p99.e_minus_c,$(fmt "$ADD_E" 3),ms,<=2"
  echo "issuance.memory,$(fmt "$ISSUE_RATE_MEM"),codes/s,>=20000"
  echo "issuance.redis,$(fmt "$ISSUE_RATE_REDIS"),codes/s,>=20000"
  echo "issuance.redis_2_replicas,$(fmt "$ISSUE_RATE_REDIS_2"),codes/s,"
  echo "rss_per_live_code.memory,$RSS_PER_CODE,bytes,<=512"
  echo "rss.before,$RSS_BEFORE_KB,kB,"
  echo "rss.after,$RSS_AFTER_KB,kB,"
  echo "rss.codes,$RSS_N,codes,"
  echo "rss.issuance_unpinned,$(fmt "$RSS_ISSUE_RATE"),codes/s,"
  echo "redis_memory_per_code,$REDIS_BYTES_PER_CODE,bytes,"
  echo "audit_dropped.memory,$AUDIT_DROPPED_MEM,events,0"
  echo "audit_dropped.redis,$AUDIT_DROPPED_REDIS,events,0"
  echo "cpu_steal_during_rounds,$STEAL,%,"
  echo "validations.accepted.memory,$MEM_ACCEPTED,,"
  echo "validations.accepted.redis,$REDIS_ACCEPTED,,"
  echo "settings.rounds,$ROUNDS,,"
  echo "settings.duration,$DURATION,s,"
  echo "settings.threads,$THREADS,,"
  echo "settings.connections,$CONNECTIONS,,"
} >"$RESULTS/latest.csv"

{
  echo "# LatchGateway benchmark — latest run"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT$DIRTY. $CPUS CPUs ($CPU_MODEL), .NET SDK $DOTNET_VERSION, nginx $NGINX_VERSION, Redis $REDIS_VERSION, wrk $WRK_VERSION."
  echo "Load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\` per run on loopback, the same script for every target; $ROUNDS rounds (a b c d e f, …), each gateway path warmed in ${WARMUP}s runs until its JIT settled (fewer than $JIT_QUIET methods compiled in a run); pinning: $PINNING."
  echo "Load average (1/5/15 min) before the run: $LOADAVG_START (anything else running on the machine makes figures noisier); CPU steal during the rounds: $STEAL %."
  echo "Figures are medians over rounds; ratios and added latencies are medians of per-round values. Reproduce: \`bash tests/benchmark/run.sh\`."
  echo
  echo "| target | what | requests/s | p50 (ms) | p99 (ms) | non-200 |"
  echo "|---|---|---:|---:|---:|---:|"
  echo "| a | nginx, fixed 200 (the backend) | $(fmt "${RPS[a]}" 0) | $(fmt "${P50[a]}" 2) | $(fmt "${P99[a]}" 2) | ${NON[a]} |"
  echo "| b | nginx reverse proxy → a (upstream keepalive) | $(fmt "${RPS[b]}" 0) | $(fmt "${P50[b]}" 2) | $(fmt "${P99[b]}" 2) | ${NON[b]} |"
  echo "| c | gateway, unlatched route → a | $(fmt "${RPS[c]}" 0) | $(fmt "${P50[c]}" 2) | $(fmt "${P99[c]}" 2) | ${NON[c]} |"
  echo "| d | gateway, latched, memory store, fresh code per request | $(fmt "${RPS[d]}" 0) | $(fmt "${P50[d]}" 2) | $(fmt "${P99[d]}" 2) | ${NON[d]} |"
  echo "| e | gateway, latched, Redis store | $(fmt "${RPS[e]}" 0) | $(fmt "${P50[e]}" 2) | $(fmt "${P99[e]}" 2) | ${NON[e]} |"
  echo "| f | two Redis replicas, half the load each (p50 mean, p99 max) | $(fmt "${RPS[f]}" 0) | $(fmt "${P50[f]}" 2) | $(fmt "${P99[f]}" 2) | ${NON[f]} |"
  echo
  echo "| figure | value | goal | met |"
  echo "|---|---:|---:|:---:|"
  echo "| latched/unlatched, memory (d/c) | $(fmt "$R_DC" 3) | ≥ 0.9 | $(meets "$R_DC" ">=" 0.9) |"
  echo "| latched/unlatched, Redis (e/c) | $(fmt "$R_EC" 3) | ≥ 0.75 | $(meets "$R_EC" ">=" 0.75) |"
  echo "| unlatched gateway / nginx proxy (c/b) | $(fmt "$R_CB" 3) | ≥ 0.8 | $(meets "$R_CB" ">=" 0.8) |"
  echo "| added p99, memory (d−c) | $(fmt "$ADD_D" 2) ms | ≤ 2 ms | $(meets "$ADD_D" "<=" 2) |"
  echo "| added p99, Redis (e−c) | $(fmt "$ADD_E" 2) ms | ≤ 2 ms | $(meets "$ADD_E" "<=" 2) |"
  echo "| issuance, memory store (pinned like every target) | $(fmt "$ISSUE_RATE_MEM" 0) codes/s | ≥ 20,000 | $(meets "$ISSUE_RATE_MEM" ">=" 20000) |"
  echo "| issuance, memory store, gateway not pinned (the RSS run) | $(fmt "$RSS_ISSUE_RATE" 0) codes/s | ≥ 20,000 | $(meets "$RSS_ISSUE_RATE" ">=" 20000) |"
  echo "| issuance, Redis (one replica) | $(fmt "$ISSUE_RATE_REDIS" 0) codes/s | ≥ 20,000 | $(meets "$ISSUE_RATE_REDIS" ">=" 20000) |"
  echo "| issuance, Redis (two replicas at once) | $(fmt "$ISSUE_RATE_REDIS_2" 0) codes/s | | |"
  echo "| gateway RSS per live code (memory store) | $RSS_PER_CODE bytes | ≤ 512 | $(meets "$RSS_PER_CODE" "<=" 512) |"
  echo "| scaling 1 → 2 Redis replicas (f/e) | $(fmt "$R_FE" 2) | | |"
  echo "| Redis memory per issued code (its audit event included) | $REDIS_BYTES_PER_CODE bytes | | |"
  echo "| audit events dropped (latch_audit_dropped_total), memory / Redis gateways | $AUDIT_DROPPED_MEM / $AUDIT_DROPPED_REDIS | 0 | $( ((AUDIT_DROPPED == 0)) && echo yes || echo '**no**') |"
  echo
  echo "RSS: VmRSS of a fresh memory-store gateway, not pinned (admin path warmed by issuing until its JIT settled), $RSS_BEFORE_KB kB before and $RSS_AFTER_KB kB 2 s after issuing $RSS_N codes (TTL 30 min), at $(fmt "$RSS_ISSUE_RATE" 0) codes/s."
  echo "Gateways counted $MEM_ACCEPTED accepted presentations (memory) and $REDIS_ACCEPTED (Redis), warm-ups included, and refused $MEM_REFUSED and $REDIS_REFUSED presentations that carried a code."
  echo "Gateways ran with the runtime settings of deploy/Dockerfile (\`${IMAGE_ENV% }\`)${GATEWAY_ENV:+ and the extra environment \`$GATEWAY_ENV\`}."
  echo "Every run: \`tests/benchmark/results/latest-runs.csv\`."
  if ((${#CHECKS[@]} > 0)); then
    echo
    echo "**Checks that failed:**"
    for c in "${CHECKS[@]}"; do echo "- $c"; done
  fi
} >"$RESULTS/latest.md"

# Throughput (bars) and p99 latency (points, right axis) for a–e.
PLOT_DATA="$WORK/plot.dat"
for t in a b c d e; do
  case $t in
  a) label="a nginx" ;; b) label="b nginx proxy" ;; c) label="c gateway open" ;; d) label="d latched memory" ;; e) label="e latched Redis" ;;
  esac
  printf '"%s" %s %s\n' "$label" "${RPS[$t]}" "${P99[$t]}"
done >"$PLOT_DATA"
gnuplot -e "datafile='$PLOT_DATA'; outfile='$ROOT/docs/benchmarks.png'; subtitle='$CPUS CPUs$PINNED, wrk -t$THREADS -c$CONNECTIONS, median of $ROUNDS x ${DURATION}s, commit $COMMIT'" \
  "$BENCH_DIR/plot.gnuplot" 2>"$WORK/logs/gnuplot.log" || { cat "$WORK/logs/gnuplot.log" >&2; CHECKS+=("gnuplot failed"); }

cat "$RESULTS/latest.md"
echo
log "Written: tests/benchmark/results/latest.md, latest.csv, latest-runs.csv, docs/benchmarks.png"
if ((${#CHECKS[@]} > 0)); then
  log "Some checks failed (see above)."
  exit 1
fi

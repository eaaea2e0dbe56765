#!/usr/bin/env bash
# Load benchmark of LatchGateway against nginx, on loopback, with wrk.
#
#   a  nginx serving a fixed 200 "ok\n" (the backend of every other target)
#   b  nginx as a reverse proxy to a, upstream keepalive (what users would otherwise put in front)
#   c  the gateway, unlatched route /open/… to a
#   d  the gateway, latched route /latched/…, memory store, every request with a fresh pre-issued code
#   e  the same on Redis
#   f  two gateway replicas on one Redis, each loaded by one wrk with half the threads and connections
#   g  a Session route /session/… on Redis: sessions opened beforehand (one per connection), every request carrying
#      its session's token in X-Latch-Session
#   h  the same on the memory store
#
# Targets run alternately (a b c d e f g h, a b c d e f g h, …) for ROUNDS rounds; the figures are medians over
# rounds, ratios are medians of per-round ratios. Codes are issued beforehand through the admin API (by wrk, which
# measures the issuance rate too). After the rounds, the self-service access flow (create, approve, pick up) is
# measured step by step on both stores, then the gateway's RSS per live code on a fresh gateway (measure_rss).
#
# Usage: bash tests/benchmark/run.sh          (about 8 minutes with the defaults on a quiet 2-CPU machine; the total and
#                                              each phase's time are printed at the end)
# Settings (environment):
#   ROUNDS=4 DURATION=3 (s per run) WARMUP=3 (s) THREADS=2 CONNECTIONS=32 (wrk -t/-c, the same for every target)
#   ACCESS_DURATION=DURATION (s of access requests created per measured access run)
#   RSS_CODES=150000 RSS_SESSIONS=30000 RSS_ACCESS=10000 (items created for the RSS figures, tests/benchmark/rss.sh)
#   PAUSE=1 (s of idle after each warm-up run, for the JIT's background recompilation to catch up)
#   WARM_RUNS=4 JIT_QUIET=25: each gateway path is warmed with runs of WARMUP s until a run compiles fewer than
#     JIT_QUIET methods (the gateway's dotnet_jit_compiled_methods_total), at most WARM_RUNS runs
#   PIN=1|0 (default 1: wrk on LOAD_CPUS, every server on SERVER_CPUS, with taskset; by default wrk gets the last
#     min(THREADS, CPUS/2) CPUs and the servers the others, so the load generator never takes CPU from the server
#     under test, however fast that one is; on 2 CPUs the steadier choice, see tests/benchmark/README.md)
#   SAVE_RUN=1|0 (default 1: keep this run's latest.csv as results/runs/<UTC time>-<commit>.csv, the newest RUNS_KEPT=6
#     kept, and render the last three side by side with side-by-side.sh; 0 for experiments)
#   KEEP_TMP=1 keeps the temporary folder (logs, configurations, codes); it is always kept when the run fails.
#   GATEWAY_ENV="NAME=value …" extra environment of the gateway processes, for experiments
#     (e.g. GATEWAY_ENV=OTEL_SDK_DISABLED=true to see what OpenTelemetry costs).
# Writes tests/benchmark/results/latest.{md,csv}, results/latest-runs.csv, and with SAVE_RUN=1 results/runs/*.csv,
# results/side-by-side.md and docs/benchmarks.png.
set -euo pipefail

ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
ACCESS_DURATION=${ACCESS_DURATION:-$DURATION}
RSS_CODES=${RSS_CODES:-150000}
PAUSE=${PAUSE:-1}
WARM_RUNS=${WARM_RUNS:-4}
JIT_QUIET=${JIT_QUIET:-25}
PIN=${PIN:-1}
SAVE_RUN=${SAVE_RUN:-1}
RUNS_KEPT=${RUNS_KEPT:-6}
KEEP_TMP=${KEEP_TMP:-0}
GATEWAY_ENV=${GATEWAY_ENV:-}

for setting in ROUNDS DURATION WARMUP THREADS CONNECTIONS ACCESS_DURATION RSS_CODES WARM_RUNS JIT_QUIET RUNS_KEPT; do
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
for setting in SAVE_RUN PIN KEEP_TMP; do
  [[ ${!setting} =~ ^[01]$ ]] || { echo "$setting must be 0 or 1 (it is '${!setting}')." >&2; exit 2; }
done

# Time spent per phase, printed at the end: phase NAME closes the phase before it.
PHASES=()
PHASE_NAME=""
PHASE_START=$SECONDS
phase() {
  [ -z "$PHASE_NAME" ] || PHASES+=("$PHASE_NAME $((SECONDS - PHASE_START))")
  PHASE_NAME=$1
  PHASE_START=$SECONDS
}
phase_summary() { # one line: total and every phase's seconds
  local entry out=""
  for entry in "${PHASES[@]}"; do out+="${out:+, }${entry% *} ${entry##* }s"; done
  echo "$((SECONDS - RUN_START))s in all ($out)"
}
RUN_START=$SECONDS

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
have openssl || packages+=(openssl)
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
phase publish
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
ADMIN_HEADERS="$WORK/admin.headers" # the same key for curl (-H @file)
(umask 077 && printf 'X-Api-Key: %s\n' "$API_KEY" >"$ADMIN_HEADERS")

# People of the access flow: JWT bearer tokens (HS256) signed with a key the gateways trust, given to the gateways
# through their environment, the tokens to wrk (wrk/access.lua) through its own (the throwaway key is on openssl's
# command line for a moment while the two tokens are signed).
JWT_ISSUER=latch-bench
JWT_AUDIENCE=latch
(umask 077 && head -c 32 /dev/urandom >"$WORK/jwt.key")
JWT_KEY_HEX=$(od -An -tx1 "$WORK/jwt.key" | tr -d ' \n')
JWT_KEY_B64=$(base64 -w0 "$WORK/jwt.key")
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
jwt_for() { # jwt_for USER GROUP : a token valid for 2 hours
  local now header payload signing
  now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"iss":"%s","aud":"%s","sub":"%s","groups":["%s"],"iat":%d,"nbf":%d,"exp":%d}' \
    "$JWT_ISSUER" "$JWT_AUDIENCE" "$1" "$2" "$now" "$now" $((now + 7200)) | b64url)
  signing="$header.$payload"
  printf '%s.%s' "$signing" "$(printf %s "$signing" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$JWT_KEY_HEX" -binary | b64url)"
}
BENCH_REQUESTER_TOKEN=$(jwt_for bench-requester bench-requesters)
BENCH_APPROVER_TOKEN=$(jwt_for bench-approver bench-approvers)
export BENCH_REQUESTER_TOKEN BENCH_APPROVER_TOKEN

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

phase start
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
IMAGE_ENV=$(sed -n 's/^[[:space:]]*\(DOTNET_[A-Za-z0-9_]*=[0-9A-Za-z]*\).*/\1/p' "$ROOT/deploy/Dockerfile" | tr '\n' ' ')
[ -n "$IMAGE_ENV" ] || die "deploy/Dockerfile sets no DOTNET_* setting: the benchmark would not run the gateway as shipped"
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
    "--ReverseProxy:Routes:session:ClusterId=backend"
    "--ReverseProxy:Routes:session:Match:Path=/session/{**rest}"
    "--ReverseProxy:Routes:session:Transforms:0:Latch=Session"
    "--ReverseProxy:Routes:session:Transforms:0:SessionLifetime=01:00:00"
    "--ReverseProxy:Routes:desk:ClusterId=backend"
    "--ReverseProxy:Routes:desk:Match:Path=/desk/{**rest}"
    "--ReverseProxy:Routes:desk:Transforms:0:Latch=Required"
    "--ReverseProxy:Clusters:backend:Destinations:d1:Address=http://127.0.0.1:$BACKEND_PORT/"
    "--Authentication:Schemes:Bearer:ValidIssuer=$JWT_ISSUER"
    "--Authentication:Schemes:Bearer:ValidAudiences:0=$JWT_AUDIENCE"
    "--Authentication:Schemes:Bearer:SigningKeys:0:Issuer=$JWT_ISSUER"
    "--Latch:Access:Policies:desk:Requesters:0=group:bench-requesters"
    "--Latch:Access:Policies:desk:Approvers:0=group:bench-approvers"
    "--Latch:Access:Policies:desk:Approvals=1"
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
    DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    Authentication__Schemes__Bearer__SigningKeys__0__Value="$JWT_KEY_B64" $IMAGE_ENV $GATEWAY_ENV \
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

fmt() { awk -v v="$1" -v p="${2:-1}" 'BEGIN { printf "%.*f", p, v }'; }
meets() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN { ok = (op == ">=" ? v >= g : v <= g); print (ok ? "yes" : "**no**") }'; }

metric_sum() { # metric_sum ADMIN-PORT NAME [LABEL] : sum of the samples of NAME (whose labels contain LABEL)
  { curl -fsS --max-time 10 "http://127.0.0.1:$1/metrics" 2>/dev/null || true; } |
    awk -v name="$2" -v label="${3:-}" '(index($0, name "{") == 1 || index($0, name " ") == 1) && index($0, label) { s += $NF } END { printf "%d", s }'
}

# load NAME URL SECONDS THREADS CONNECTIONS [DIR [latched|session]] : one load run, plain without a folder, with
# one latched (DIR holds the codes) or session (DIR holds each thread's session tokens); prints the RESULT fields.
load() {
  local name=$1 url=$2 seconds=$3 threads=$4 conns=$5 dir=${6:-} mode=plain
  [ -z "$dir" ] || mode=${7:-latched}
  local codes="" sessions=""
  case $mode in latched) codes=$dir ;; session) sessions=$dir ;; esac
  BENCH_MODE=$mode BENCH_CODES=$codes BENCH_OFFSETS=${codes:+$codes/offsets} BENCH_SESSIONS=$sessions \
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

# No issuance run lasts longer than this (a pool that falls short is topped up again; a check reports what is missing).
ISSUE_MAX=$((3 * DURATION + 5))
# ensure_codes NAME ADMIN-PORT DIR THREADS CONNECTIONS REQUESTS ISSUE-RATE : tops the pool up so that each of its
# THREADS threads has at least REQUESTS/THREADS unused codes (issuing for as long as ISSUE-RATE says it takes).
ensure_codes() {
  local name=$1 port=$2 dir=$3 threads=$4 conns=$5 requests=$6 rate=$7 attempt per_thread left seconds result
  per_thread=$(((requests + threads - 1) / threads))
  for ((attempt = 1; attempt <= 4; attempt++)); do
    left=$(pool_left "$dir" "$threads")
    ((left >= per_thread)) && return 0
    seconds=$(awk -v d="$(((per_thread - left) * threads))" -v r="$rate" -v max="$ISSUE_MAX" 'BEGIN { s = int(d / (r > 0 ? r : 1000) * 1.1) + 1; print (s < 2 ? 2 : (s > max ? max : s)) }')
    log "  issuing codes for $name: ~$(((per_thread - left) * threads)) more (${seconds}s)"
    result=$(issue "$name-topup-$RANDOM" "$port" "$seconds" "$threads" "$conns" "$dir")
    check_issue "$name top-up" "$result"
  done
  left=$(pool_left "$dir" "$threads")
  ((left >= per_thread)) || CHECKS+=("codes for $name: only $left per thread left, $per_thread wanted")
}

max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
# codes_for RATE SECONDS : how many requests a run of SECONDS may make at about RATE, with margin (rates move by up
# to a third between runs on a shared machine).
codes_for() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%d", r * s * 1.5 + 1000 }'; }

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
  g) echo "http://127.0.0.1:$R1_PROXY_PORT/session/hello" ;;
  h) echo "http://127.0.0.1:$MEM_PROXY_PORT/session/hello" ;;
  esac
}

# open_sessions NAME ADMIN-PORT URL DIR : one session per connection (CONNECTIONS of them), each opened by a code
# issued for the route "session" and presented once in X-Latch-Code (with curl); the tokens from the responses'
# Set-Cookie go round-robin into DIR/tokens-<thread>.txt, one file per wrk thread.
open_sessions() {
  local name=$1 port=$2 url=$3 dir=$4 i code token
  mkdir -p "$dir"
  for ((i = 0; i < CONNECTIONS; i++)); do
    code=$(curl -fsS --max-time 10 -H @"$ADMIN_HEADERS" -H 'Content-Type: application/json' -d '{"route":"session"}' \
      "http://127.0.0.1:$port/admin/codes" | sed -n 's/.*"code" *: *"\([^"]*\)".*/\1/p') || true
    [ -n "$code" ] || die "$name: issuing a code for the session route failed"
    token=$(printf 'X-Latch-Code: %s\n' "$code" | curl -fsS --max-time 10 -o /dev/null -D - -H @- "$url" |
      tr -d '\r' | sed -n 's/^[Ss][Ee][Tt]-[Cc][Oo][Oo][Kk][Ii][Ee]: *Latch-Session-session=\([^;]*\);.*/\1/p') || true
    [ -n "$token" ] || die "$name: presenting a code on the session route opened no session"
    echo "$token" >>"$dir/tokens-$((i % THREADS + 1)).txt"
  done
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
# .NET compiles hot methods again, optimised, on a background thread that competes with the load for the CPU: a
# fresh gateway on one CPU runs at a quarter to half its speed for its first 15-20 s under load. So each gateway
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
phase "warm-up unlatched"
log "Warming up a, b (${WARMUP}s each), then the unlatched path of replica 2 and of the memory gateway until their JIT settles..."
load warm-a "$(url_of a)" "$WARMUP" "$THREADS" "$CONNECTIONS" >/dev/null
load warm-b "$(url_of b)" "$WARMUP" "$THREADS" "$CONNECTIONS" >/dev/null
# Replica 1's proxy path is warmed by e's and g's warm-ups (until their JIT settles), replica 2's only here and by f's.
warm "replica 2, unlatched" "$R2_ADMIN_PORT" load warm-open-r2 "http://127.0.0.1:$R2_PROXY_PORT/open/hello" "$WARMUP" "$THREADS" "$CONNECTIONS"
warm "memory gateway, unlatched (c)" "$MEM_ADMIN_PORT" load warm-c "$(url_of c)" "$WARMUP" "$THREADS" "$CONNECTIONS"
# The unlatched rate, warm, sizes the first code pools (a latched route is not faster).
RATE_C=$(field rps "$(load warm-c-rate "$(url_of c)" "$WARMUP" "$THREADS" "$CONNECTIONS")")
log "  unlatched gateway, warm: $RATE_C req/s"
pause

# Codes for the warm-up and the first round at up to the unlatched rate; before each round the pools are topped
# up for the rate the latched runs actually reached.
NEED_LATCHED=$(codes_for "$RATE_C" $((WARMUP + DURATION + 1)))

phase issuance
log "Issuing codes on the memory store: until the admin path is warm, then ~$NEED_LATCHED codes (at least ${DURATION}s, the measured rate)..."
warm "memory gateway, issuance" "$MEM_ADMIN_PORT" issue issue-memory-warm "$MEM_ADMIN_PORT" "$WARMUP" "$THREADS" "$CONNECTIONS" "$MEM_CODES"
result=$WARM_LAST
check_issue "memory warm-up" "$result"
seconds=$(awk -v n="$NEED_LATCHED" -v have="$(field created "$result")" -v r="$(rate_of "$result")" -v min="$DURATION" -v max="$ISSUE_MAX" 'BEGIN { s = int((n - have) / (r > 0 ? r : 1000)) + 1; print (s < min ? min : (s > max ? max : s)) }')
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
seconds=$(awk -v n="$NEED_LATCHED" -v have="$(field created "$result")" -v r="$ISSUE_RATE_REDIS_WARM" -v min="$DURATION" -v max="$ISSUE_MAX" 'BEGIN { s = int((n - have) / (r > 0 ? r : 1000)) + 1; print (s < min ? min : (s > max ? max : s)) }')
ISSUE_REDIS=$(issue issue-redis "$R1_ADMIN_PORT" "$seconds" "$THREADS" "$CONNECTIONS" "$REDIS_CODES")
check_issue redis "$ISSUE_REDIS"
REDIS_MEM_AFTER=$(redis_used)
ISSUE_RATE_REDIS=$(rate_of "$ISSUE_REDIS")
REDIS_BYTES_PER_CODE=$(awk -v a="$REDIS_MEM_AFTER" -v b="$REDIS_MEM_BEFORE" -v n="$(field created "$ISSUE_REDIS")" 'BEGIN { printf "%.0f", (a - b) / n }')
log "  Redis: $(field created "$ISSUE_REDIS") codes at $ISSUE_RATE_REDIS codes/s; Redis memory $REDIS_BYTES_PER_CODE bytes per code (audit event included)"

# f: half of the codes issued through each replica, both at once (the issuance rate with two replicas).
seconds=$(awk -v n="$NEED_LATCHED" -v r="$ISSUE_RATE_REDIS" -v max="$ISSUE_MAX" 'BEGIN { s = int(n / (r > 0 ? r : 1000)) + 1; print (s < 3 ? 3 : (s > max ? max : s)) }')
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
# Code pools are topped up before each round for the fastest rate each latched target has reached so far — in its
# last warm-up run, in a round — and never for less than the unlatched rate, which a settled latched route does
# not exceed but one still warming up may.
declare -A SEEN_RPS=([d]=0 [e]=0 [f]=0)
pool_rate() { awk -v seen="${SEEN_RPS[$1]}" -v c="$RATE_C" -v div="${2:-1}" 'BEGIN { print (seen > c ? seen : c) / div }'; }
phase "warm-up latched"
log "Warming up d, e until their JIT settles, then f (${WARMUP}s)..."
warm "memory gateway, latched (d)" "$MEM_ADMIN_PORT" warm_latched memory "$MEM_ADMIN_PORT" "$MEM_CODES" "$ISSUE_RATE_MEM" "$(url_of d)"
SEEN_RPS[d]=$(field rps "$WARM_LAST")
warm "replica 1, latched (e)" "$R1_ADMIN_PORT" warm_latched redis "$R1_ADMIN_PORT" "$REDIS_CODES" "$ISSUE_RATE_REDIS" "$(url_of e)"
SEEN_RPS[e]=$(field rps "$WARM_LAST")
run_f warm-f "$WARMUP" >/dev/null
pause

phase "warm-up sessions"
log "Opening $CONNECTIONS sessions on each of g (Redis), h (memory), then warming both until their JIT settles..."
G_SESSIONS="$WORK/sessions/g"
H_SESSIONS="$WORK/sessions/h"
open_sessions "g (Redis)" "$R1_ADMIN_PORT" "$(url_of g)" "$G_SESSIONS"
open_sessions "h (memory)" "$MEM_ADMIN_PORT" "$(url_of h)" "$H_SESSIONS"
warm "replica 1, session route (g)" "$R1_ADMIN_PORT" load warm-g "$(url_of g)" "$WARMUP" "$THREADS" "$CONNECTIONS" "$G_SESSIONS" session
warm "memory gateway, session route (h)" "$MEM_ADMIN_PORT" load warm-h "$(url_of h)" "$WARMUP" "$THREADS" "$CONNECTIONS" "$H_SESSIONS" session

# ---------------------------------------------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------------------------------------------
TARGETS="a b c d e f g h"
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

phase rounds
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
  for target in $TARGETS; do
    case $target in
    a | b | c) result=$(load "r$round-$target" "$(url_of "$target")" "$DURATION" "$THREADS" "$CONNECTIONS") ;;
    d) result=$(load "r$round-d" "$(url_of d)" "$DURATION" "$THREADS" "$CONNECTIONS" "$MEM_CODES") ;;
    e) result=$(load "r$round-e" "$(url_of e)" "$DURATION" "$THREADS" "$CONNECTIONS" "$REDIS_CODES") ;;
    f) result=$(run_f "r$round-f" "$DURATION") ;;
    g) result=$(load "r$round-g" "$(url_of g)" "$DURATION" "$THREADS" "$CONNECTIONS" "$G_SESSIONS" session) ;;
    h) result=$(load "r$round-h" "$(url_of h)" "$DURATION" "$THREADS" "$CONNECTIONS" "$H_SESSIONS" session) ;;
    esac
    record "$round" "$target" "$result"
    line+=" $target=$(awk -v r="$(field rps "$result")" 'BEGIN { printf "%.0f", r }')/s"
  done
  log "$line"
done
read -r CPU_TOTAL_END CPU_STEAL_END <<<"$(cpu_times)"
STEAL=$(awk -v t=$((CPU_TOTAL_END - CPU_TOTAL_START)) -v s=$((CPU_STEAL_END - CPU_STEAL_START)) 'BEGIN { printf "%.1f", (t > 0 ? 100 * s / t : 0) }')

# ---------------------------------------------------------------------------------------------------------------
# Access requests: the self-service flow step by step (create, approve, pick up), on the memory gateway and on
# replica 1, after the rounds so that the requests it leaves in the stores weigh on no round.
# ---------------------------------------------------------------------------------------------------------------
phase "access requests"
# access_step NAME ADMIN-PORT STEP SECONDS DIR : one wrk run of wrk/access.lua, for SECONDS, or (approve, pickup)
# until every thread is through its ids (each marks it with DIR/STEP.done-<thread>; wrk is then ended with
# SIGINT, which makes it report as at the end of its time); prints its ACCESS fields.
access_step() {
  local name=$1 port=$2 step=$3 seconds=$4 dir=$5 pid i
  BENCH_STEP=$step BENCH_ACCESS=$dir BENCH_ROUTE=desk \
    timeout -k 5 $((seconds + 60)) "${LOAD_PIN[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s --latency \
    -s "$LUA/access.lua" "http://127.0.0.1:$port/access/requests" >"$WORK/logs/$name-$step.wrk" 2>&1 &
  pid=$!
  if [ "$step" != create ]; then
    for ((i = 0; i < seconds * 20; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      if (($(find "$dir" -maxdepth 1 -name "$step.done-*" | wc -l) >= THREADS)); then
        kill -INT "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.05
    done
  fi
  wait "$pid" || true
  local result
  result=$(sed -n 's/^ACCESS //p' "$WORK/logs/$name-$step.wrk")
  [ -n "$result" ] || { cat "$WORK/logs/$name-$step.wrk" >&2; die "wrk access run $name ($step) printed no result"; }
  echo "$result"
}
# access_cycle NAME ADMIN-PORT SECONDS : requests created for SECONDS, then all approved, then all picked up, each
# step a wrk run that ends when its threads are through their ids (at most 3 times as long as the step before, plus
# 5 s). Prints <step>_<field>=… for the three steps (rps, p50_us, p99_us, ok, other, …) and cycles_per_s, the full
# cycles per second the gateway would serve doing nothing else: 1 / (1/create + 1/approve + 1/pickup).
access_cycle() {
  local name=$1 port=$2 seconds=$3 dir step result out="" cap=$3 pair
  dir=$(mktemp -d "$WORK/access/$name.XXXX")
  for step in create approve pickup; do
    result=$(access_step "$name" "$port" "$step" "$cap" "$dir")
    for pair in $result; do out+=" ${step}_$pair"; done
    cap=$(awk -v span="$(field span_us "$result")" 'BEGIN { printf "%d", span / 1e6 * 3 + 5 }')
  done
  awk -v s="$out" 'function f(k,   n, i, kv) { n = split(s, kv, " "); for (i = 1; i <= n; i++) if (index(kv[i], k "=") == 1) return substr(kv[i], length(k) + 2); return 0 }
    BEGIN { c = f("create_rps"); a = f("approve_rps"); p = f("pickup_rps")
      printf "%s cycles_per_s=%.1f\n", substr(s, 2), (c > 0 && a > 0 && p > 0 ? 1 / (1 / c + 1 / a + 1 / p) : 0) }'
}
check_access() { # check_access NAME RESULT
  local step other errors
  for step in create approve pickup; do
    other=$(field "${step}_other" "$2")
    errors=$(($(field "${step}_socket_errors" "$2") + $(field "${step}_timeouts" "$2") + $(field "${step}_unanswered" "$2")))
    if [ "$other" != 0 ] || [ "$errors" != 0 ]; then
      CHECKS+=("access requests $1, $step: $other unexpected answers (by status: $(field "${step}_statuses" "$2")), $errors socket errors, timeouts or unanswered requests")
    fi
  done
  [ "$(field pickup_ok "$2")" = "$(field create_ok "$2")" ] ||
    CHECKS+=("access requests $1: $(field create_ok "$2") created but $(field pickup_ok "$2") picked up (refused above, or a step's run ended before its ids did)")
}
mkdir -p "$WORK/access"
declare -A ACCESS
for store in memory redis; do
  if [ "$store" = memory ]; then port=$MEM_ADMIN_PORT; else port=$R1_ADMIN_PORT; fi
  log "Access requests on the $store store: cycles of ${WARMUP}s until the JIT settles, then ${ACCESS_DURATION}s of requests created, approved, picked up..."
  warm "$store gateway, access requests" "$port" access_cycle "access-$store-warm" "$port" "$WARMUP"
  check_access "$store warm-up" "$WARM_LAST"
  ACCESS[$store]=$(access_cycle "access-$store" "$port" "$ACCESS_DURATION")
  check_access "$store" "${ACCESS[$store]}"
  log "  $store: $(field create_ok "${ACCESS[$store]}") requests; create $(fmt "$(field create_rps "${ACCESS[$store]}")" 0)/s, approve $(fmt "$(field approve_rps "${ACCESS[$store]}")" 0)/s, pick up $(fmt "$(field pickup_rps "${ACCESS[$store]}")" 0)/s: $(fmt "$(field cycles_per_s "${ACCESS[$store]}")" 0) full cycles/s"
done

# ---------------------------------------------------------------------------------------------------------------
# What the gateways counted (validations by outcome, audit drops), then RSS on a fresh gateway
# ---------------------------------------------------------------------------------------------------------------
MEM_ACCEPTED=$(metric_sum "$MEM_ADMIN_PORT" latch_validations_total 'outcome="accepted"')
MEM_REFUSED=$(($(metric_sum "$MEM_ADMIN_PORT" latch_validations_total) - MEM_ACCEPTED - $(metric_sum "$MEM_ADMIN_PORT" latch_validations_total 'outcome="missing"')))
REDIS_ACCEPTED=$(($(metric_sum "$R1_ADMIN_PORT" latch_validations_total 'outcome="accepted"') + $(metric_sum "$R2_ADMIN_PORT" latch_validations_total 'outcome="accepted"')))
REDIS_ALL=$(($(metric_sum "$R1_ADMIN_PORT" latch_validations_total) + $(metric_sum "$R2_ADMIN_PORT" latch_validations_total)))
REDIS_MISSING=$(($(metric_sum "$R1_ADMIN_PORT" latch_validations_total 'outcome="missing"') + $(metric_sum "$R2_ADMIN_PORT" latch_validations_total 'outcome="missing"')))
REDIS_REFUSED=$((REDIS_ALL - REDIS_ACCEPTED - REDIS_MISSING))
AUDIT_DROPPED_MEM=$(metric_sum "$MEM_ADMIN_PORT" latch_audit_dropped_total)
AUDIT_DROPPED_REDIS=$(($(metric_sum "$R1_ADMIN_PORT" latch_audit_dropped_total) + $(metric_sum "$R2_ADMIN_PORT" latch_audit_dropped_total)))
((MEM_REFUSED == 0 && REDIS_REFUSED == 0)) || CHECKS+=("the gateways refused $MEM_REFUSED (memory) and $REDIS_REFUSED (Redis) presentations with a code (invalid, used, ...)")


# measure_rss : RSS of a fresh memory-store gateway per live code, per live session and per live access request
# (tests/benchmark/rss.sh, one fresh gateway per figure). Writes "key,value,unit" lines to $RSS_CSV:
# rss_per_live_code.memory, rss_per_live_session.memory, rss_per_live_access_request.memory (bytes) and details under
# keys starting with "rss" (rss_codes.issuance_unpinned, in codes/s, becomes the figure issuance.memory_unpinned).
RSS_CSV="$WORK/rss.csv"
RSS_SESSIONS=${RSS_SESSIONS:-30000}
RSS_ACCESS=${RSS_ACCESS:-10000}
measure_rss() {
  log "RSS per live code (~$RSS_CODES), session (~$RSS_SESSIONS) and access request (~$RSS_ACCESS): fresh memory-store gateways..."
  RSS_PROXY_PORT=$RSS_PROXY_PORT RSS_ADMIN_PORT=$RSS_ADMIN_PORT RSS_CODES=$RSS_CODES RSS_SESSIONS=$RSS_SESSIONS \
    RSS_ACCESS=$RSS_ACCESS THREADS=$THREADS CONNECTIONS=$CONNECTIONS GATEWAY_ENV=$GATEWAY_ENV RSS_OUT=$RSS_CSV \
    bash "$BENCH_DIR/rss.sh" "$PUBLISH" 2>>"$WORK/logs/rss.log" || { tail -n 20 "$WORK/logs/rss.log" >&2; die "rss.sh failed (log above)"; }
  log "  $(awk -F, '$1 ~ /^rss_per_live_/ { printf "%s%s %s B", (n++ ? ", " : ""), $1, $2 }' "$RSS_CSV")"
}

phase rss
for pid in "$MEM_PID" "$R1_PID" "$R2_PID"; do stop_pid "$pid"; done # free their memory and CPU first
measure_rss
rss_value() { awk -F, -v k="$1" '$1 == k { print $2; exit }' "$RSS_CSV"; }
RSS_PER_CODE=$(rss_value rss_per_live_code.memory)
[ -n "$RSS_PER_CODE" ] || die "measure_rss gave no rss_per_live_code.memory"
RSS_PER_SESSION=$(rss_value rss_per_live_session.memory)
RSS_PER_ACCESS=$(rss_value rss_per_live_access_request.memory)
RSS_ISSUE_RATE=$(rss_value rss_codes.issuance_unpinned)

phase report
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
for t in $TARGETS; do
  RPS[$t]=$(col "$t" rps | median)
  P50[$t]=$(col "$t" p50_ms | median)
  P99[$t]=$(col "$t" p99_ms | median)
  NON[$t]=$(awk -F, -v t="$t" '$2 == t { s += $7 } END { print s + 0 }' "$RUNS")
done
R_DC=$(per_round d c rps ratio | median)
R_EC=$(per_round e c rps ratio | median)
R_GC=$(per_round g c rps ratio | median)
R_HC=$(per_round h c rps ratio | median)
R_CB=$(per_round c b rps ratio | median)
R_FE=$(per_round f e rps ratio | median)
ADD_D=$(per_round d c p99_ms diff | median)
ADD_E=$(per_round e c p99_ms diff | median)
ADD_G=$(per_round g c p99_ms diff | median)
ADD_H=$(per_round h c p99_ms diff | median)

CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
WRK_VERSION=$({ wrk -v 2>&1 || true; } | head -n 1 | awk '{ print $2 }')
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')
REDIS_VERSION=$("$REDIS_SERVER" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
DOTNET_VERSION=$(dotnet --version)
PINNING="none"
[ "$PIN" != 1 ] || PINNING="wrk on CPU $LOAD_CPUS, servers on CPU $SERVER_CPUS (taskset)"
RUN_TIME=$(date -u '+%Y-%m-%d %H:%M UTC')

# The figures with a goal (or worth a line of their own), in the order of the report's table:
# KEY|VALUE|UNIT|GOAL|LABEL|DECIMALS (GOAL as ">=0.95" or "<=1", empty for none).
FIGURES=(
  "ratio.d_over_c|$R_DC||>=0.95|latched/unlatched, memory (d/c)|3"
  "ratio.e_over_c|$R_EC||>=0.85|latched/unlatched, Redis (e/c)|3"
  "ratio.g_over_c|$R_GC||>=0.9|session route/unlatched, Redis (g/c)|3"
  "ratio.h_over_c|$R_HC|||session route/unlatched, memory (h/c)|3"
  "ratio.c_over_b|$R_CB||>=0.7|unlatched gateway / nginx reverse proxy (c/b)|3"
  "added_p99.d_minus_c|$ADD_D|ms|<=1|added p99, latched, memory (d−c)|2"
  "added_p99.e_minus_c|$ADD_E|ms|<=2|added p99, latched, Redis (e−c)|2"
  "added_p99.g_minus_c|$ADD_G|ms|<=2|added p99, session route, Redis (g−c)|2"
  "added_p99.h_minus_c|$ADD_H|ms|<=1|added p99, session route, memory (h−c)|2"
  "issuance.memory|$ISSUE_RATE_MEM|codes/s|>=30000|issuance, memory store (gateway pinned like every target)|0"
  "issuance.redis|$ISSUE_RATE_REDIS|codes/s|>=20000|issuance, Redis (one replica)|0"
  "issuance.redis_2_replicas|$ISSUE_RATE_REDIS_2|codes/s||issuance, Redis (two replicas at once)|0"
)
[ -z "$RSS_ISSUE_RATE" ] || FIGURES+=("issuance.memory_unpinned|$RSS_ISSUE_RATE|codes/s|>=30000|issuance, memory store, gateway not pinned (the RSS run)|0")
FIGURES+=("rss_per_live_code.memory|$RSS_PER_CODE|bytes|<=256|gateway RSS per live code (memory store)|0")
[ -z "$RSS_PER_SESSION" ] || FIGURES+=("rss_per_live_session.memory|$RSS_PER_SESSION|bytes||gateway RSS per live session (memory store)|0")
[ -z "$RSS_PER_ACCESS" ] || FIGURES+=("rss_per_live_access_request.memory|$RSS_PER_ACCESS|bytes||gateway RSS per live access request (memory store)|0")
FIGURES+=(
  "access.memory.cycles_per_s|$(field cycles_per_s "${ACCESS[memory]}")|cycles/s||access requests created, approved and picked up, memory|0"
  "access.redis.cycles_per_s|$(field cycles_per_s "${ACCESS[redis]}")|cycles/s||access requests created, approved and picked up, Redis|0"
  "ratio.f_over_e|$R_FE|||scaling 1 → 2 Redis replicas (f/e)|2"
  "redis_memory_per_code|$REDIS_BYTES_PER_CODE|bytes||Redis memory per issued code (its audit event included)|0"
  "audit_dropped.memory|$AUDIT_DROPPED_MEM|events|<=0|audit events dropped (latch_audit_dropped_total), memory gateway|0"
  "audit_dropped.redis|$AUDIT_DROPPED_REDIS|events|<=0|audit events dropped (latch_audit_dropped_total), Redis gateways|0"
)
thousands() { # a whole number of four digits or more with thousands separators; anything else as it is
  if [[ $1 =~ ^[0-9]{4,}$ ]]; then awk -v s="$1" 'BEGIN { t = ""; while (length(s) > 3) { t = "," substr(s, length(s) - 2) t; s = substr(s, 1, length(s) - 3) } printf "%s", s t }'; else printf '%s' "$1"; fi
}
goal_text() { # ">=0.95" -> "≥ 0.95", ">=30000" -> "≥ 30,000", "<=0" -> "0"
  case $1 in
  "") ;;
  "<=0") echo 0 ;;
  ">="*) echo "≥ $(thousands "${1#>=}")" ;;
  "<="*) echo "≤ $(thousands "${1#<=}")" ;;
  esac
}
with_unit() { case $2 in "" | ms) echo "$1${2:+ $2}" ;; *) echo "$1 $2" ;; esac; }

mkdir -p "$RESULTS"
cp "$RUNS" "$RESULTS/latest-runs.csv"

{
  echo "key,value,unit,goal"
  for t in $TARGETS; do
    echo "$t.rps,$(fmt "${RPS[$t]}"),req/s,"
    echo "$t.p50,$(fmt "${P50[$t]}" 3),ms,"
    echo "$t.p99,$(fmt "${P99[$t]}" 3),ms,"
    echo "$t.non200,${NON[$t]},responses,0"
  done
  for entry in "${FIGURES[@]}"; do
    IFS='|' read -r key value unit goal _ decimals <<<"$entry"
    echo "$key,$(fmt "$value" "$decimals"),$unit,$goal"
  done
  for store in memory redis; do
    for step in create approve pickup; do
      echo "access.$store.$step.rps,$(fmt "$(field "${step}_rps" "${ACCESS[$store]}")"),req/s,"
      echo "access.$store.$step.p50,$(fmt "$(awk -v v="$(field "${step}_p50_us" "${ACCESS[$store]}")" 'BEGIN { print v / 1000 }')" 3),ms,"
      echo "access.$store.$step.p99,$(fmt "$(awk -v v="$(field "${step}_p99_us" "${ACCESS[$store]}")" 'BEGIN { print v / 1000 }')" 3),ms,"
      echo "access.$store.$step.count,$(field "${step}_ok" "${ACCESS[$store]}"),requests,"
    done
  done
  # Every other line measure_rss printed (its details), as it printed it.
  awk -F, '$1 !~ /^rss_per_live_/ { print $1 "," $2 "," $3 "," }' "$RSS_CSV"
  echo "cpu_steal_during_rounds,$STEAL,%,"
  echo "validations.accepted.memory,$MEM_ACCEPTED,,"
  echo "validations.accepted.redis,$REDIS_ACCEPTED,,"
  echo "settings.rounds,$ROUNDS,,"
  echo "settings.duration,$DURATION,s,"
  echo "settings.warmup,$WARMUP,s,"
  echo "settings.access_duration,$ACCESS_DURATION,s,"
  echo "settings.threads,$THREADS,,"
  echo "settings.connections,$CONNECTIONS,,"
  echo "settings.pinned,$PIN,,"
  echo "run.seconds,$((SECONDS - RUN_START)),s,"
} >"$RESULTS/latest.csv"

access_cell() { # access_cell STORE STEP : "1,234/s (p50 1.2, p99 3.4 ms)"
  local r=${ACCESS[$1]}
  printf '%s/s (p50 %s, p99 %s ms)' "$(fmt "$(field "${2}_rps" "$r")" 0)" \
    "$(fmt "$(awk -v v="$(field "${2}_p50_us" "$r")" 'BEGIN { print v / 1000 }')" 1)" \
    "$(fmt "$(awk -v v="$(field "${2}_p99_us" "$r")" 'BEGIN { print v / 1000 }')" 1)"
}

{
  echo "# LatchGateway benchmark — latest run"
  echo
  echo "$RUN_TIME, commit $COMMIT$DIRTY. $CPUS CPUs ($CPU_MODEL), .NET SDK $DOTNET_VERSION, nginx $NGINX_VERSION, Redis $REDIS_VERSION, wrk $WRK_VERSION."
  echo "Load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\` per run on loopback; $ROUNDS rounds ($TARGETS, …), each gateway path warmed in ${WARMUP}s runs until its JIT settled (fewer than $JIT_QUIET methods compiled in a run, at most $WARM_RUNS runs); pinning: $PINNING."
  echo "Load average (1/5/15 min) before the run: $LOADAVG_START (anything else running on the machine makes figures noisier); CPU steal during the rounds: $STEAL %."
  echo "Figures are medians over rounds; ratios and added latencies are medians of per-round values. Reproduce: \`bash tests/benchmark/run.sh\`."
  echo
  echo "| target | what | requests/s | p50 (ms) | p99 (ms) | non-200 |"
  echo "|---|---|---:|---:|---:|---:|"
  for t in $TARGETS; do
    case $t in
    a) what="nginx, fixed 200 (the backend)" ;;
    b) what="nginx reverse proxy → a (upstream keepalive)" ;;
    c) what="gateway, unlatched route → a" ;;
    d) what="gateway, latched, memory store, fresh code per request" ;;
    e) what="gateway, latched, Redis store" ;;
    f) what="two Redis replicas, half the load each (p50 mean, p99 max)" ;;
    g) what="gateway, session route, Redis store, one session per connection" ;;
    h) what="gateway, session route, memory store" ;;
    esac
    echo "| $t | $what | $(fmt "${RPS[$t]}" 0) | $(fmt "${P50[$t]}" 2) | $(fmt "${P99[$t]}" 2) | ${NON[$t]} |"
  done
  echo
  echo "| figure | value | goal | met |"
  echo "|---|---:|---:|:---:|"
  for entry in "${FIGURES[@]}"; do
    IFS='|' read -r key value unit goal label decimals <<<"$entry"
    met=""
    [ -z "$goal" ] || met=$(meets "$value" "${goal:0:2}" "${goal:2}")
    gt=$(goal_text "$goal")
    echo "| $label | $(with_unit "$(thousands "$(fmt "$value" "$decimals")")" "$unit") | ${gt:+$(with_unit "$gt" "$unit")} | $met |"
  done
  echo
  echo "Access requests (\`POST /access/requests\` by a requester, \`…/approve\` by an approver, \`…/code\` picked up by the requester; people authenticated by JWT bearer tokens; one approval needed), each step a wrk run of \`-t$THREADS -c$CONNECTIONS\` over the requests the step before produced (${ACCESS_DURATION}s of requests created):"
  echo
  echo "| store | requests | create | approve | pick up | full cycles/s |"
  echo "|---|---:|---:|---:|---:|---:|"
  for store in memory redis; do
    echo "| $store | $(field create_ok "${ACCESS[$store]}") | $(access_cell "$store" create) | $(access_cell "$store" approve) | $(access_cell "$store" pickup) | $(fmt "$(field cycles_per_s "${ACCESS[$store]}")" 0) |"
  done
  echo
  echo "RSS (measure_rss): $(awk -F, '$1 !~ /^rss_per_live/ { printf "%s%s %s %s", (n++ ? "; " : ""), $1, $2, $3 }' "$RSS_CSV")."
  echo "Gateways counted $MEM_ACCEPTED accepted presentations (memory) and $REDIS_ACCEPTED (Redis), warm-ups included, and refused $MEM_REFUSED and $REDIS_REFUSED presentations that carried a code."
  echo "Gateways ran with the runtime settings of deploy/Dockerfile (\`${IMAGE_ENV% }\`)${GATEWAY_ENV:+ and the extra environment \`$GATEWAY_ENV\`}."
  echo "Time: $(phase_summary). Every run: \`tests/benchmark/results/latest-runs.csv\`."
  if ((${#CHECKS[@]} > 0)); then
    echo
    echo "**Checks that failed:**"
    for c in "${CHECKS[@]}"; do echo "- $c"; done
  fi
} >"$RESULTS/latest.md"

# This run among the last ones: results/runs/<UTC time>-<commit>.csv, the newest RUNS_KEPT kept; then the last three
# side by side (results/side-by-side.md and the chart docs/benchmarks.png).
if [ "$SAVE_RUN" = 1 ]; then
  mkdir -p "$RESULTS/runs"
  cp "$RESULTS/latest.csv" "$RESULTS/runs/$(date -u +%Y%m%dT%H%MZ)-$COMMIT.csv"
  # shellcheck disable=SC2012 # the names are ours: <UTC time>-<commit>.csv, no spaces
  ls -1 "$RESULTS/runs"/*.csv | sort | head -n -"$RUNS_KEPT" | while read -r old; do rm -f "$old"; done
  bash "$BENCH_DIR/side-by-side.sh" 2>"$WORK/logs/side-by-side.log" || { cat "$WORK/logs/side-by-side.log" >&2; CHECKS+=("side-by-side.sh failed"); }
fi

phase end
cat "$RESULTS/latest.md"
echo
log "Written: tests/benchmark/results/latest.md, latest.csv, latest-runs.csv$([ "$SAVE_RUN" != 1 ] || echo ", runs/, side-by-side.md, docs/benchmarks.png")"
log "Time: $(phase_summary)"
if ((${#CHECKS[@]} > 0)); then
  log "Some checks failed (see above)."
  exit 1
fi

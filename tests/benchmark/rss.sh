#!/usr/bin/env bash
# Resident memory of the memory-store gateway per live code, per live unlock session and per live access request.
#
# Each figure is taken on a fresh gateway of its own (the published build, the runtime settings of
# deploy/Dockerfile, not pinned to CPUs: the CPUs it sees set its GC heaps, and so its memory use). The path that
# creates the items is warmed first, so that JIT and first-use allocations are not counted; then VmRSS is read,
# items are created with wrk, and VmRSS is read again 2 s later: (after - before) / items created.
#
#   codes     POST /admin/codes {"route":"latched"} (TTL 30 min)
#   sessions  codes issued for the Session route "session" first (they are live in "before"), then each presented
#             once as GET /session/x?latch_code=… (answered 303 with the session cookie; no backend involved)
#   access    POST /access/requests {"route":"latched","reason":"bench"} with a bearer token (HS256, made here)
#
# Usage: tests/benchmark/rss.sh PUBLISH_DIR
#   PUBLISH_DIR: the output of `dotnet publish gateway -c Release -o PUBLISH_DIR` (holds LatchGateway.dll).
# Environment:
#   RSS_PROXY_PORT, RSS_ADMIN_PORT  free loopback ports for the gateway's Proxy and Admin listeners (required; the
#                                   gateways run one after the other on the same two ports)
#   BENCH_API_KEY                   the admin API key in clear (required); configured here with scope codes:issue
#   RSS_FIGURES="codes sessions access"  which figures to take, in this order
#   RSS_CODES=300000 RSS_SESSIONS=100000 RSS_ACCESS=30000  items to create for each figure (the session figure
#                                   also issues RSS_SESSIONS codes); each is created in at most 60 s
#   THREADS=2 CONNECTIONS=32        wrk -t / -c
#   LOAD_PIN="taskset -c 1"         optional command prefix for wrk (word-split), e.g. to keep it off the gateway's CPU
#   GATEWAY_ENV="NAME=value …"      extra environment of the gateway
#   RSS_OUT=FILE                    append the figures to FILE instead of printing them on stdout
#   KEEP_TMP=1                      keep the temporary folder (logs, codes); it is always kept when the script fails
# Output: CSV lines without a header, `key,value,unit`, on stdout (or RSS_OUT); progress goes to stderr:
#   rss_per_live_code.memory,<bytes>,bytes            rss_codes.count,<codes>,codes
#   rss_per_live_session.memory,<bytes>,bytes         rss_sessions.count,<sessions>,sessions
#   rss_per_live_access_request.memory,<bytes>,bytes  rss_access.count,<requests>,requests
#   rss_<figure>.before,<kB>,kB  rss_<figure>.after,<kB>,kB  (figure = codes, sessions, access)
#   rss_codes.issuance_unpinned,<codes/s>,codes/s     (the issuance rate of the code figure's runs)
# Exit status: 0 when every figure was taken; 1 when one could not be (a gateway failed, or a run created nothing
# or got other answers than expected), with the reason on stderr.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
LUA="$BENCH_DIR/wrk"

log() { printf '[%(%H:%M:%S)T] rss: %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PUBLISH=${1:-}
[ -n "$PUBLISH" ] && [ -f "$PUBLISH/LatchGateway.dll" ] || die "usage: $0 PUBLISH_DIR (a folder holding LatchGateway.dll)"
PUBLISH=$(cd "$PUBLISH" && pwd)
: "${RSS_PROXY_PORT:?RSS_PROXY_PORT is required}" "${RSS_ADMIN_PORT:?RSS_ADMIN_PORT is required}"
: "${BENCH_API_KEY:?BENCH_API_KEY (the admin API key in clear) is required}"
RSS_FIGURES=${RSS_FIGURES:-codes sessions access}
RSS_CODES=${RSS_CODES:-300000}
RSS_SESSIONS=${RSS_SESSIONS:-100000}
RSS_ACCESS=${RSS_ACCESS:-30000}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
GATEWAY_ENV=${GATEWAY_ENV:-}
KEEP_TMP=${KEEP_TMP:-0}
read -r -a LOAD_PIN <<<"${LOAD_PIN:-}"
for setting in RSS_PROXY_PORT RSS_ADMIN_PORT RSS_CODES RSS_SESSIONS RSS_ACCESS THREADS CONNECTIONS; do
  [[ ${!setting} =~ ^[1-9][0-9]*$ ]] || die "$setting must be a positive integer (it is '${!setting}')"
done
for figure in $RSS_FIGURES; do
  [[ $figure =~ ^(codes|sessions|access)$ ]] || die "RSS_FIGURES: unknown figure '$figure' (codes, sessions, access)"
done
for tool in dotnet wrk curl openssl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done

# The runtime settings the image ships with (as run.sh reads them).
IMAGE_ENV=$(sed -n 's/^[[:space:]]*\(DOTNET_[A-Za-z0-9_]*=[0-9A-Za-z]*\).*/\1/p' "$ROOT/deploy/Dockerfile" | tr '\n' ' ')
[ -n "$IMAGE_ENV" ] || die "deploy/Dockerfile sets no DOTNET_* setting"

WORK=$(mktemp -d /tmp/latch-rss.XXXXXX)
mkdir -p "$WORK/logs"
GATEWAY_PID=""
FAILED=1
stop_gateway() {
  local pid=$GATEWAY_PID i
  GATEWAY_PID=""
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_gateway
  if ((FAILED)) || [ "$KEEP_TMP" = 1 ]; then
    log "temporary folder kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

API_KEY_SHA256=$(printf %s "$BENCH_API_KEY" | sha256sum | cut -d' ' -f1)
export BENCH_API_KEY

# Bearer tokens for access requests: HS256 with a key made for this run.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
JWT_KEY_B64=$(openssl rand -base64 32)
JWT_KEY_HEX=$(printf %s "$JWT_KEY_B64" | openssl base64 -d -A | od -An -tx1 | tr -d ' \n')
jwt_for() { # jwt_for SUBJECT
  local now header payload
  now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"sub":"%s","iss":"rss-bench","aud":"latch","iat":%d,"nbf":%d,"exp":%d}' "$1" "$now" $((now - 60)) $((now + 3600)) | b64url)
  printf '%s.%s.%s' "$header" "$payload" \
    "$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$JWT_KEY_HEX" -binary | b64url)"
}

start_gateway() { # start_gateway NAME
  local name=$1
  local args=(
    "--Kestrel:Endpoints:Proxy:Url=http://127.0.0.1:$RSS_PROXY_PORT"
    "--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:$RSS_ADMIN_PORT"
    "--Logging:LogLevel:Default=Warning"
    "--Logging:LogLevel:Microsoft.AspNetCore=Warning"
    "--Logging:LogLevel:Yarp=Warning"
    "--Latch:Admin:ApiKeys:bench:Sha256=$API_KEY_SHA256"
    "--Latch:Admin:ApiKeys:bench:Scopes:0=codes:issue"
    # Nothing listens on the discard port: no request of this script reaches a backend.
    "--ReverseProxy:Clusters:backend:Destinations:d1:Address=http://127.0.0.1:9/"
    "--ReverseProxy:Routes:latched:ClusterId=backend"
    "--ReverseProxy:Routes:latched:Match:Path=/latched/{**rest}"
    "--ReverseProxy:Routes:latched:Transforms:0:Latch=Required"
    "--ReverseProxy:Routes:session:ClusterId=backend"
    "--ReverseProxy:Routes:session:Match:Path=/session/{**rest}"
    "--ReverseProxy:Routes:session:Transforms:0:Latch=Session"
    "--Latch:Codes:MaxTtl=00:30:00"
    "--Latch:Codes:DefaultTtl=00:30:00"
    "--Latch:Sessions:DefaultLifetime=00:30:00"
    "--Latch:Lockout:MaxFailures=1000000"
    "--Latch:Audit:Path=$WORK/audit-$name/audit.jsonl"
    "--Authentication:Schemes:Bearer:ValidIssuer=rss-bench"
    "--Authentication:Schemes:Bearer:ValidAudiences:0=latch"
    "--Authentication:Schemes:Bearer:SigningKeys:0:Issuer=rss-bench"
    "--Authentication:Schemes:Bearer:SigningKeys:0:Value=$JWT_KEY_B64"
    "--Latch:Access:Policies:latched:Requesters:0=*"
    "--Latch:Access:Policies:latched:Approvers:0=user:rss-approver"
  )
  mkdir -p "$WORK/audit-$name"
  # A clean environment: no Development, no OTEL_* exporter, no Latch__* from the caller's shell.
  # shellcheck disable=SC2086 # IMAGE_ENV and GATEWAY_ENV are lists of NAME=value words
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" ${DOTNET_ROOT:+DOTNET_ROOT="$DOTNET_ROOT"} \
    DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 $IMAGE_ENV $GATEWAY_ENV \
    dotnet "$PUBLISH/LatchGateway.dll" --contentRoot="$PUBLISH" "${args[@]}" >"$WORK/logs/$name.log" 2>&1 &
  GATEWAY_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$RSS_ADMIN_PORT/readyz" 2>/dev/null && return 0
    kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -n 30 "$WORK/logs/$name.log" >&2; die "gateway $name exited during start-up"; }
    sleep 0.1
  done
  tail -n 30 "$WORK/logs/$name.log" >&2
  die "gateway $name not ready after 60 s"
}

vmrss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$GATEWAY_PID/status"; }

field() { # field NAME "k=v k=v…"
  local pair
  for pair in $2; do
    [ "${pair%%=*}" = "$1" ] && { echo "${pair#*=}"; return; }
  done
  echo 0
}

# run_wrk NAME PREFIX SECONDS SCRIPT URL : one wrk run; prints the line SCRIPT wrote after PREFIX.
run_wrk() {
  local name=$1 prefix=$2 seconds=$3 script=$4 url=$5 result
  timeout -k 5 $((seconds + 60)) "${LOAD_PIN[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s \
    -s "$LUA/$script" "$url" >"$WORK/logs/$name.wrk" 2>&1 || true
  result=$(sed -n "s/^$prefix //p" "$WORK/logs/$name.wrk")
  [ -n "$result" ] || { cat "$WORK/logs/$name.wrk" >&2; die "wrk $name printed no result"; }
  echo "$result"
}

# create NAME PREFIX COUNT-FIELD TARGET SCRIPT URL : runs of at most 10 s until about TARGET items were created
# (60 s at most); sets CREATED and CREATE_US. Any answer but the expected one fails the figure.
create() {
  local name=$1 prefix=$2 count=$3 target=$4 script=$5 url=$6 chunk seconds result rate=$7
  CREATED=0
  CREATE_US=0
  for ((chunk = 1; chunk <= 20 && CREATED < target * 95 / 100 && CREATE_US < 60000000; chunk++)); do
    seconds=$(awk -v n=$((target - CREATED)) -v r="$rate" 'BEGIN { s = int(n / (r > 0 ? r : 1000) + 0.5); print (s < 1 ? 1 : (s > 10 ? 10 : s)) }')
    result=$(run_wrk "$name-$chunk" "$prefix" "$seconds" "$script" "$url")
    [ "$(field other "$result")" = 0 ] && [ "$(field unparsed "$result")" = 0 ] || die "$name: unexpected answers ($result)"
    CREATED=$((CREATED + $(field "$count" "$result")))
    CREATE_US=$((CREATE_US + $(field duration_us "$result")))
    rate=$(awk -v n="$(field "$count" "$result")" -v us="$(field duration_us "$result")" 'BEGIN { printf "%.1f", (us > 0 ? n / us * 1e6 : 0) }')
    [ "$(field "$count" "$result")" != 0 ] || die "$name: a run created nothing ($result)"
  done
}

# The young generation's budget (DOTNET_GCgen0size) is memory the process touches once it has allocated that much,
# whatever it keeps: a figure is taken only after the GC has collected a few times, so that this memory is in
# "before" too. gc_count: collections so far, from the gateway's /metrics (meter System.Runtime).
gc_count() {
  curl -fsS --max-time 5 "http://127.0.0.1:$RSS_ADMIN_PORT/metrics" 2>/dev/null |
    awk '/^dotnet_gc_collections_total/ { n += $NF } END { print n + 0 }'
}

# warm NAME PREFIX SCRIPT URL : runs of 2 s until the gateway has collected 3 times (at most 10 runs); prints the
# last run's result line.
warm() {
  local name=$1 prefix=$2 script=$3 url=$4 run result
  for ((run = 1; run <= 10; run++)); do
    result=$(run_wrk "$name-$run" "$prefix" 2 "$script" "$url")
    (($(gc_count) >= 3)) && break
  done
  log "  warmed with $run run(s) of 2 s; $(gc_count) collections"
  echo "$result"
}

OUTPUT=()
emit() { OUTPUT+=("$1,$2,$3"); }
per_item() { awk -v a="$2" -v b="$1" -v n="$3" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }'; }

figure_codes() {
  log "codes: a fresh gateway, then ~$RSS_CODES codes..."
  start_gateway codes
  local dir="$WORK/codes-codes" result before after
  mkdir -p "$dir"
  result=$(BENCH_CODES=$dir warm codes-warm ISSUE issue.lua "http://127.0.0.1:$RSS_ADMIN_PORT/admin/codes")
  sleep 2
  before=$(vmrss_kb)
  BENCH_CODES=$dir create codes ISSUE created "$RSS_CODES" issue.lua "http://127.0.0.1:$RSS_ADMIN_PORT/admin/codes" \
    "$(awk -v n="$(field created "$result")" 'BEGIN { print n / 2 }')"
  sleep 2
  after=$(vmrss_kb)
  stop_gateway
  log "  VmRSS $before kB -> $after kB for $CREATED codes: $(per_item "$before" "$after" "$CREATED") bytes per code"
  emit rss_per_live_code.memory "$(per_item "$before" "$after" "$CREATED")" bytes
  emit rss_codes.count "$CREATED" codes
  emit rss_codes.before "$before" kB
  emit rss_codes.after "$after" kB
  emit rss_codes.issuance_unpinned "$(awk -v n="$CREATED" -v us="$CREATE_US" 'BEGIN { printf "%.0f", (us > 0 ? n / us * 1e6 : 0) }')" codes/s
}

figure_sessions() {
  log "sessions: a fresh gateway, codes for its Session route, then ~$RSS_SESSIONS sessions..."
  start_gateway sessions
  local warm="$WORK/codes-session-warm" live="$WORK/codes-session" result before after issued
  mkdir -p "$warm" "$live"
  # Warm: issue for the Session route, then open sessions with those codes (each thread its own file).
  result=$(BENCH_ROUTE=session BENCH_CODES=$warm run_wrk sessions-issue-warm ISSUE 3 issue.lua "http://127.0.0.1:$RSS_ADMIN_PORT/admin/codes")
  BENCH_CODES=$warm run_wrk sessions-open-warm SESSIONS 2 open-session.lua "http://127.0.0.1:$RSS_PROXY_PORT" >/dev/null
  BENCH_ROUTE=session BENCH_CODES=$live create sessions-issue ISSUE created "$RSS_SESSIONS" issue.lua \
    "http://127.0.0.1:$RSS_ADMIN_PORT/admin/codes" "$(awk -v n="$(field created "$result")" 'BEGIN { print n / 3 }')"
  issued=$CREATED
  sleep 2
  before=$(vmrss_kb)
  # As many seconds as opening them all takes at the warm-up's rate, plus a margin; threads that run out of codes
  # ask for a path no route matches.
  local open_rate seconds
  open_rate=$(awk -v f="$WORK/logs/sessions-open-warm.wrk" 'BEGIN { while ((getline l < f) > 0) if (l ~ /^SESSIONS /) { split(l, a, /[ =]/); n = a[3]; us = a[7] } print (us > 0 ? n / us * 1e6 : 1000) }')
  seconds=$(awk -v n="$issued" -v r="$open_rate" 'BEGIN { s = int(n / r * 1.3) + 2; print (s > 60 ? 60 : s) }')
  result=$(BENCH_CODES=$live run_wrk sessions-open SESSIONS "$seconds" open-session.lua "http://127.0.0.1:$RSS_PROXY_PORT")
  [ "$(field other "$result")" = 0 ] || die "sessions: unexpected answers ($result)"
  local opened
  opened=$(field opened "$result")
  ((opened > 0)) || die "sessions: none opened ($result)"
  sleep 2
  after=$(vmrss_kb)
  stop_gateway
  log "  VmRSS $before kB -> $after kB for $opened sessions (of $issued codes): $(per_item "$before" "$after" "$opened") bytes per session"
  emit rss_per_live_session.memory "$(per_item "$before" "$after" "$opened")" bytes
  emit rss_sessions.count "$opened" sessions
  emit rss_sessions.before "$before" kB
  emit rss_sessions.after "$after" kB
}

figure_access() {
  log "access requests: a fresh gateway, then ~$RSS_ACCESS requests..."
  start_gateway access
  local result before after
  BENCH_TOKEN=$(jwt_for rss-requester)
  export BENCH_TOKEN
  result=$(warm access-warm ACCESS access-request.lua "http://127.0.0.1:$RSS_ADMIN_PORT/access/requests")
  [ "$(field other "$result")" = 0 ] || die "access requests: unexpected answers ($result)"
  sleep 2
  before=$(vmrss_kb)
  create access ACCESS created "$RSS_ACCESS" access-request.lua "http://127.0.0.1:$RSS_ADMIN_PORT/access/requests" \
    "$(awk -v n="$(field created "$result")" 'BEGIN { print n / 2 }')"
  sleep 2
  after=$(vmrss_kb)
  stop_gateway
  log "  VmRSS $before kB -> $after kB for $CREATED requests: $(per_item "$before" "$after" "$CREATED") bytes per request"
  emit rss_per_live_access_request.memory "$(per_item "$before" "$after" "$CREATED")" bytes
  emit rss_access.count "$CREATED" requests
  emit rss_access.before "$before" kB
  emit rss_access.after "$after" kB
}

for figure in $RSS_FIGURES; do
  "figure_$figure"
done

if [ -n "${RSS_OUT:-}" ]; then
  printf '%s\n' "${OUTPUT[@]}" >>"$RSS_OUT"
else
  printf '%s\n' "${OUTPUT[@]}"
fi
FAILED=0

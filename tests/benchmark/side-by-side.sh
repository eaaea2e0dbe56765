#!/usr/bin/env bash
# The last runs of tests/benchmark/run.sh side by side: their figures as a markdown table (figure | run 1 | run 2 |
# run 3 | median | goal | met) in tests/benchmark/results/side-by-side.md, and the chart docs/benchmarks.png.
#
# Usage: bash tests/benchmark/side-by-side.sh [RUN.csv …]
#   Without arguments: the newest COUNT (3) files of tests/benchmark/results/runs/ (<UTC time>-<commit>.csv, each
#   a copy of a run's latest.csv). run.sh calls it after saving each run.
# Environment: COUNT=3, OUT_MD (results/side-by-side.md), OUT_PNG (docs/benchmarks.png; empty: no chart).
# The median is that of the runs shown; "met" compares it with the goal the newest run states.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
COUNT=${COUNT:-3}
OUT_MD=${OUT_MD:-$BENCH_DIR/results/side-by-side.md}
OUT_PNG=${OUT_PNG-$ROOT/docs/benchmarks.png}
[[ $COUNT =~ ^[1-9][0-9]*$ ]] || { echo "COUNT must be a positive integer (it is '$COUNT')." >&2; exit 2; }

runs=("$@")
if ((${#runs[@]} == 0)); then
  mapfile -t runs < <(find "$BENCH_DIR/results/runs" -maxdepth 1 -name '*.csv' 2>/dev/null | sort | tail -n "$COUNT")
fi
((${#runs[@]} > 0)) || { echo "No run to show: tests/benchmark/results/runs/ holds no .csv (run tests/benchmark/run.sh)." >&2; exit 1; }
for run in "${runs[@]}"; do [ -r "$run" ] || { echo "Cannot read $run." >&2; exit 1; }; done
n=${#runs[@]}

# A run's name: 20261130T0812Z-6c7e5d5.csv -> 2026-11-30 08:12 (6c7e5d5); any other name as it is.
run_name() {
  local base
  base=$(basename "$1" .csv)
  if [[ $base =~ ^([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})Z-(.+)$ ]]; then
    echo "${BASH_REMATCH[1]}-${BASH_REMATCH[2]}-${BASH_REMATCH[3]} ${BASH_REMATCH[4]}:${BASH_REMATCH[5]} (\`${BASH_REMATCH[6]}\`)"
  else
    echo "$base"
  fi
}

WORK=$(mktemp -d /tmp/latch-side-by-side.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# One table of every run's values: key, unit, goal (of the newest run stating one), value of run 1 … n ("" if absent).
awk -F, -v n="$n" '
  FNR == 1 { run++; next }
  { if (!($1 in seen)) { seen[$1] = 1; order[++keys] = $1 }
    v[$1, run] = $2; if ($3 != "") unit[$1] = $3; if ($4 != "") goal[$1] = $4 }
  END { for (k = 1; k <= keys; k++) { key = order[k]; line = key "," unit[key] "," goal[key]
          for (r = 1; r <= n; r++) line = line "," v[key, r]; print line } }' "${runs[@]}" >"$WORK/all.csv"

value() { awk -F, -v k="$1" -v r="$2" '$1 == k { print $(3 + r); exit }' "$WORK/all.csv"; }
goal_of() { awk -F, -v k="$1" '$1 == k { print $3; exit }' "$WORK/all.csv"; }
unit_of() { awk -F, -v k="$1" '$1 == k { print $2; exit }' "$WORK/all.csv"; }
has() { awk -F, -v k="$1" '$1 == k { found = 1 } END { exit !found }' "$WORK/all.csv"; }
median_of() { # median of the non-empty values of KEY over the runs
  local r values=()
  for ((r = 1; r <= n; r++)); do
    local x
    x=$(value "$1" "$r")
    [ -z "$x" ] || values+=("$x")
  done
  ((${#values[@]} > 0)) || return 0
  printf '%s\n' "${values[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
# fmt VALUE DECIMALS : "–" when empty; whole numbers of 1,000 and more with thousands separators
fmt() { if [ -z "$1" ]; then echo "–"; return; fi; awk -v v="$1" -v p="$2" 'BEGIN { s = sprintf("%.*f", p, v); if (p == 0 && (v >= 1000 || v <= -1000)) { t = ""; while (length(s) > 3 && substr(s, length(s) - 3, 1) ~ /[0-9]/) { t = "," substr(s, length(s) - 2) t; s = substr(s, 1, length(s) - 3) } s = s t } print s }'; }
goal_number() { if [[ $1 =~ ^[0-9]+$ ]]; then fmt "$1" 0; else echo "$1"; fi; }
goal_text() { case $1 in "") ;; "<=0" | "0") echo 0 ;; ">="*) echo "≥ $(goal_number "${1#>=}")" ;; "<="*) echo "≤ $(goal_number "${1#<=}")" ;; *) echo "$1" ;; esac; }
met() { # met VALUE GOAL
  [ -n "$1" ] && [ -n "$2" ] || return 0
  awk -v v="$1" -v g="$2" 'BEGIN { op = substr(g, 1, 2); x = substr(g, 3) + 0
    if (op == ">=") ok = v >= x; else if (op == "<=") ok = v <= x; else ok = v == g + 0
    print (ok ? "yes" : "**no**") }'
}

# KEY|LABEL|DECIMALS, in the order of the table; rows no run has are left out.
FIGURES=(
  "ratio.d_over_c|latched/unlatched, memory (d/c)|3"
  "ratio.e_over_c|latched/unlatched, Redis (e/c)|3"
  "ratio.g_over_c|session route/unlatched, Redis (g/c)|3"
  "ratio.h_over_c|session route/unlatched, memory (h/c)|3"
  "ratio.c_over_b|unlatched gateway / nginx reverse proxy (c/b)|3"
  "added_p99.d_minus_c|added p99, latched, memory (d−c), ms|2"
  "added_p99.e_minus_c|added p99, latched, Redis (e−c), ms|2"
  "added_p99.g_minus_c|added p99, session route, Redis (g−c), ms|2"
  "added_p99.h_minus_c|added p99, session route, memory (h−c), ms|2"
  "issuance.memory|issuance, memory store, codes/s|0"
  "issuance.memory_unpinned|issuance, memory store, gateway not pinned (the RSS run), codes/s|0"
  "issuance.redis|issuance, Redis (one replica), codes/s|0"
  "issuance.redis_2_replicas|issuance, Redis (two replicas at once), codes/s|0"
  "rss_per_live_code.memory|RSS per live code (memory store), bytes|0"
  "rss_per_live_session.memory|RSS per live session (memory store), bytes|0"
  "rss_per_live_access_request.memory|RSS per live access request (memory store), bytes|0"
  "access.memory.cycles_per_s|access requests created, approved, picked up, memory, cycles/s|0"
  "access.redis.cycles_per_s|access requests created, approved, picked up, Redis, cycles/s|0"
  "ratio.f_over_e|scaling 1 → 2 Redis replicas (f/e)|2"
  "audit_dropped.memory|audit events dropped, memory gateway|0"
  "audit_dropped.redis|audit events dropped, Redis gateways|0"
)
declare -A TARGET_LABEL=(
  [a]="a nginx (backend)" [b]="b nginx reverse proxy" [c]="c gateway, unlatched" [d]="d latched, memory"
  [e]="e latched, Redis" [f]="f two replicas, Redis" [g]="g session route, Redis" [h]="h session route, memory"
)

header() { # header FIRST-COLUMN-TITLE
  local r line="| $1 |" rule="|---|"
  for ((r = 1; r <= n; r++)); do
    line+=" run $r |"
    rule+="---:|"
  done
  echo "$line median | goal | met |"
  echo "$rule---:|---:|:---:|"
}
row() { # row KEY LABEL DECIMALS
  local key=$1 label=$2 decimals=$3 r line med goal
  line="| $label |"
  for ((r = 1; r <= n; r++)); do line+=" $(fmt "$(value "$key" "$r")" "$decimals") |"; done
  med=$(median_of "$key")
  goal=$(goal_of "$key")
  echo "$line $(fmt "$med" "$decimals") | $(goal_text "$goal") | $(met "$med" "$goal") |"
}

{
  echo "Runs: $(for ((r = 1; r <= n; r++)); do printf '%s%s %s' "$( ((r == 1)) || echo '; ')" "run $r" "$(run_name "${runs[$((r - 1))]}")"; done)."
  echo
  header figure
  for entry in "${FIGURES[@]}"; do
    IFS='|' read -r key label decimals <<<"$entry"
    has "$key" && row "$key" "$label" "$decimals"
  done
  echo
  header "target (requests/s; p99 ms)"
  for t in a b c d e f g h; do
    has "$t.rps" || continue
    row "$t.rps" "${TARGET_LABEL[$t]}, requests/s" 0
    row "$t.p99" "${TARGET_LABEL[$t]}, p99 (ms)" 2
  done
} >"$OUT_MD"
echo "Written: ${OUT_MD#"$ROOT"/}" >&2

[ -n "$OUT_PNG" ] || exit 0
command -v gnuplot >/dev/null 2>&1 || { echo "gnuplot is missing: no chart (apt-get install gnuplot-nox)." >&2; exit 1; }
# Data for the chart: "label" value-of-run-1 … value-of-run-3 [goal], NaN where a run has no value.
chart_rows() { # chart_rows FILE KEY|LABEL …
  local file=$1 entry key label r x goal
  shift
  for entry in "$@"; do
    IFS='|' read -r key label <<<"$entry"
    has "$key" || continue
    printf '"%s"' "$label"
    for ((r = 1; r <= 3; r++)); do
      x=""
      if ((r <= n)); then x=$(value "$key" "$r"); fi
      printf ' %s' "${x:-NaN}"
    done
    goal=$(goal_of "$key")
    goal=${goal#>=}
    printf ' %s\n' "${goal#<=}"
  done >"$file"
  sed -i 's/ $/ NaN/' "$file"
}
chart_rows "$WORK/targets.dat" "a.rps|a nginx" "b.rps|b nginx proxy" "c.rps|c open" "d.rps|d latched mem" \
  "e.rps|e latched Redis" "f.rps|f 2 replicas" "g.rps|g session Redis" "h.rps|h session mem"
chart_rows "$WORK/ratios.dat" "ratio.d_over_c|d/c" "ratio.e_over_c|e/c" "ratio.g_over_c|g/c" "ratio.h_over_c|h/c" "ratio.c_over_b|c/b"
chart_rows "$WORK/added.dat" "added_p99.d_minus_c|d−c" "added_p99.e_minus_c|e−c" "added_p99.g_minus_c|g−c" "added_p99.h_minus_c|h−c"
titles=""
for ((r = 1; r <= n; r++)); do
  titles+="run$r:$(basename "${runs[$((r - 1))]}" .csv | sed 's/^\([0-9]\{4\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)T\([0-9]\{2\}\)\([0-9]\{2\}\)Z-\(.*\)$/\1-\2-\3T\4:\5Z(\6)/') "
done
gnuplot -e "targets='$WORK/targets.dat'; ratios='$WORK/ratios.dat'; added='$WORK/added.dat'; outfile='$OUT_PNG'; n=$n; titles='${titles% }'" \
  "$BENCH_DIR/plot.gnuplot"
echo "Written: ${OUT_PNG#"$ROOT"/}" >&2

#!/usr/bin/env bash
# Runs the BenchmarkDotNet microbenchmarks of the latch hot path (tests/LatchGateway.Benchmarks) and writes their
# summary tables to tests/benchmark/results/microbenchmarks.md.
#   bash tests/benchmark/micro.sh                 every benchmark, short job (about 6 minutes on 2 cores)
#   bash tests/benchmark/micro.sh '*Transform*'   a filter; any further arguments go to BenchmarkDotNet
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (https://dot.net)." >&2; exit 1; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown) # what is measured: HEAD when the run starts
filter=${1:-*}
shift || true
artifacts=$(mktemp -d /tmp/latch-bdn.XXXXXX)
trap 'rm -rf "$artifacts"' EXIT

dotnet run -c Release --project tests/LatchGateway.Benchmarks -- --filter "$filter" --job short --artifacts "$artifacts" "$@"

out=tests/benchmark/results/microbenchmarks.md
mkdir -p "$(dirname "$out")"
{
  echo "# LatchGateway microbenchmarks — latest run"
  echo
  echo "$(date -u "+%Y-%m-%d %H:%M UTC"), commit $commit."
  echo "\`dotnet run -c Release --project tests/LatchGateway.Benchmarks -- --filter '$filter' --job short\`"
  echo "(\`bash tests/benchmark/micro.sh\`). \"Allocated\" is managed memory allocated per operation."
  for report in "$artifacts"/results/*-report-github.md; do
    [ -e "$report" ] || continue
    echo
    echo "## $(basename "$report" -report-github.md | sed 's/^LatchGateway\.Benchmarks\.//')"
    echo
    cat "$report"
  done
} >"$out"
echo "Written: $out"

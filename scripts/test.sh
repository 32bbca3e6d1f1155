#!/usr/bin/env bash
# Runs every test of the repository: the .NET suites (real server on loopback, real SQLite, fake provider over
# HTTP), the browser SDK's unit tests, and the Node/Chromium suites that drive Latchkey with Nango's official
# clients. Needs the .NET 10 SDK, Node 20+ and Chromium at /usr/bin/chromium (.ci/run installs them).
# Ends with one line "Tests: N passed, M failed" summing every suite.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
status=0

step() { printf '\n==> %s\n' "$*"; }

# Installs a package folder's npm dependencies when they are missing or older than its lock file.
npm_install() {
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  fi
}

step "browser packages: install"
npm_install web || exit 1

step "build (.NET; builds the Connect UI into the server's static files)"
dotnet build Latchkey.slnx -c Debug -nologo -clp:ErrorsOnly || exit 1

step "browser packages: build, unit tests"
(cd web && npm run build --silent) || exit 1
(cd web && npm test 2>&1) | tee "$logs/web.log" || status=1

step ".NET tests (SQLite)"
LATCHKEY_TEST_POSTGRES= dotnet test --solution Latchkey.slnx --no-build 2>&1 | tee "$logs/dotnet.log" || status=1

# The same suites on PostgreSQL when a server is given (.ci/run starts one): each test server gets its own database.
if [ -n "${LATCHKEY_TEST_POSTGRES:-}" ]; then
  step ".NET tests (PostgreSQL)"
  dotnet test --project tests/Latchkey.Server.Tests --no-build 2>&1 | tee "$logs/dotnet-postgres.log" || status=1
else
  step ".NET tests (PostgreSQL): skipped, set LATCHKEY_TEST_POSTGRES=postgres://user:pass@host/db to run them"
fi

step "Node + Chromium suites (official clients)"
npm_install tests/compat || exit 1
(cd tests/compat && npm test 2>&1) | tee "$logs/compat.log" || status=1

# One closing line for every suite together (colour codes stripped first).
for log in "$logs"/*.log; do sed -i 's/\x1b\[[0-9;]*m//g' "$log"; done
passed=0
failed=0
add() { passed=$((passed + ${1:-0})); failed=$((failed + ${2:-0})); }
for log in "$logs"/dotnet*.log; do
  add "$(grep -Eo 'succeeded: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}')" \
      "$(grep -Eo '^ +failed: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}')"
done
add "$(grep -Eo 'Tests +[0-9]+ passed' "$logs/web.log" | awk '{s+=$2} END {print s+0}')" \
    "$(grep -Eo 'Tests +([0-9]+ failed)' "$logs/web.log" | awk '{s+=$2} END {print s+0}')"
add "$(grep -Eo 'ℹ pass [0-9]+' "$logs/compat.log" | awk '{s+=$3} END {print s+0}')" \
    "$(grep -Eo 'ℹ fail [0-9]+' "$logs/compat.log" | awk '{s+=$3} END {print s+0}')"
rm -rf "$logs"
if [ "$failed" -gt 0 ]; then status=1; fi
echo
echo "Tests: ${passed} passed, ${failed} failed"
exit $status

#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it (locally and in CI): host setup, dependencies, build, then
# vitest's unit, integration and e2e projects, ending with one "N passed, N failed, N skipped" line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

if [[ $EUID -eq 0 ]]; then
  step 'host setup (test/setup-host.sh)'
  bash test/setup-host.sh
else
  # Not root: the host cannot be prepared here. Integration tests skip (and say why) unless podman and
  # the base image are already usable; in CI they fail instead.
  step 'host setup skipped: not root (run: sudo bash test/setup-host.sh)'
fi

# npm writes node_modules/.package-lock.json on every install: older than the lock file means stale.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  # npm install, not npm ci: our registry serves only this platform's builds of packages with per-platform
  # optional dependencies (e.g. rollup's), and npm ci rejects a lock file that lacks the other platforms'.
  step 'npm install (locked versions)'
  npm install --no-audit --no-fund
fi

step 'npm run build'
npm run build

step 'vitest (unit, integration, e2e)'
results=$(mktemp -t wrapix-vitest-XXXXXX.json)
trap 'rm -f "$results"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?

# One plain closing line, so a run that executed no test is visible as such.
node -e '
  const fs = require("node:fs")
  let r = {}
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")) } catch {}
  // A file that failed before running any test (a collection error) counts as one failure.
  const broken = (r.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((t) => t.status === "failed")).length
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  console.log(`\n${r.numPassedTests ?? 0} passed, ${(r.numFailedTests ?? 0) + broken} failed, ${skipped} skipped`)
' "$results"
exit "$status"

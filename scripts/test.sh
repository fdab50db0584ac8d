#!/usr/bin/env bash
# The project's test command (README: `npm test`). Builds first: CLI-level tests run dist/.
# Ends with a plain "tests: N passed, N failed" line (from vitest's JSON report) for CI logs.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
report=.test-results/vitest.json
mkdir -p .test-results
rm -f "$report"
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
rc=$?
set -e
if [ -f "$report" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$report"
fi
exit "$rc"

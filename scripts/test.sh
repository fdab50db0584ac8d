#!/usr/bin/env bash
# The project's test command (README: `npm test`). Builds first: CLI-level tests run dist/.
# Then the secrets scan (scripts/secrets-scan.mjs) over everything the run printed and wrote:
# vitest's output is kept in .test-results/vitest-output.log, CLI transcripts and test folders in
# .test-results/artifacts (ENTRA_SOA_ARTIFACTS_DIR, see test/helpers/test-artifacts.ts). The scan
# counts as one test. A run given arguments (a subset of the tests) skips the scan: the subset
# may plant nothing, and the scan refuses to pass without seeing a planted secret.
# Ends with a plain "tests: N passed, N failed" line (from vitest's JSON report) for CI logs.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
results=.test-results
report=$results/vitest.json
rm -rf "$results"
mkdir -p "$results/artifacts/tmp" "$results/artifacts/cli"
export ENTRA_SOA_ARTIFACTS_DIR="$PWD/$results/artifacts"
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" 2>&1 | tee "$results/vitest-output.log"
rc=${PIPESTATUS[0]}
scan=skipped
if [ "$#" -eq 0 ]; then
  samba_flag=()
  if [ "${CI:-}" = true ]; then samba_flag=(--require-samba); fi
  if node scripts/secrets-scan.mjs --results "$results" "${samba_flag[@]}"; then scan=passed; else scan=failed; fi
else
  echo "secrets scan: skipped (tests were selected; run npm test without arguments to scan)"
fi
set -e
if [ -f "$report" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const scan = process.argv[2];
    const passed = r.numPassedTests + (scan === "passed" ? 1 : 0);
    const failed = r.numFailedTests + (scan === "failed" ? 1 : 0);
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$report" "$scan"
fi
if [ "$scan" = failed ] && [ "$rc" -eq 0 ]; then rc=1; fi
exit "$rc"

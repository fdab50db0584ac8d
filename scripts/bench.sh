#!/usr/bin/env bash
# Runs the benchmarks (figures, not pass/fail). The AD benchmark needs a running Samba DC
# (scripts/samba.sh) and the ENTRA_SOA_TEST_* variables; it is left out when they are unset.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
echo "== planner (bench/plan.ts)"; node dist/bench/plan.js "$@"
echo "== Graph read (bench/graph-read.ts)"; node dist/bench/graph-read.js
echo "== apply sync waits (bench/apply-waits.ts)"; node dist/bench/apply-waits.js
if [ -n "${ENTRA_SOA_TEST_LDAPS_URL:-}" ]; then
  echo "== AD read (bench/ad-read.ts)"; node dist/bench/ad-read.js
else
  echo "== AD read: skipped (no Samba DC: eval \"\$(bash scripts/samba.sh env DIR)\" first)"
fi

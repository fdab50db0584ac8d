#!/usr/bin/env bash
# Runs the benchmarks (figures, not pass/fail; docs/bench.md). By default the issue 11 goals table
# (bench/goals.ts: the built CLI on generated tenants of 100,000 and 1,000,000 people, about 10 minutes
# on a 2-core machine); `npm run bench -- --all` adds the detailed benchmarks below it. Other arguments
# go to bench/goals.ts (--users N, --million N, --skip-million, --skip-journal, --keep).
# The AD benchmark needs a running Samba DC (scripts/samba.sh) and the ENTRA_SOA_TEST_* variables; it is
# left out when they are unset.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
all=0
goals_args=()
for a in "$@"; do
  if [ "$a" = "--all" ]; then all=1; else goals_args+=("$a"); fi
done
echo "== issue 11 goals (bench/goals.ts)"; node dist/bench/goals.js "${goals_args[@]}"
[ "$all" = 1 ] || exit 0
echo "== planner in one process (bench/plan.ts)"; node dist/bench/plan.js
echo "== manifest load (bench/manifest-load.ts)"; node dist/bench/manifest-load.js
echo "== Graph read (bench/graph-read.ts)"; node dist/bench/graph-read.js
if command -v chromium >/dev/null 2>&1; then
  echo "== drift report at 100,000 users (bench/drift-report.ts)"; node dist/bench/drift-report.js
else
  echo "== drift report: skipped (no chromium: apt-get install chromium)"
fi
echo "== lab sync cycle (bench/lab-sync.ts)"; node dist/bench/lab-sync.js
echo "== apply sync waits (bench/apply-waits.ts)"; node dist/bench/apply-waits.js
echo "== apply at scale: 600 removals, 1,000 hard links, paced (bench/apply-scale.ts, about 3 minutes)"; node dist/bench/apply-scale.js
if [ -n "${ENTRA_SOA_TEST_LDAPS_URL:-}" ]; then
  echo "== AD read (bench/ad-read.ts)"; node dist/bench/ad-read.js
else
  echo "== AD read: skipped (no Samba DC: eval \"\$(bash scripts/samba.sh env DIR)\" first)"
fi

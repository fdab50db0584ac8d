#!/usr/bin/env bash
# The README's main job on the built-in lab tenant (no credentials, no network):
# plan the sample manifest, apply exactly that plan, then plan again to show the tenant converged.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
cli=(node dist/src/cli/main.js)
work=.entra-soa/demo
rm -rf .entra-soa/lab "$work"
mkdir -p "$work"
echo "== 1/3 plan: examples/lab/manifest.yaml against the lab's sample company"
# The whole plan is long (every step of 72 objects): the demo shows its head and summary, and where it is.
"${cli[@]}" plan --lab -f examples/lab/manifest.yaml --out "$work/plan.json" > "$work/plan.txt"
sed -n '1,/^Plan: /p' "$work/plan.txt"
echo "(the whole plan: $work/plan.txt; or node dist/src/cli/main.js show $work/plan.json)"
echo
echo "== 2/3 apply the saved plan (the lab runs Entra Connect's sync cycle where a step waits for it)"
"${cli[@]}" apply "$work/plan.json" --lab --auto-approve --journal "$work/plan.journal" --secrets-dir "$work/secrets"
echo
echo "== 3/3 plan again: nothing left to do"
"${cli[@]}" plan --lab -f examples/lab/manifest.yaml --detailed-exitcode

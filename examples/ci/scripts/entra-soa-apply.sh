#!/usr/bin/env bash
# Merge step: apply the reviewed plan.json. The journal (plan.json.journal) makes a re-run resume
# where the interrupted one stopped: put the journal of the previous attempt in ENTRA_SOA_OUT first.
#   ENTRA_SOA_PLAN   the reviewed plan (default entra-soa-out/plan.json)
#   ENTRA_SOA_ARGS   live options (as for plan); --lab in tests
# Exit codes as `entra-soa apply`: 0 done, 1 refused before any change, 3 some steps did not finish.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
plan="${ENTRA_SOA_PLAN:-entra-soa-out/plan.json}"
if [ ! -f "$plan" ]; then
  echo "entra-soa: no reviewed plan at $plan: the pull request's plan artifact was not found" >&2
  exit 1
fi
if [ -f "$plan.journal" ]; then echo "entra-soa: resuming from $plan.journal"; fi
# shellcheck disable=SC2086
entra_soa apply "$plan" --auto-approve --journal "$plan.journal" ${ENTRA_SOA_ARGS:-}

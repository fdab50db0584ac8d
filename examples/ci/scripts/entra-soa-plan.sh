#!/usr/bin/env bash
# Pull-request step: plan the manifest, keep plan.json and plan.md, show the plan on the run's page.
#   ENTRA_SOA_MANIFEST   the manifest (default entra-soa.yaml)
#   ENTRA_SOA_ARGS       where the state comes from: live options (see docs/ci.md), --snapshot F, or --lab
#   ENTRA_SOA_OUT        folder for plan.json and plan.md (default entra-soa-out)
# Outputs: changes=true|false. Exit 0 with or without changes; 1 when planning failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
manifest="${ENTRA_SOA_MANIFEST:-entra-soa.yaml}"
out="${ENTRA_SOA_OUT:-entra-soa-out}"
mkdir -p "$out"
set +e
# shellcheck disable=SC2086
entra_soa plan -f "$manifest" ${ENTRA_SOA_ARGS:-} --out "$out/plan.json" --format markdown --detailed-exitcode > "$out/plan.md"
rc=$?
set -e
case "$rc" in
  0) set_output changes false ;;
  2) set_output changes true ;;
  *) echo "entra-soa plan failed (exit $rc): see the messages above" >&2; exit "$rc" ;;
esac
add_summary "$out/plan.md"

#!/usr/bin/env bash
# Scheduled step: compare the directories with the manifest and write the drift report.
#   ENTRA_SOA_MANIFEST, ENTRA_SOA_ARGS as for plan; ENTRA_SOA_REPORT_DIR (default entra-soa-report);
#   ENTRA_SOA_PREVIOUS   the previous run's report.json, when there is one (--since)
# Outputs: status=in-sync|drifted|incomplete. Exit 0 in sync or drifted (the issue step reports drift);
# 1 when something could not be read or planned (the report says what).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
manifest="${ENTRA_SOA_MANIFEST:-entra-soa.yaml}"
dir="${ENTRA_SOA_REPORT_DIR:-entra-soa-report}"
since=()
if [ -n "${ENTRA_SOA_PREVIOUS:-}" ] && [ -f "$ENTRA_SOA_PREVIOUS" ]; then since=(--since "$ENTRA_SOA_PREVIOUS"); fi
set +e
# shellcheck disable=SC2086
entra_soa drift -f "$manifest" ${ENTRA_SOA_ARGS:-} --report-dir "$dir" "${since[@]}"
rc=$?
set -e
case "$rc" in
  0) set_output status in-sync ;;
  2) set_output status drifted ;;
  *) set_output status incomplete ;;
esac
if [ -f "$dir/report.md" ]; then add_summary "$dir/report.md"; fi
if [ "$rc" = 1 ]; then exit 1; fi
exit 0

# Shared by the entra-soa-*.sh steps: which CI this is, and how to hand values to later steps.
# GitHub Actions sets GITHUB_ACTIONS=true (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY); Azure Pipelines sets
# TF_BUILD=True (logging commands ##vso[...]). Elsewhere values are only printed.

# The entra-soa command: the npm package's bin, or what ENTRA_SOA names (e.g. "node dist/src/cli/main.js").
entra_soa() {
  # shellcheck disable=SC2086
  ${ENTRA_SOA:-npx --no-install entra-soa} "$@"
}

# set_output NAME VALUE: a step output (GitHub: steps.<id>.outputs.NAME; Azure: $(step.NAME), isOutput).
set_output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
  elif [ "${TF_BUILD:-}" = "True" ]; then
    printf '##vso[task.setvariable variable=%s;isOutput=true]%s\n' "$1" "$2"
  fi
  printf 'entra-soa: %s=%s\n' "$1" "$2"
}

# add_summary FILE: Markdown shown on the run's page (GitHub step summary; Azure build summary tab).
add_summary() {
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$1" >> "$GITHUB_STEP_SUMMARY"
  elif [ "${TF_BUILD:-}" = "True" ]; then
    printf '##vso[task.uploadsummary]%s\n' "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  fi
}

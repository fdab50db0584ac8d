#!/usr/bin/env bash
# The project's test command (README: `npm test`). Builds first: CLI-level tests run dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
npx vitest run "$@"

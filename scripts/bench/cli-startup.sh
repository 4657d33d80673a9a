#!/usr/bin/env bash
# Start-up of the built ai-finops (--version, check on the inference-service template) against node -e 0; prints figures.
#   bash scripts/bench/cli-startup.sh [--runs 30] [--source-runs 5] [--json out.json]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/cli-startup.ts "$@"

#!/usr/bin/env bash
# Data-plane benchmark (FOCUS ingest vs COPY, summary latency); prints figures.
#   bash scripts/bench/data-plane.sh [--rows 1000000] [--entities 500]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
bash scripts/postgres.sh >/dev/null
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/data-plane.ts "$@"

#!/usr/bin/env bash
# Organisation-scale benchmark (engine pass and route timings at N entities); prints figures.
#   bash scripts/bench/scale.sh [--entities 2000] [--days 90] [--samples 40] [--keep]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
bash scripts/postgres.sh >/dev/null
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/scale.ts "$@"

#!/usr/bin/env bash
# Anomaly benchmark (NAB v1.1 standard / low-FP / low-FN: ai-finops detect vs the windowed-Gaussian baseline); prints figures.
#   bash scripts/bench/anomaly.sh [--per-category]
#   bash scripts/bench/anomaly.sh --loco [--grid SPEC] [--module PATH]   (leave-one-category-out, see anomalyLoco.ts)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/anomaly.ts "$@"

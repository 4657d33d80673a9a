#!/usr/bin/env bash
# Replay-simulator benchmark: GPU-hours, cost, SLO-violation rate and carbon per policy on every trace; prints figures.
#   bash scripts/bench/simulate.sh [--traces conv,code,mooncake-conv,mooncake-synth,alibaba1,alibaba2,google] [--hours 168] [--rps 15] [--json out.json]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/simulate.ts "$@"

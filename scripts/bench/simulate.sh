#!/usr/bin/env bash
# Replay-simulator benchmark: GPU-hours and SLO violations of static peak, reactive HPA, predictive and the clairvoyant reference on every trace, and the goals of issue 14 (predictive ≤ 1.15× clairvoyant and ≤ HPA GPU-hours, SLO ≤ HPA); prints figures.
#   bash scripts/bench/simulate.sh [--traces conv,code,mooncake-conv,mooncake-synth,alibaba1,alibaba2,google] [--hours 168] [--rps 15] [--json out.json] [--predictive JSON]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/simulate.ts "$@"

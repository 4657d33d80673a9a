#!/usr/bin/env bash
# Forecast benchmark (sMAPE, MASE, OWA vs seasonal naive on the SustainDC hourly series); prints figures.
#   bash scripts/bench/forecast.sh [--stride 24] [--horizon 48] [--series PJM,Alibaba] [--offset 1344]
# Throughput of the CLI's forecast and detect (seconds, peak RSS, x a seasonal-naive read/write, OWA of the run):
#   bash scripts/bench/forecast.sh --throughput 1000 [--workers auto|N] [--cli path/to/bin/ai-finops]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/forecast.ts "$@"

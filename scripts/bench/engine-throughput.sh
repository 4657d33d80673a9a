#!/usr/bin/env bash
# Engine throughput: forecast + detect for 1,000 hourly series × 90 days; prints seconds and series/s.
#   bash scripts/bench/engine-throughput.sh [--series 1000] [--days 90] [--horizon 48]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/engine-throughput.ts "$@"

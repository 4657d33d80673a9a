#!/usr/bin/env bash
# Exact, reproducible money totals: ingests a generated FOCUS export with the CLI into PostgreSQL and SQLite
# and prints `ai-finops costs` beside the exact decimal sum and the double sums in three orders.
#   bash scripts/bench/money-totals.sh [--rows 300000] [--postgres postgresql://postgres@127.0.0.1:5432]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/money-totals.ts "$@"

#!/usr/bin/env bash
# FocusReader micro-benchmark (reader vs bare csv-parse, gzip, Parquet); prints figures.
#   bash scripts/bench/focus-reader.sh [--rows 1000000] [--file focus.csv] [--only csv-parse,reader,gzip,parquet]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec node ${NODE_BENCH_FLAGS:-} --require @backstage/cli/config/nodeTransform.cjs scripts/bench/focus-reader.ts "$@"

#!/usr/bin/env bash
# Quick start, step 1: set everything up and start the portal with the demo on SQLite.
#   bash scripts/start.sh
# Frontend on http://localhost:3000, backend on http://localhost:7007 (guest sign-in).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
echo "[start] node $(node --version), yarn $(yarn --version)"
if [ ! -f node_modules/.yarn-state.yml ] || [ yarn.lock -nt node_modules/.yarn-state.yml ]; then
  echo "[start] installing dependencies (first run: about 5 minutes, better-sqlite3 compiles from source)"
  yarn install --immutable
fi
exec yarn start "$@"

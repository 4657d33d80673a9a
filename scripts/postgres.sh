#!/usr/bin/env bash
# Makes sure the PostgreSQL named by BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
# (default postgresql://postgres@127.0.0.1:5432) answers; starts a local Debian cluster if not.
set -uo pipefail
url="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
ready() { pg_isready -q -d "$url" 2>/dev/null; }
command -v pg_isready >/dev/null || { echo "[postgres] pg_isready not found (install postgresql-client)" >&2; exit 1; }
ready && exit 0
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  version="$(ls /etc/postgresql | sort -n | tail -1)"
  echo "[postgres] not answering; starting cluster $version/main" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
fi
echo "[postgres] $url is not reachable" >&2
exit 1

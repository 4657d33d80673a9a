#!/usr/bin/env bash
# The demo portal's container image, checked without a Docker engine: this
# performs the steps of packages/backend/Dockerfile in a temporary folder (the
# skeleton and bundle of `yarn build:backend`, `yarn workspaces focus --all
# --production`, the app-config files and examples), starts the image's demo
# command under NODE_ENV=production, and checks over HTTP that it serves the
# built frontend, refuses cost data without credentials, signs in the guest and
# answers a demo entity's cost summary with costs.
#
#   bash scripts/verify-backend-bundle.sh [--no-build] [--keep]
#
#   --no-build   use the existing packages/backend/dist (from `yarn build:backend`)
#   --keep       keep the temporary folder and print its path
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=scripts/env.sh
. scripts/env.sh

build=1
keep=
for arg in "$@"; do
  case "$arg" in
    --no-build) build= ;;
    --keep) keep=1 ;;
    *) echo "verify-backend-bundle: unknown option '$arg' (--no-build, --keep)" >&2; exit 2 ;;
  esac
done

started=$SECONDS
phase() { echo "[verify-backend-bundle] $* ($((SECONDS - started))s)"; }
work=$(mktemp -d /tmp/ai-finops-image.XXXXXX)
backend_pid=
cleanup() {
  if [ -n "$backend_pid" ]; then kill "$backend_pid" 2>/dev/null || true; wait "$backend_pid" 2>/dev/null || true; fi
  if [ -n "$keep" ]; then echo "[verify-backend-bundle] kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ -n "$build" ]; then
  phase "build: yarn tsc && yarn build:backend"
  yarn tsc
  yarn build:backend >/dev/null
fi
for f in packages/backend/dist/skeleton.tar.gz packages/backend/dist/bundle.tar.gz; do
  [ -f "$f" ] || { echo "verify-backend-bundle: $f is missing; run yarn build:backend" >&2; exit 1; }
done

phase "image layout in $work (the Dockerfile's COPY and RUN steps)"
cp .yarnrc.yml backstage.json yarn.lock package.json "$work/"
tar xzf packages/backend/dist/skeleton.tar.gz -C "$work"
(cd "$work" && NODE_ENV=production yarn workspaces focus --all --production >"$work/install.log" 2>&1) || {
  tail -40 "$work/install.log" >&2
  echo "verify-backend-bundle: yarn workspaces focus --all --production failed" >&2
  exit 1
}
cp -r examples "$work/examples"
cp app-config*.yaml "$work/"
tar xzf packages/backend/dist/bundle.tar.gz -C "$work"
phase "installed: $(du -sh "$work/node_modules" | cut -f1) of production node_modules"

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://localhost:$port"
phase "start: node packages/backend --config app-config.yaml --config app-config.container-demo.yaml on :$port"
(
  cd "$work"
  NODE_ENV=production \
    APP_CONFIG_backend_listen_port="$port" \
    APP_CONFIG_backend_baseUrl="$base" \
    APP_CONFIG_app_baseUrl="$base" \
    exec node packages/backend --config app-config.yaml --config app-config.container-demo.yaml
) >"$work/backend.log" 2>&1 &
backend_pid=$!

BASE="$base" BACKEND_PID="$backend_pid" LOG="$work/backend.log" node --input-type=module -e '
const { BASE: base, BACKEND_PID: pid, LOG: log } = process.env;
const { readFileSync } = await import("node:fs");
const fail = message => {
  console.error(`verify-backend-bundle: ${message}\n--- backend output (last lines):\n${readFileSync(log, "utf8").slice(-4000)}`);
  process.exit(1);
};
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
async function until(what, attempt, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (!alive()) fail(`the backend exited while waiting for ${what}`);
    try { const r = await attempt(); if (r !== undefined) return r; } catch {}
    await new Promise(r => setTimeout(r, 1000));
  }
  fail(`timed out after ${seconds}s waiting for ${what}`);
}
let passed = 0;
const ok = what => { passed++; console.log(`  ok ${what}`); };

await until("readiness", async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok || undefined, 180);
ok("readiness");
const index = await fetch(`${base}/`);
const html = await index.text();
if (!index.ok || !/<script[^>]+src="[^"]*static\//.test(html)) fail(`GET / did not serve the built frontend (${index.status})`);
ok("the frontend bundle is served at /");
const anonymous = await fetch(`${base}/api/finops/entities/component/default/chat-llm/summary`);
if (anonymous.status !== 401) fail(`an anonymous cost summary answered ${anonymous.status}, not 401`);
ok("cost data refused without credentials (401)");
const token = await until("guest sign-in with the demo memberships", async () => {
  const r = await fetch(`${base}/api/auth/guest/refresh`, { headers: { "X-Requested-With": "XMLHttpRequest" } });
  if (!r.ok) return undefined;
  const { token, identity } = (await r.json()).backstageIdentity;
  return identity.ownershipEntityRefs.includes("group:default/platform-engineering") ? token : undefined;
}, 120);
ok("guest signed in under NODE_ENV=production (container demo config)");
const summary = await until("a demo cost summary", async () => {
  const r = await fetch(`${base}/api/finops/entities/component/default/chat-llm/summary`, { headers: { Authorization: `Bearer ${token}` } });
  if (!r.ok) return undefined;
  const body = await r.json();
  return body.monthToDate.effectiveCost > 0 ? body : undefined;
}, 120);
ok(`chat-llm month to date: ${summary.monthToDate.effectiveCost.toFixed(2)} ${summary.currency ?? ""}`.trim());
console.log(`verify-backend-bundle: ${passed} passed, 0 failed`);
'
phase "done"

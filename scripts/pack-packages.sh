#!/usr/bin/env bash
# Builds and packs every public package of the repository, as npm would publish it.
#
#   bash scripts/pack-packages.sh OUTDIR
#
# - Public packages: the workspaces without "private": true (`yarn workspaces list
#   --no-private`), plus @ai-finops/cli, which is always packed.
# - Build: `yarn tsc`, then `backstage-cli repo build` (every package, not the app and
#   backend bundles); a public package whose build script is not
#   `backstage-cli package build` is built with its own `yarn run build`.
# - Pack: `yarn workspace <name> pack`, which runs the package's prepack
#   (`backstage-cli package prepack`: main/types/exports rewritten to dist, config.d.ts
#   compiled to config.schema.json) and postpack (package.json restored), and replaces
#   `workspace:` ranges with the real versions.
# - Tarball names: OUTDIR/<name without its @scope/, any other "/" as "-">.tgz, e.g.
#   @ai-finops/backstage-plugin-finops -> OUTDIR/backstage-plugin-finops.tgz,
#   @ai-finops/cli -> OUTDIR/cli.tgz. An existing file of that name is replaced.
# - Prints each package's name, tarball and packed size, then checks the tarballs with
#   scripts/check-packed.mjs (package.json points only at files in the tarball, no
#   `workspace:` ranges, no src/ or tests, built files import only declared packages).
# - Exits non-zero on any build, pack or check failure.
#
# Packing rewrites each package.json for a moment (prepack/postpack); the script checks
# that every package.json is byte-identical afterwards and restores it otherwise. Do not
# run `yarn install` in the same working tree while it runs.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: bash scripts/pack-packages.sh OUTDIR" >&2
  exit 2
fi
mkdir -p "$1"
outdir="$(cd "$1" && pwd)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/env.sh
. scripts/env.sh >/dev/null

started=$SECONDS

# name<TAB>location of every package to pack
packages="$(
  yarn workspaces list --json --no-private |
    node -e '
      const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
      const list = lines.map(l => JSON.parse(l)).filter(w => w.location !== ".");
      if (!list.some(w => w.name === "@ai-finops/cli"))
        list.push({ name: "@ai-finops/cli", location: "packages/cli" });
      for (const w of list) console.log(`${w.name}\t${w.location}`);
    '
)"

echo "=== build: yarn tsc"
yarn tsc

echo "=== build: backstage-cli repo build"
yarn backstage-cli repo build

while IFS=$'\t' read -r name location; do
  build_script="$(node -p 'require(process.argv[1]).scripts?.build ?? ""' "$root/$location/package.json")"
  case "$build_script" in
    "" | "backstage-cli package build"*) ;;
    *)
      echo "=== build: $name ($build_script)"
      yarn workspace "$name" run build
      ;;
  esac
done <<<"$packages"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Packs one package; its log goes to $work/<n>.log, "ok" or "failed" to $work/<n>.status.
pack_one() {
  local n="$1" name="$2" location="$3" file="$4"
  local dir="$root/$location"
  local status=ok had_schema=
  [ -e "$dir/config.schema.json" ] && had_schema=1
  cp "$dir/package.json" "$work/$n.package.json"
  rm -f "$file"
  if ! yarn workspace "$name" pack --out "$file" >"$work/$n.log" 2>&1; then
    echo "pack failed: $name" >>"$work/$n.log"
    status=failed
  fi
  if ! cmp -s "$work/$n.package.json" "$dir/package.json"; then
    status=failed
    # prepack's rewrite left behind (main/types in dist): put the original back;
    # any other difference is someone else's edit during the pack: leave it.
    if node -e 'const p = require(process.argv[1]); process.exit(/^(\.\/)?dist\//.test(p.types ?? p.main ?? "") ? 0 : 1)' "$dir/package.json"; then
      echo "$location/package.json was not restored after packing; restored it" >>"$work/$n.log"
      cp "$work/$n.package.json" "$dir/package.json"
    else
      echo "$location/package.json changed while it was packed; pack it again" >>"$work/$n.log"
    fi
  fi
  if [ -z "$had_schema" ] && [ -e "$dir/config.schema.json" ]; then
    echo "$location/config.schema.json was left behind by prepack; removed it" >>"$work/$n.log"
    rm -f "$dir/config.schema.json"
    status=failed
  fi
  rm -f "$dir/package.json-prepack"
  echo "$status" >"$work/$n.status"
}

# Packs run side by side (PACK_JOBS at a time, default 4): each one's prepack only
# touches its own package directory.
max_jobs="${PACK_JOBS:-4}"
echo "=== pack ($max_jobs at a time)"
names=()
files=()
n=0
while IFS=$'\t' read -r name location; do
  file="$outdir/$(node -p 'process.argv[1].replace(/^@[^/]+\//, "").replace(/\//g, "-")' "$name").tgz"
  names+=("$name")
  files+=("$file")
  pack_one "$n" "$name" "$location" "$file" &
  n=$((n + 1))
  if [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; then wait -n || true; fi
done <<<"$packages"
wait

failed=0
tarballs=()
for i in "${!names[@]}"; do
  if [ "$(cat "$work/$i.status" 2>/dev/null)" != ok ]; then
    echo "--- ${names[$i]}"
    cat "$work/$i.log"
    failed=1
  fi
  [ -f "${files[$i]}" ] && tarballs+=("${files[$i]}")
done

echo
echo "=== packed into $outdir"
for file in "${tarballs[@]}"; do
  node -e '
    const [file] = process.argv.slice(1);
    const size = require("fs").statSync(file).size;
    const name = require("child_process")
      .execFileSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" });
    const pkg = JSON.parse(name);
    const kib = (size / 1024).toFixed(1);
    console.log(`${`${pkg.name}@${pkg.version}`.padEnd(72)} ${require("path").basename(file).padEnd(58)} ${kib.padStart(8)} KiB`);
  ' "$file"
done

echo
echo "=== check: node scripts/check-packed.mjs"
if [ ${#tarballs[@]} -eq 0 ] || ! node scripts/check-packed.mjs "${tarballs[@]}"; then
  failed=1
fi

echo "=== $((SECONDS - started))s"
exit "$failed"

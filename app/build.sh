#!/usr/bin/env bash
# Bundles the helloworld server into app/dist/server.js: one CommonJS file for Node 18+
# (Debian bookworm's nodejs is 18.x), no node_modules needed at run time.
# Prints nothing on stdout; exits 2 with "error: ..." when esbuild is missing.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$APP_DIR/.." && pwd)"
# Where npm put esbuild (a dependency of tsx): in this clone, or hoisted above an installed package.
ESBUILD="$ROOT_DIR/node_modules/esbuild/bin/esbuild"
[[ -x "$ESBUILD" ]] || ESBUILD="$(cd "$ROOT_DIR" && node -e 'process.stdout.write(require.resolve("esbuild/bin/esbuild"))' 2>/dev/null || true)"
# app/dist in a clone; an installed package passes a directory outside itself (KPC_APP_DIST).
DIST="${KPC_APP_DIST:-$APP_DIR/dist}"

# out-name=entry point. burst.js is the harness's traffic client, run by the container client;
# reaper.js deletes a killed run's namespaces (harness/lab/reaper.ts).
ENTRIES=(
  "server=$APP_DIR/src/main.ts"
  "burst=$ROOT_DIR/harness/traffic/burst-cli.ts"
  "reaper=$ROOT_DIR/harness/lab/reaper-cli.ts"
)

die() { printf 'error: %s\n' "$*" >&2; exit 2; }
[[ -n "$ESBUILD" && -x "$ESBUILD" ]] || die "esbuild not found from $ROOT_DIR: run 'npm ci' (or 'npm install') there"

# Up to date when this script, esbuild's version and every file the last bundle read are as they
# were then (the list is from esbuild's metafile): a run then skips esbuild (about 0.8 s here).
STAMP="$DIST.inputs.sha256"
INPUTS="$DIST.inputs"
fingerprint() {
  { cat "${BASH_SOURCE[0]}" "$(dirname "$ESBUILD")/../package.json" && (cd "$ROOT_DIR" && xargs -d '\n' sha256sum < "$INPUTS"); } | sha256sum
}
if [[ -s "$DIST/server.js" && -s "$DIST/burst.js" && -s "$DIST/reaper.js" && -s "$INPUTS" && -s "$STAMP" ]] && [[ "$(fingerprint 2>/dev/null)" == "$(cat "$STAMP")" ]]; then
  exit 0
fi

mkdir -p "$DIST"
rm -f "$STAMP"
(cd "$ROOT_DIR" && "$ESBUILD" "${ENTRIES[@]}" \
  --bundle --platform=node --target=node18 --format=cjs \
  --outdir="$DIST" --log-level=warning --legal-comments=none --charset=utf8 --metafile="$DIST/.meta.json")
# The repository's package.json says "type": "module"; this marker makes `node app/dist/*.js`
# load the bundles as CommonJS both here and in the image (where it is /app/package.json).
printf '{ "type": "commonjs" }\n' > "$DIST/package.json"
node -e 'process.stdout.write(Object.keys(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).inputs).join("\n") + "\n")' "$DIST/.meta.json" > "$INPUTS"
rm -f "$DIST/.meta.json"
fingerprint > "$STAMP"

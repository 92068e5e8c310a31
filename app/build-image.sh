#!/usr/bin/env bash
# Builds the helloworld image kube-proxy-conformance/helloworld:0.1.0 from app/dist (bundled
# first by app/build.sh). Skips the build when the image already carries the same input hash.
#
# Base image: $BASE_IMAGE if set; else kube-proxy-conformance/runtime:bookworm when it exists
# locally (offline: Debian's nodejs 18); else node:20-bookworm-slim (pulled if needed).
#
# stdout: the image ref, as the last line. Logs go to stderr.
# Exit 2 with one line "error: ..." when a prerequisite is missing.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGE="kube-proxy-conformance/helloworld:0.1.0"
RUNTIME_IMAGE="kube-proxy-conformance/runtime:bookworm"
PUBLIC_BASE="node:20-bookworm-slim"
LABEL_PREFIX="io.kube-proxy-conformance"
HASH_LABEL="$LABEL_PREFIX.input-hash"

log() { printf '[helloworld-image] %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }
# The image's ID; nothing when there is no such image (or no engine answers: asked below, only then).
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
assert_engine() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no Docker engine answers: run 'npm run prepare:docker'"; }

command -v docker >/dev/null || die "docker CLI not found: install Docker (or run 'npm run prepare:docker')"

# The bundle goes to app/dist in a clone; an installed package is never written to, so there it
# goes to the harness's cache.
if [[ "$APP_DIR" == */node_modules/* || ! -w "$APP_DIR" ]]; then
  export KPC_APP_DIST="${KPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-proxy-conformance}/app-dist"
fi
DIST="${KPC_APP_DIST:-$APP_DIR/dist}"
log "bundle app/src/main.ts -> $DIST/server.js (made again when a source changed)"
bash "$APP_DIR/build.sh" >&2
[[ -s "$DIST/server.js" ]] || die "bundle $DIST/server.js is missing after app/build.sh"

base_id=""
if [[ -n "${BASE_IMAGE:-}" ]]; then
  base="$BASE_IMAGE"
  log "base image $base (from BASE_IMAGE)"
elif base_id="$(image_id "$RUNTIME_IMAGE")" && [[ -n "$base_id" ]]; then
  base="$RUNTIME_IMAGE"
  log "base image $base (local runtime image)"
else
  assert_engine
  base="$PUBLIC_BASE"
  log "base image $base ($RUNTIME_IMAGE is not built)"
fi
[[ -n "$base_id" ]] || base_id="$(image_id "$base")"
if [[ -z "$base_id" ]]; then
  assert_engine
  log "pulling $base"
  if ! pull_output="$(docker pull --quiet "$base" 2>&1)"; then
    reason="$(printf '%s' "$pull_output" | tail -n 1 | tr -s '\r\n\t' ' ')"
    die "base image $base is not local and could not be pulled ($reason): build $RUNTIME_IMAGE (images/) or set BASE_IMAGE to a local image with Node 18+"
  fi
  base_id="$(image_id "$base")"
fi

input_hash="$(
  {
    printf '%s\n' "$IMAGE" "$base_id"
    cat "$APP_DIR/Dockerfile" "$APP_DIR/.dockerignore"
    (cd "$DIST" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
)"

previous_id=""
current_hash=""
if current="$(docker image inspect --format "{{.Id}} {{ index .Config.Labels \"$HASH_LABEL\" }}" "$IMAGE" 2>/dev/null)"; then
  read -r previous_id current_hash <<< "$current"
else
  previous_id="$(image_id "$IMAGE")"
fi
if [[ "$current_hash" == "$input_hash" ]]; then
  log "$IMAGE is up to date (input hash $input_hash)"
  echo "$IMAGE"
  exit 0
fi

log "building $IMAGE on $base (input hash $input_hash)"
iid_file="$(mktemp)"
# The build context: the Dockerfile, its .dockerignore and the bundles, wherever they were made.
context="$(mktemp -d)"
trap 'rm -rf "$iid_file" "$context"' EXIT
cp "$APP_DIR/Dockerfile" "$APP_DIR/.dockerignore" "$context/"
cp -r "$DIST" "$context/dist"
DOCKER_BUILDKIT=0 docker build \
  --build-arg "BASE_IMAGE=$base" \
  --label "$HASH_LABEL=$input_hash" \
  --label "$LABEL_PREFIX.base-image=$base" \
  --iidfile "$iid_file" \
  --file "$context/Dockerfile" \
  "$context" >&2
new_id="$(cat "$iid_file")"

# The base must bring Node 18+ on PATH: check the new image before it takes the tag, so a
# wrong BASE_IMAGE fails here (and leaves a previous good image tagged), not in the cluster.
reject() { docker image rm "$new_id" >/dev/null 2>&1 || true; die "$1"; }
node_version="$(docker run --rm --network none "$new_id" node --version 2>/dev/null || true)"
[[ "$node_version" =~ ^v([0-9]+)\. ]] \
  || reject "base image $base has no working 'node' on PATH: use an image with Node 18+"
((BASH_REMATCH[1] >= 18)) || reject "base image $base has Node $node_version; the bundle needs Node 18+"

docker tag "$new_id" "$IMAGE"
log "built $IMAGE (${new_id:7:12}, node $node_version)"

# Drop the image this build replaced, if nothing else uses it (never forced).
if [[ -n "$previous_id" && "$previous_id" != "$new_id" ]]; then
  docker image rm "$previous_id" >/dev/null 2>&1 || true
fi

echo "$IMAGE"

#!/usr/bin/env bash
# Builds the helloworld image the lab's Deployment names (kube-proxy-conformance/helloworld:0.1.0) from app/dist (bundled
# first by app/build.sh). Skips the build when the image already carries the same input hash.
#
# Base image: $BASE_IMAGE if set; else kube-proxy-conformance/runtime:bookworm when it is built
# and current (offline: Debian's nodejs 18); else node:20-bookworm-slim when it is local or can be
# pulled; else the runtime image, built now (or waited for while the node image's build makes it:
# on a new machine with no registry both builds start at once).
#
# stdout: the image ref, as the last line. Logs go to stderr.
# Exit 2 with one line "error: ..." when a prerequisite is missing.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Read before the image builder's files are sourced: they name their own node base BASE_IMAGE.
ASKED_BASE="${BASE_IMAGE:-}"
# The runtime image's name, its recipe's key and the lock its build takes (KPC_RUNTIME_IMAGE,
# KPC_CACHE_DIR) come from the image builder, so both builds mean the same image.
source "$APP_DIR/../images/lib/common.sh"
source "$APP_DIR/../images/lib/parts.sh"
# The image the lab's Deployment names (manifests/helloworld-deployment.yaml), the one place its tag
# is written, read as the harness reads it (harness/lab/app-manifests.ts).
lab_image() {
  (cd "$APP_DIR/.." && node --input-type=module -e '
    const { parseAllDocuments } = await import("yaml");
    const { readFileSync } = await import("node:fs");
    const deployment = parseAllDocuments(readFileSync("manifests/helloworld-deployment.yaml", "utf8")).map((d) => d.toJS()).find((w) => w?.kind === "Deployment");
    console.log(deployment?.spec?.template?.spec?.containers?.[0]?.image ?? "");')
}
IMAGE="${KPC_APP_IMAGE:-$(lab_image)}"
[[ -n "$IMAGE" ]] || { printf 'error: %s\n' "manifests/helloworld-deployment.yaml names no app image: restore its container's image" >&2; exit 2; }
PUBLIC_BASE="${KPC_PUBLIC_BASE_IMAGE:-node:20-bookworm-slim}"
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
  export KPC_APP_DIST="$KPC_CACHE_DIR/app-dist"
fi
DIST="${KPC_APP_DIST:-$APP_DIR/dist}"
log "bundle app/src/main.ts -> $DIST/server.js (made again when a source changed)"
bash "$APP_DIR/build.sh" >&2
[[ -s "$DIST/server.js" ]] || die "bundle $DIST/server.js is missing after app/build.sh"

# pull_public : true when $PUBLIC_BASE is local or was pulled now; why not goes to $pull_reason.
pull_reason=""
pull_public() {
  [[ -n "$(image_id "$PUBLIC_BASE")" ]] && return 0
  log "pulling $PUBLIC_BASE"
  local output
  output="$(docker pull --quiet "$PUBLIC_BASE" 2>&1)" && return 0
  pull_reason="$(printf '%s' "$output" | tail -n 1 | tr -s '\r\n\t' ' ')"
  return 1
}

if [[ -n "$ASKED_BASE" ]]; then
  base="$ASKED_BASE"
  log "base image $base (from BASE_IMAGE)"
  [[ -n "$(image_id "$base")" ]] || { assert_engine; docker pull --quiet "$base" >/dev/null 2>&1 \
    || die "base image $base (BASE_IMAGE) is not local and could not be pulled: build or load it, or unset BASE_IMAGE"; }
elif image_current "$RUNTIME_IMAGE" "$(key_runtime)"; then
  base="$RUNTIME_IMAGE"
  log "base image $base (local runtime image)"
else
  assert_engine
  if pull_public; then
    base="$PUBLIC_BASE"
    log "base image $base ($RUNTIME_IMAGE is not built)"
  else
    log "$PUBLIC_BASE cannot be pulled ($pull_reason): building $RUNTIME_IMAGE from Debian's packages instead (or waiting for the build that is making it)"
    [[ $EUID -eq 0 ]] || die "no base image: $PUBLIC_BASE could not be pulled ($pull_reason) and building $RUNTIME_IMAGE needs root: run as root, or set BASE_IMAGE to a local image with Node 18+"
    bash "$IMAGES_DIR/runtime/build.sh" >&2 || die "building $RUNTIME_IMAGE failed (see above): fix that, or set BASE_IMAGE to a local image with Node 18+"
    base="$RUNTIME_IMAGE"
  fi
fi
base_id="$(image_id "$base")"
[[ -n "$base_id" ]] || die "base image $base is missing after it was chosen: build it (images/) or set BASE_IMAGE to a local image with Node 18+"

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

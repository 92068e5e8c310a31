#!/usr/bin/env bash
# Builds the CNI agent image (kpc-cni on the runtime base). The node image carries it and
# default-cni.yaml, the DaemonSet kind installs.
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"

KEY="$(key_cni)"
if image_current "$CNI_IMAGE" "$KEY"; then log "cni: $CNI_IMAGE is up to date"; exit 0; fi
docker image inspect "$RUNTIME_IMAGE" >/dev/null 2>&1 || die "$RUNTIME_IMAGE is missing: build it first (bash images/runtime/build.sh)"

CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"' EXIT
install -m 0755 "$IMAGES_DIR/cni/kpc-cni" "$CONTEXT/kpc-cni"
cat >"$CONTEXT/Dockerfile" <<DOCKERFILE
FROM $RUNTIME_IMAGE
COPY kpc-cni /usr/local/bin/kpc-cni
ENTRYPOINT ["/usr/local/bin/kpc-cni"]
DOCKERFILE
docker_build "$CNI_IMAGE" "$KEY" "$CONTEXT"
log "cni: built $CNI_IMAGE"

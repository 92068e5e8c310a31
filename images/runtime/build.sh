#!/usr/bin/env bash
# Builds kube-proxy-conformance/runtime:bookworm, the small Debian image that kube-proxy, the CNI
# agent and the project's app images are built on: iptables, nftables, conntrack, iproute2, jq,
# curl, ping, CA certificates and Node.js. debootstrap (minbase), then docker import.
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"
source "$IMAGES_DIR/lib/rootfs.sh"

KEY="$(key_runtime)"
if image_current "$RUNTIME_IMAGE" "$KEY"; then log "runtime: $RUNTIME_IMAGE is up to date"; exit 0; fi
# The node image's build and the app image's build both need this image, and may ask at once.
hold_lock runtime-image
if image_current "$RUNTIME_IMAGE" "$KEY"; then log "runtime: $RUNTIME_IMAGE is up to date"; exit 0; fi
require_debootstrap

PACKAGES=(iptables nftables conntrack iproute2 iputils-ping jq curl ca-certificates nodejs)
ROOT="$KPC_CACHE_DIR/rootfs/runtime"

debootstrap_rootfs "$ROOT" "${PACKAGES[@]}"
slim_rootfs "$ROOT"
import_rootfs "$ROOT" "$RUNTIME_IMAGE" "$KEY" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]'
remove_rootfs "$ROOT"
log "runtime: built $RUNTIME_IMAGE ($(docker image inspect --format '{{.Size}}' "$RUNTIME_IMAGE" | numfmt --to=iec))"

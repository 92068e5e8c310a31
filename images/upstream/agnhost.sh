#!/usr/bin/env bash
# Builds upstream's test image agnhost, at the version test/utils/image/manifest.go of the module
# names, as kube-proxy-conformance/e2e-test-images/agnhost:<version>: the agnhost binary compiled
# from test/images/agnhost of the module, on a Debian minbase made with debootstrap (as the node
# bases are) plus the tools upstream's image carries and its tests call: nc (netcat-openbsd),
# ip/ss (iproute2), dig/nslookup (dnsutils), curl, wget. Upstream's own base is Alpine, which is
# not reachable here. The layout follows test/images/agnhost/Dockerfile: /agnhost (entry point,
# default argument "pause"), /agnhost-2, /uploads, porter's localhost certificate, the user and
# group its tests expect.
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/gobuild.sh"
source "$IMAGES_DIR/lib/rootfs.sh"
source "$IMAGES_DIR/upstream/parts.sh"
source "$IMAGES_DIR/upstream/wrapper-module.sh"

VERSION="$(agnhost_version)"
IMAGE="$(agnhost_image "$VERSION")"
KEY="$(key_agnhost "$VERSION")"
if image_current "$IMAGE" "$KEY"; then log "agnhost: $IMAGE is up to date"; exit 0; fi
require_debootstrap

BIN="$KPC_CACHE_DIR/bin/agnhost-$VERSION-$KEY/agnhost"
if [[ ! -x "$BIN" ]]; then
  prepare_e2e_module
  mkdir -p "$(dirname "$BIN")"
  log "agnhost $VERSION: compiling k8s.io/kubernetes/test/images/agnhost"
  start=$SECONDS
  # The tags of e2e.test and the server binaries: with the same flags, the packages they share
  # (client-go, api, ...) come from the Go build cache instead of being compiled again.
  CGO_ENABLED=0 run_with_heartbeat "agnhost: go build" quietly \
    go build -trimpath -tags selinux,notest -ldflags "-s -w" -o "$BIN.partial" k8s.io/kubernetes/test/images/agnhost
  mv "$BIN.partial" "$BIN"
  log "agnhost $VERSION: compiled in $((SECONDS - start)) s"
fi

MODULE_DIR="$(kubernetes_module_dir)"
ROOT="$KPC_CACHE_DIR/rootfs/agnhost"
trap 'remove_rootfs "$ROOT"' EXIT
debootstrap_rootfs "$ROOT" netcat-openbsd iproute2 dnsutils curl wget ca-certificates
install -m 0755 "$BIN" "$ROOT/agnhost"
ln -sf agnhost "$ROOT/agnhost-2"
mkdir -p "$ROOT/uploads"
install -m 0644 "$MODULE_DIR/test/images/agnhost/porter/localhost.crt" "$MODULE_DIR/test/images/agnhost/porter/localhost.key" "$ROOT/"
in_rootfs "$ROOT" groupadd -g 50000 group-defined-in-image
in_rootfs "$ROOT" useradd -u 1000 -M -N -G group-defined-in-image user-defined-in-image
slim_rootfs "$ROOT"
import_rootfs "$ROOT" "$IMAGE" "$KEY" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'EXPOSE 80 8080 8081 9376 5000' \
  --change 'ENTRYPOINT ["/agnhost"]' \
  --change 'CMD ["pause"]'
log "agnhost: built $IMAGE ($(docker image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec))"

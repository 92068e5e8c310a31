#!/usr/bin/env bash
# Builds the kind node image kube-proxy-conformance/node:<Kubernetes version> (KPC_NODE_IMAGE
# overrides the name) entirely offline: Kubernetes, etcd, CoreDNS, crictl from Go modules, the
# root file systems from Debian packages. Every part is cached ($KPC_CACHE_DIR, Docker images
# labelled with their inputs' digest); with unchanged inputs a run takes seconds.
#
#   build-node-image.sh              build what is missing or stale; the LAST line of stdout is the
#                                    node image reference (all progress goes to stderr)
#   build-node-image.sh --print-ref  print the reference it would build, build nothing
#   build-node-image.sh --check      exit 0 when that image is present and up to date, 1 otherwise
#
# Exit status 2 with one "error: ..." line when a prerequisite is missing (Docker, Go, root).
source "$(dirname "$0")/lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"
source "$IMAGES_DIR/lib/rootfs.sh"

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; }

case "${1:-}" in
  "") ;;
  --print-ref) echo "$NODE_IMAGE"; exit 0 ;;
  --check) image_current "$NODE_IMAGE" "$(key_node)" && exit 0 || exit 1 ;;
  -h|--help) usage; exit 0 ;;
  *) usage; die "unknown argument '$1' (use --print-ref, --check or nothing)" ;;
esac

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "Docker is not reachable: start the engine (npm run prepare:docker) or check DOCKER_HOST"
command -v go >/dev/null \
  || die "Go toolchain not found: install Go 1.24+ (Kubernetes, etcd and CoreDNS are built from Go modules)"

if ! image_current "$RUNTIME_IMAGE" "$(key_runtime)" || ! image_current "$BASE_IMAGE" "$(key_base)"; then
  require_debootstrap
fi

hold_lock build-node-image

if image_current "$NODE_IMAGE" "$(key_node)"; then
  log "node image $NODE_IMAGE is up to date"
  echo "$NODE_IMAGE"
  exit 0
fi

# step NAME SCRIPT [ARGS...] : runs one part's build script, timed; its output goes to stderr.
step() {
  local name="$1" start=$SECONDS; shift
  log "== $name"
  bash "$@" >&2
  log "== $name: done in $((SECONDS - start)) s"
}

# The Debian root file systems (network and disk bound) are made while Go compiles (CPU bound).
rootfs_steps() {
  step "runtime base image" "$IMAGES_DIR/runtime/build.sh"
  step "node base image" "$IMAGES_DIR/base/build.sh"
}
rootfs_steps &
rootfs_pid=$!
trap 'wait' EXIT # never leave a debootstrap behind

step "Kubernetes $K8S_VERSION binaries" "$IMAGES_DIR/kubernetes/build.sh"
step "etcd, CoreDNS, crictl and pause binaries" "$IMAGES_DIR/binaries/build.sh"
rootfs_status=0
wait "$rootfs_pid" || rootfs_status=$?
((rootfs_status != 2)) || exit 2 # the failing script printed its "error:" line
((rootfs_status == 0)) || die "building the Debian base images failed (exit $rootfs_status; see the messages above)"
step "component images" "$IMAGES_DIR/components/build.sh"
step "CNI agent image" "$IMAGES_DIR/cni/build.sh"
step "node image" "$IMAGES_DIR/node/build.sh"

echo "$NODE_IMAGE"

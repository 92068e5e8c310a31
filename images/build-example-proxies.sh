#!/usr/bin/env bash
# Builds the images the proxies under examples/ run, offline (Go module proxy and Debian only):
#   kube-proxy-conformance/kube-proxy:v1.33.x   kube-proxy one minor older than the control plane
# Cached by input digest like the node image; with unchanged inputs a run takes a second.
#
#   build-example-proxies.sh              build what is missing or stale; the LAST line of stdout
#                                         is the image reference (all progress goes to stderr)
#   build-example-proxies.sh --print-ref  print the reference it would build, build nothing
#   build-example-proxies.sh --check      exit 0 when that image is present and up to date, 1 otherwise
#
# Exit status 2 with one "error: ..." line when a prerequisite is missing (Docker, Go, root).
source "$(dirname "$0")/lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"
source "$IMAGES_DIR/example-proxies/parts.sh"

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; }

case "${1:-}" in
  "") ;;
  --print-ref) echo "$EXAMPLE_KUBE_PROXY_IMAGE"; exit 0 ;;
  --check) image_current "$EXAMPLE_KUBE_PROXY_IMAGE" "$(key_example_kube_proxy_image)" && exit 0 || exit 1 ;;
  -h|--help) usage; exit 0 ;;
  *) usage; die "unknown argument '$1' (use --print-ref, --check or nothing)" ;;
esac

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "Docker is not reachable: start the engine (npm run prepare:docker) or check DOCKER_HOST"
mkdir -p "$KPC_CACHE_DIR"

start=$SECONDS
bash "$IMAGES_DIR/example-proxies/kube-proxy.sh" >&2
log "example proxies: ready in $((SECONDS - start)) s"
echo "$EXAMPLE_KUBE_PROXY_IMAGE"

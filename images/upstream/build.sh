#!/usr/bin/env bash
# Builds what `npm run upstream` runs, offline, from the k8s.io/kubernetes module the node image is
# built from: upstream's e2e test binary (e2e-test.sh) and its test image agnhost (agnhost.sh),
# each cached by the digest of its inputs under $KPC_CACHE_DIR. With unchanged inputs a run takes
# about a second.
#
#   build.sh              build what is missing or stale; the LAST line of stdout is a JSON object:
#                         {"e2eTest": <path>, "registry": <registry name>, "images": [<image>...]}
#                         (all progress goes to stderr)
#   build.sh --print-ref  print that line, build nothing
#   build.sh --check      exit 0 when everything is built and up to date, 1 otherwise
#
# Exit status 2 with one "error: ..." line when a prerequisite is missing (Docker, Go, root).
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/gobuild.sh"
source "$IMAGES_DIR/lib/rootfs.sh"
source "$IMAGES_DIR/upstream/parts.sh"

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; }

command -v go >/dev/null \
  || die "Go toolchain not found: install Go 1.24+ (upstream's e2e tests and agnhost are built from the k8s.io/kubernetes module)"

reference() {
  printf '{"e2eTest":"%s","registry":"%s","images":["%s"]}\n' "$(e2e_test_path)" "$UPSTREAM_E2E_REGISTRY" "$(agnhost_image "$(agnhost_version)")"
}
current() {
  local version; version="$(agnhost_version)"
  [[ -x "$(e2e_test_path)" ]] && image_current "$(agnhost_image "$version")" "$(key_agnhost "$version")"
}

case "${1:-}" in
  "") ;;
  --print-ref) reference; exit 0 ;;
  --check) current && exit 0 || exit 1 ;;
  -h|--help) usage; exit 0 ;;
  *) usage; die "unknown argument '$1' (use --print-ref, --check or nothing)" ;;
esac

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "Docker is not reachable: start the engine (npm run prepare:docker) or check DOCKER_HOST"

hold_lock build-upstream

if current; then
  log "upstream e2e: e2e.test and agnhost are up to date"
  reference
  exit 0
fi
image_current "$(agnhost_image "$(agnhost_version)")" "$(key_agnhost "$(agnhost_version)")" || require_debootstrap

step() { # step NAME SCRIPT : runs one part's build script, timed; its output goes to stderr.
  local name="$1" start=$SECONDS; shift
  log "== $name"
  bash "$@" >&2
  log "== $name: done in $((SECONDS - start)) s"
}

# Both compile in the same wrapper module: resolve it once before they run side by side. The agnhost
# image's debootstrap (network and disk bound) runs while e2e.test compiles (CPU bound).
step "e2e wrapper module" "$IMAGES_DIR/upstream/prepare-module.sh"
step "agnhost image" "$IMAGES_DIR/upstream/agnhost.sh" &
agnhost_pid=$!
trap 'wait' EXIT # never leave a debootstrap behind
step "e2e.test" "$IMAGES_DIR/upstream/e2e-test.sh"
agnhost_status=0
wait "$agnhost_pid" || agnhost_status=$?
((agnhost_status != 2)) || exit 2 # the failing script printed its "error:" line
((agnhost_status == 0)) || die "building the agnhost image failed (exit $agnhost_status; see the messages above)"

reference

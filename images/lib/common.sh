# shellcheck shell=bash
# Shared helpers for the offline image builder. Sourced, never run.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.34.4}"
KIND_VERSION="${KIND_VERSION:-v0.30.0}"
# etcd: the version kubeadm $K8S_VERSION asks for (DefaultEtcdVersion "3.6.5-0" in
# cmd/kubeadm/app/constants/constants.go); its image tag is this version without "v", plus "-0".
ETCD_VERSION="${ETCD_VERSION:-v3.6.5}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.12.1}"
# crictl in the node (Debian bookworm has no cri-tools): `kind export logs` and debugging use it.
CRICTL_VERSION="${CRICTL_VERSION:-v1.34.0}"
# The sandbox image in the node's containerd config (as in kind's base image). kubeadm v1.34 lists
# pause:3.10.1; the same pause image is tagged with both.
PAUSE_TAG="3.10"
DEBIAN_SUITE="bookworm"

# The cache lives outside the clone so a fresh clone on the same machine reuses it.
KPC_CACHE_DIR="${KPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-proxy-conformance}"
IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

NODE_IMAGE="${KPC_NODE_IMAGE:-kube-proxy-conformance/node:$K8S_VERSION}"
RUNTIME_IMAGE="${KPC_RUNTIME_IMAGE:-kube-proxy-conformance/runtime:$DEBIAN_SUITE}"
# Docker label on every image this builder makes: the digest of the inputs it was built from.
INPUT_LABEL="io.kube-proxy-conformance.inputs"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# hold_lock NAME : holds $KPC_CACHE_DIR/NAME.lock until this shell exits; a second holder waits
# for the first (its message says so), so two processes never build the same thing at once.
hold_lock() {
  mkdir -p "$KPC_CACHE_DIR"
  local fd
  exec {fd}>"$KPC_CACHE_DIR/$1.lock"
  flock -n "$fd" || { log "another build holds $1.lock; waiting for it"; flock "$fd"; }
}

# run_with_heartbeat LABEL CMD... : runs a long command, printing elapsed time every 30 s.
run_with_heartbeat() {
  local label="$1"; shift
  local start=$SECONDS
  "$@" &
  local pid=$!
  trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 130' INT TERM
  while ! wait_for_exit "$pid" 30; do
    log "$label: still running ($((SECONDS - start)) s)"
  done
  trap - INT TERM
  wait "$pid"
}

# wait_for_exit PID SECONDS : true when PID exited within SECONDS.
wait_for_exit() {
  local pid="$1" limit="$2" i
  for ((i = 0; i < limit * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# digest : a short digest of stdin, for cache keys.
digest() { sha256sum | cut -c1-16; }

# files_digest PATH... : digest of the names (relative to images/) and contents of the files, and of
# every file under the directories, in a stable order.
files_digest() {
  local f
  find "$@" -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
    printf '%s\n' "${f#"$IMAGES_DIR"/}"
    cat "$f"
  done | digest
}

# image_inputs IMAGE : the input digest an image was built from ("" when absent or unlabelled).
image_inputs() {
  docker image inspect --format "{{ index .Config.Labels \"$INPUT_LABEL\" }}" "$1" 2>/dev/null || true
}

# image_current IMAGE KEY : true when IMAGE exists and was built from inputs KEY.
image_current() { [[ "$(image_inputs "$1")" == "$2" ]]; }

# quietly CMD... : runs CMD with its output in a temporary file, shown (last lines) when it fails.
quietly() {
  local out rc=0
  out="$(mktemp "${TMPDIR:-/tmp}/kpc-build.XXXXXX")"
  "$@" >"$out" 2>&1 || rc=$?
  if ((rc == 0)); then rm -f "$out"; return 0; fi
  tail -n 40 "$out" >&2
  log "failed ($rc): $* (full output: $out)"
  return "$rc"
}

# docker_build IMAGE KEY CONTEXT_DIR : builds CONTEXT_DIR/Dockerfile with the classic builder (no
# buildx on these machines; base images are local, nothing is pulled), labelled with KEY.
docker_build() {
  DOCKER_BUILDKIT=0 replacing "$1" quietly docker build --label "$INPUT_LABEL=$2" --tag "$1" "$3"
}

# replacing IMAGE CMD... : runs CMD, which (re)tags IMAGE, then deletes the image IMAGE named before
# when nothing names or uses it any more, so that rebuilds do not pile up untagged images.
replacing() {
  local image="$1" old; shift
  old="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  "$@"
  [[ -n "$old" && "$(docker image inspect --format '{{.Id}}' "$image")" != "$old" ]] || return 0
  docker rmi "$old" >/dev/null 2>&1 || true # refused while still tagged, a parent, or in use
}

# Shared helpers for the offline image builder. Sourced, never run.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.34.4}"
KIND_VERSION="${KIND_VERSION:-v0.30.0}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.5}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.12.1}"
PAUSE_TAG="3.10"
DEBIAN_SUITE="bookworm"

# The cache lives outside the clone so a fresh clone on the same machine reuses it.
KPC_CACHE_DIR="${KPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-proxy-conformance}"
IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# hash_inputs FILE... : a short digest of files and the version variables, for cache keys.
hash_inputs() {
  { printf '%s\n' "$K8S_VERSION" "$KIND_VERSION" "$ETCD_VERSION" "$COREDNS_VERSION" "$PAUSE_TAG" "$DEBIAN_SUITE"
    cat "$@"; } | sha256sum | cut -c1-16
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

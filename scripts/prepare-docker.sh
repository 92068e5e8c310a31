#!/usr/bin/env bash
# Makes a Docker engine that can run kind nodes answer on this host. Idempotent: an engine that
# already runs privileged containers is left exactly as it is.
#  1. no daemon answers  -> install Debian's docker.io (if missing) and start dockerd
#  2. privileged containers fail with "unable to apply caps" -> restart dockerd with a runtime
#     that drops the capabilities this host's bounding set lacks (see runc-capclamp)
#  3. raise inotify limits (kind's known issue: many nodes exhaust the defaults)
#  4. reject, on this host, traffic from the kind networks to Service addresses (10.96.0.0/12):
#     a packet to a ClusterIP that no proxy rule matched (a deleted Service, in iptables mode)
#     leaves the node by its default route through this host; it must not go further
set -euo pipefail

STATE_DIR="${KPC_DOCKER_STATE:-/var/lib/kube-proxy-conformance}"
CLAMP_RUNTIME="$STATE_DIR/runc-capclamp"
DOCKERD_LOG="/var/log/kpc-dockerd.log"
PROBE_IMAGE="kpc-probe:scratch"

log() { printf '[prepare-docker] %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

daemon_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

wait_for_daemon() {
  local deadline=$((SECONDS + 60))
  until daemon_answers; do
    ((SECONDS < deadline)) || die "dockerd did not answer within 60 s; see $DOCKERD_LOG"
    sleep 0.5
  done
}

install_engine() {
  command -v dockerd >/dev/null && return 0
  [[ $EUID -eq 0 ]] || die "no Docker engine and not root: install docker.io (sudo apt-get install docker.io) and start it"
  log "installing Debian's docker.io"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
}

start_dockerd() {
  local args=("$@")
  log "starting dockerd ${args[*]}"
  nohup dockerd "${args[@]}" >>"$DOCKERD_LOG" 2>&1 &
  wait_for_daemon
}

stop_dockerd() {
  local pid
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  log "stopping dockerd ($pid) to add the capability-clamping runtime"
  kill "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || die "dockerd ($pid) did not stop within 60 s"
    sleep 0.5
  done
}

# A one-file image with a static no-op, so the probe needs no registry.
ensure_probe_image() {
  docker image inspect "$PROBE_IMAGE" >/dev/null 2>&1 && return 0
  local dir; dir="$(mktemp -d)"
  cp /bin/true "$dir/true" 2>/dev/null || die "cannot find 'true' to build the probe image"
  # /bin/true is dynamically linked; bring its loader and libc along.
  mkdir -p "$dir/lib64" "$dir/lib/x86_64-linux-gnu"
  local lib
  for lib in $(ldd "$dir/true" | grep -oE '/[^ ]+'); do cp --parents "$lib" "$dir"; done
  tar -C "$dir" -c . | docker import --change 'ENTRYPOINT ["/true"]' - "$PROBE_IMAGE" >/dev/null
  rm -rf "$dir"
}

privileged_works() {
  ensure_probe_image
  docker run --rm --privileged "$PROBE_IMAGE" >/dev/null 2>"$STATE_DIR/probe.err"
}

install_clamp_runtime() {
  mkdir -p "$STATE_DIR"
  install -m 0755 "$(dirname "$0")/runc-capclamp" "$CLAMP_RUNTIME"
}

raise_inotify_limits() {
  [[ $EUID -eq 0 ]] || return 0
  local key want
  for pair in fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288; do
    key="${pair%%=*}"; want="${pair#*=}"
    if (( $(sysctl -n "$key") < want )); then sysctl -qw "$key=$want" || log "could not raise $key"; fi
  done
}

# Kubernetes' default Service range; kind's default (10.96.0.0/16) lies inside it.
SERVICE_RANGE="10.96.0.0/12"

# Docker's DOCKER-USER chain sees every packet forwarded out of a container network, and Docker
# leaves it alone across restarts. TCP gets a reset, so a client learns at once, as it would from a
# network where nothing holds that address; the rest an ICMP port unreachable.
keep_service_traffic_here() {
  if [[ $EUID -ne 0 ]] || ! command -v iptables >/dev/null; then
    log "warning: cannot add the DOCKER-USER rules that keep traffic to $SERVICE_RANGE on this host (needs root and iptables)"
    return 0
  fi
  local rule
  # -I puts a rule at the top: the ICMP one first, so the TCP one ends up above it.
  for rule in "-j REJECT --reject-with icmp-port-unreachable" "-p tcp -j REJECT --reject-with tcp-reset"; do
    # shellcheck disable=SC2086
    iptables -C DOCKER-USER -d "$SERVICE_RANGE" $rule 2>/dev/null || iptables -I DOCKER-USER -d "$SERVICE_RANGE" $rule
  done
}

main() {
  mkdir -p "$STATE_DIR"
  raise_inotify_limits
  ensure_engine
  keep_service_traffic_here
}

ensure_engine() {
  if ! daemon_answers; then
    if [[ -S /var/run/docker.sock ]] && [[ $EUID -ne 0 ]]; then
      die "Docker is not reachable at /var/run/docker.sock: start the engine or add yourself to the docker group"
    fi
    install_engine
    command -v jq >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }
    if [[ -n "$(host_missing_caps)" ]]; then
      install_clamp_runtime
      start_dockerd --add-runtime "capclamp=$CLAMP_RUNTIME" --default-runtime capclamp
    else
      start_dockerd
    fi
  fi
  if privileged_works; then
    log "docker engine $(docker version --format '{{.Server.Version}}') runs privileged containers"
    return 0
  fi
  grep -q 'unable to apply caps' "$STATE_DIR/probe.err" \
    || die "privileged containers fail: $(tail -n1 "$STATE_DIR/probe.err")"
  [[ $EUID -eq 0 ]] || die "privileged containers fail (missing capabilities) and fixing the engine needs root"
  command -v jq >/dev/null || die "jq is needed by the capability-clamping runtime: apt-get install jq"
  install_clamp_runtime
  stop_dockerd
  start_dockerd --add-runtime "capclamp=$CLAMP_RUNTIME" --default-runtime capclamp
  privileged_works || die "privileged containers still fail: $(tail -n1 "$STATE_DIR/probe.err")"
  log "docker engine runs privileged containers through the capability-clamping runtime"
}

# Names of capabilities (CAP_*) that the host's bounding set lacks, one per line.
host_missing_caps() {
  bash "$(dirname "$0")/runc-capclamp" --missing
}

main "$@"

#!/usr/bin/env bash
# Builds Cilium offline (issue 31), from its Go module and Debian's packages, for certifying its
# kube-proxy replacement next to kube-proxy:
#   the binaries of CILIUM_PACKAGES (source.sh: cilium_binaries);
#   kube-proxy-conformance/cilium:<version>           the agent: those binaries, the bpf/ sources it
#                                                     compiles at start, clang and llc 19 (Debian's,
#                                                     the LLVM Cilium's own image ships), iptables,
#                                                     ipset, bpftool, and the chart's init scripts;
#   kube-proxy-conformance/cilium-operator:<version>  cilium-operator-generic;
#   examples/cilium-kpr/cilium.yaml                   the chart rendered for them (render.sh).
# Each is made again only when its inputs changed. Exit 2 with one "error:" line when a
# prerequisite is missing. `build.sh --print-refs` prints the two image references, builds nothing.
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"
source "$IMAGES_DIR/cilium/source.sh"

case "${1:-}" in
  '') ;;
  --print-refs) printf '%s\n' "$AGENT_IMAGE" "$OPERATOR_IMAGE"; exit 0 ;;
  *) die "unknown argument '$1' (use --print-refs or nothing)" ;;
esac
# The scripts the chart's containers run (clean-cilium-state, install-cni-binaries, the agent's
# preStop), from the module, where Cilium's own Dockerfile puts them: image path -> module path.
declare -A SCRIPTS=(
  [/init-container.sh]="images/cilium/init-container.sh"
  [/install-plugin.sh]="plugins/cilium-cni/install-plugin.sh"
  [/cni-uninstall.sh]="plugins/cilium-cni/cni-uninstall.sh"
)

docker image inspect "$RUNTIME_IMAGE" >/dev/null 2>&1 || die "$RUNTIME_IMAGE is missing: build it first (bash images/runtime/build.sh)"
hold_lock "cilium-$CILIUM_VERSION"
SRC="$(cilium_source)"
BIN="$(cilium_binaries "$SRC")"

CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"' EXIT

IMAGE_KEY="$({ echo "$BIN"; files_digest "$IMAGES_DIR/cilium/build.sh"; image_inputs "$RUNTIME_IMAGE"; } | digest)"
if image_current "$AGENT_IMAGE" "$IMAGE_KEY"; then
  log "cilium: $AGENT_IMAGE is up to date"
else
  mkdir -p "$CONTEXT/agent/bin" "$CONTEXT/agent/scripts"
  for bin in cilium-agent cilium-dbg cilium-health-responder cilium-mount cilium-sysctlfix cilium-cni; do cp "$BIN/$bin" "$CONTEXT/agent/bin/"; done
  cp -r "$SRC/bpf" "$CONTEXT/agent/bpf"
  for target in "${!SCRIPTS[@]}"; do
    [[ -f "$SRC/${SCRIPTS[$target]}" ]] || die "Cilium $CILIUM_VERSION has no ${SCRIPTS[$target]}, which its chart runs as $target: update SCRIPTS in images/cilium/build.sh"
    install -m 0755 "$SRC/${SCRIPTS[$target]}" "$CONTEXT/agent/scripts/$(basename "$target")"
  done
  cat >"$CONTEXT/agent/Dockerfile" <<DOCKERFILE
FROM $RUNTIME_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang-19 llvm-19 ipset kmod bpftool \\
 && ln -s /usr/bin/clang-19 /usr/local/bin/clang && ln -s /usr/bin/llc-19 /usr/local/bin/llc \\
 && rm -rf /var/lib/apt/lists/*
COPY bin/ /usr/bin/
RUN mkdir -p /opt/cni/bin && mv /usr/bin/cilium-cni /opt/cni/bin/cilium-cni
COPY bpf/ /var/lib/cilium/bpf/
COPY scripts/ /
WORKDIR /home/cilium
ENV INITSYSTEM=SYSTEMD
CMD ["/usr/bin/cilium-dbg"]
DOCKERFILE
  log "cilium: building $AGENT_IMAGE (clang and llc 19 from Debian)"
  run_with_heartbeat "cilium: agent image" docker_build "$AGENT_IMAGE" "$IMAGE_KEY" "$CONTEXT/agent"
fi

if image_current "$OPERATOR_IMAGE" "$IMAGE_KEY"; then
  log "cilium: $OPERATOR_IMAGE is up to date"
else
  mkdir -p "$CONTEXT/operator"
  cp "$BIN/cilium-operator-generic" "$CONTEXT/operator/"
  printf 'FROM %s\nCOPY cilium-operator-generic /usr/bin/cilium-operator-generic\nCMD ["/usr/bin/cilium-operator-generic"]\n' "$RUNTIME_IMAGE" >"$CONTEXT/operator/Dockerfile"
  docker_build "$OPERATOR_IMAGE" "$IMAGE_KEY" "$CONTEXT/operator"
fi
log "cilium: $AGENT_IMAGE and $OPERATOR_IMAGE ready"
bash "$IMAGES_DIR/cilium/render.sh"

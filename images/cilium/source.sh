# shellcheck shell=bash
# Cilium's Go module, as the offline build uses it. Sourced after common.sh.

# v1.19.5: every module its binaries need is served by the Go module proxy (v1.20.2 needs two that
# are not; images/cilium/README.md), and it supports Kubernetes 1.31 to 1.34 (this project runs 1.34).
CILIUM_VERSION="${CILIUM_VERSION:-v1.19.5}"
CILIUM_MODULE="github.com/cilium/cilium"
# The images build.sh makes and render.sh puts in the manifests.
AGENT_IMAGE="kube-proxy-conformance/cilium:$CILIUM_VERSION"
OPERATOR_IMAGE="kube-proxy-conformance/cilium-operator:$CILIUM_VERSION"

# binary -> "main package|build tags" (daemon/Makefile, operator/Makefile and Makefile.defs); the
# agent runs cilium-health-responder for its endpoint health checks.
declare -A CILIUM_PACKAGES=(
  [cilium-agent]="./daemon|osusergo"
  [cilium-operator-generic]="./operator|osusergo,ipam_provider_operator"
  [cilium-dbg]="./cilium-dbg|osusergo"
  [cilium-cni]="./plugins/cilium-cni|osusergo"
  [cilium-mount]="./tools/mount|osusergo"
  [cilium-sysctlfix]="./tools/sysctlfix|osusergo"
  [cilium-health-responder]="./cilium-health/responder|osusergo"
)

# cilium_source : prints the path of a writable copy of the module (`-mod=mod`: its zip has no
# vendor/), made once under $KPC_CACHE_DIR/src.
cilium_source() {
  command -v go >/dev/null || die "Go toolchain not found: install Go 1.26+ (Cilium $CILIUM_VERSION is built from its Go module)"
  local src="$KPC_CACHE_DIR/src/cilium-$CILIUM_VERSION" dir
  if [[ ! -f "$src/go.mod" ]]; then
    log "downloading $CILIUM_MODULE@$CILIUM_VERSION"
    dir="$(go mod download -json "$CILIUM_MODULE@$CILIUM_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
    [[ -d "$dir" ]] || die "the Go module proxy did not serve $CILIUM_MODULE@$CILIUM_VERSION: check GOPROXY and the network"
    mkdir -p "$(dirname "$src")"
    rm -rf "$src.partial"
    cp -r "$dir" "$src.partial"
    chmod -R u+w "$src.partial"
    mv "$src.partial" "$src"
  fi
  printf '%s\n' "$src"
}

# cilium_binaries SRC : compiles every binary of CILIUM_PACKAGES from the module copy SRC (static,
# the tags of Cilium's Makefiles) into $KPC_CACHE_DIR/cilium-<version>-<key>/bin, keyed by this
# file; prints that directory. Each binary is compiled once per key (Go's build cache makes a
# second key cheap).
cilium_binaries() {
  local src="$1" key bin name pkg tags
  key="$({ echo "$CILIUM_VERSION"; files_digest "$IMAGES_DIR/cilium/source.sh"; } | digest)"
  bin="$KPC_CACHE_DIR/cilium-$CILIUM_VERSION-$key/bin"
  # Binaries of an earlier key (about 430 MB each) are not used again.
  find "$KPC_CACHE_DIR" -maxdepth 1 -name "cilium-$CILIUM_VERSION-*" ! -name "cilium-$CILIUM_VERSION-$key" -exec rm -rf {} +
  mkdir -p "$bin"
  # The version string Cilium's Makefile gives its binaries: "<version> <git sha> <os>/<arch>".
  local ldflags="-s -w -X 'github.com/cilium/cilium/pkg/version.ciliumVersion=${CILIUM_VERSION#v} offline linux/amd64'"
  for name in $(printf '%s\n' "${!CILIUM_PACKAGES[@]}" | sort); do
    [[ -x "$bin/$name" ]] && continue
    IFS='|' read -r pkg tags <<<"${CILIUM_PACKAGES[$name]}"
    log "cilium: compiling $name ($pkg, tags $tags)"
    (cd "$src" && GOFLAGS=-mod=mod CGO_ENABLED=0 run_with_heartbeat "cilium: $name" \
      quietly go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$bin/$name.partial" "$pkg") >&2
    mv "$bin/$name.partial" "$bin/$name"
  done
  printf '%s\n' "$bin"
}

#!/usr/bin/env bash
# Builds kube-proxy $EXAMPLE_KUBE_PROXY_VERSION (an older minor than the node image's control plane,
# within the version-skew policy) from the k8s.io/kubernetes Go module, the way
# kubernetes/build.sh builds $K8S_VERSION (wrapper module, staging replaces, stamped version), and
# puts it into an image by the node's own kube-proxy's recipe (components/kube-proxy-image.sh). The
# image is what examples/kube-proxy-v1.33/ deploys. Cached: the binary by its build key, the image
# by the label io.kube-proxy-conformance.inputs.
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"
source "$IMAGES_DIR/lib/gobuild.sh"
source "$IMAGES_DIR/example-proxies/parts.sh"
source "$IMAGES_DIR/components/kube-proxy-image.sh"

KEY="$(key_example_kube_proxy_image)"
if image_current "$EXAMPLE_KUBE_PROXY_IMAGE" "$KEY"; then
  log "example kube-proxy: $EXAMPLE_KUBE_PROXY_IMAGE is up to date"
  exit 0
fi

VERSION="$EXAMPLE_KUBE_PROXY_VERSION"
BIN="$(example_kube_proxy_bin)"

build_binary() {
  command -v go >/dev/null || die "Go toolchain not found: install Go 1.24+ (kube-proxy $VERSION is compiled from its Go module)"
  local work="$KPC_CACHE_DIR/src/kube-proxy-$VERSION" gomod minor ldflags pkg
  mkdir -p "$work" "$(dirname "$BIN")"
  cd "$work"
  log "kube-proxy $VERSION: resolving k8s.io/kubernetes@$VERSION and its staging replaces"
  gomod="$(module_gomod "k8s.io/kubernetes@$VERSION")"
  [[ -f "$gomod" ]] || die "could not download k8s.io/kubernetes@$VERSION from the Go module proxy: check GOPROXY, or set EXAMPLE_KUBE_PROXY_VERSION to a version \`go list -m -versions k8s.io/kubernetes\` shows"
  {
    printf 'module kpc.local/kube-proxy-build\n\ngo 1.24\n\nrequire k8s.io/kubernetes %s\n\n' "$VERSION"
    grep -oE 'k8s.io/[a-z0-9-]+ => \./staging' "$gomod" | awk -v v="v0.${VERSION#v1.}" '{ print "replace " $1 " => " $1 " " v }'
  } >go.mod
  printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-proxy"\n' >tools.go
  run_with_heartbeat "kube-proxy $VERSION: go mod tidy" quietly go mod tidy
  minor="${VERSION#v1.}"; minor="${minor%%.*}"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitCommit=0000000000000000000000000000000000000000 -X $pkg.gitTreeState=clean"
    ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  log "kube-proxy $VERSION: compiling k8s.io/kubernetes/cmd/kube-proxy"
  CGO_ENABLED=0 run_with_heartbeat "kube-proxy $VERSION: go build" \
    quietly go build -trimpath -tags selinux,notest -ldflags "all=$ldflags" -o "$BIN.partial" k8s.io/kubernetes/cmd/kube-proxy
  mv "$BIN.partial" "$BIN"
}

if [[ -x "$BIN" ]]; then log "kube-proxy $VERSION: binary cached in $BIN"; else (build_binary); fi
"$BIN" --version 2>/dev/null | grep -qx "Kubernetes $VERSION" || die "$BIN does not report version $VERSION: delete $(dirname "$BIN") and run again"

# The runtime base is shared with the node and app images' builds (its script takes a lock).
bash "$IMAGES_DIR/runtime/build.sh" >&2

log "example kube-proxy: building $EXAMPLE_KUBE_PROXY_IMAGE"
kube_proxy_image "$EXAMPLE_KUBE_PROXY_IMAGE" "$KEY" "$BIN"
log "example kube-proxy: built $EXAMPLE_KUBE_PROXY_IMAGE"

#!/usr/bin/env bash
# Builds the Kubernetes server binaries from the k8s.io/kubernetes Go module, with stamped
# versions, into $KPC_CACHE_DIR/bin/kubernetes-$K8S_VERSION. Reuses the result when present.
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/gobuild.sh"

OUT="$KPC_CACHE_DIR/bin/kubernetes-$K8S_VERSION"
COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl)

have_all() { local c; for c in "${COMMANDS[@]}"; do [[ -x "$OUT/$c" ]] || return 1; done; }
if have_all; then log "kubernetes $K8S_VERSION: cached in $OUT"; exit 0; fi

command -v go >/dev/null || die "Go toolchain not found: install Go 1.24+ (the offline build compiles Kubernetes from its Go module)"

WORK="$KPC_CACHE_DIR/src/kubernetes-$K8S_VERSION"
mkdir -p "$WORK" "$OUT.partial"
cd "$WORK"

log "kubernetes $K8S_VERSION: resolving the module and its staging replaces"
GOMOD="$(module_gomod "k8s.io/kubernetes@$K8S_VERSION")"
[[ -f "$GOMOD" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
STAGING_VERSION="v0.${K8S_VERSION#v1.}"

{
  echo "module kpc.local/kubernetes-build"
  echo
  echo "go 1.24"
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  grep -oE 'k8s.io/[a-z0-9-]+ => \./staging' "$GOMOD" | awk -v v="$STAGING_VERSION" '{print "replace " $1 " => " $1 " " v}'
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
GO
run_with_heartbeat "kubernetes: go mod tidy" go mod tidy

MINOR="${K8S_VERSION#v1.}"; MINOR="${MINOR%%.*}"
LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$MINOR"
  LDFLAGS+=" -X $pkg.gitCommit=0000000000000000000000000000000000000000 -X $pkg.gitTreeState=clean"
  LDFLAGS+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

for c in "${COMMANDS[@]}"; do
  [[ -x "$OUT.partial/$c" ]] && continue
  log "kubernetes: building $c"
  CGO_ENABLED=0 run_with_heartbeat "kubernetes: $c" \
    go build -trimpath -tags selinux,notest -ldflags "all=$LDFLAGS" -o "$OUT.partial/$c" "k8s.io/kubernetes/cmd/$c"
done
rm -rf "$OUT" && mv "$OUT.partial" "$OUT"
log "kubernetes $K8S_VERSION: built into $OUT"

# shellcheck shell=bash
# The parts of the node image: where each is cached and its cache key. A key is a digest of the
# part's own files, the versions it is built from and the keys of the parts it contains, so it can
# be computed without Docker or a build (that is what --check does). Sourced after common.sh.
# common.sh itself is not part of any key: its versions are, explicitly.

BASE_IMAGE="kube-proxy-conformance/node-base:$DEBIAN_SUITE"
CNI_IMAGE="kube-proxy-conformance/cni-agent:0.1.0"
KUBERNETES_BIN_DIR="$KPC_CACHE_DIR/bin/kubernetes-$K8S_VERSION"

key_kubernetes() { { echo "$K8S_VERSION"; files_digest "$IMAGES_DIR/kubernetes"; } | digest; }

# Go binaries built from released modules by binaries/build.sh: "module version main-package ldflags".
declare -gA GO_BINARIES=(
  [etcd]="go.etcd.io/etcd/server/v3 $ETCD_VERSION go.etcd.io/etcd/server/v3 -X=go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION"
  [coredns]="github.com/coredns/coredns $COREDNS_VERSION github.com/coredns/coredns -X=github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION"
  [crictl]="sigs.k8s.io/cri-tools $CRICTL_VERSION sigs.k8s.io/cri-tools/cmd/crictl -X=sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION"
)
key_go_binary() { { echo "${GO_BINARIES[$1]}"; files_digest "$IMAGES_DIR/lib/gobuild.sh"; } | digest; }
key_pause() { files_digest "$IMAGES_DIR/binaries/pause"; }
key_runtime() { { echo "$DEBIAN_SUITE"; files_digest "$IMAGES_DIR/runtime" "$IMAGES_DIR/lib/rootfs.sh"; } | digest; }
key_base() {
  { echo "$DEBIAN_SUITE"; files_digest "$IMAGES_DIR/base" "$IMAGES_DIR/lib/rootfs.sh" "$IMAGES_DIR/lib/iptables-backend"; } | digest
}
key_components() {
  { echo "$K8S_VERSION $ETCD_VERSION $COREDNS_VERSION $PAUSE_TAG"
    key_kubernetes; key_go_binary etcd; key_go_binary coredns; key_pause; key_runtime
    files_digest "$IMAGES_DIR/components" "$IMAGES_DIR/lib/iptables-backend"; } | digest
}
key_cni() { { key_runtime; echo "$CNI_IMAGE"; files_digest "$IMAGES_DIR/cni"; } | digest; }
key_node() {
  { echo "$K8S_VERSION $NODE_IMAGE $CRICTL_VERSION"; key_kubernetes; key_go_binary crictl
    key_base; key_components; key_cni
    files_digest "$IMAGES_DIR/node"; } | digest
}

# Keyed paths, so a changed recipe rebuilds instead of reusing an old binary.
go_binary_path() { # go_binary_path NAME
  local version; version="$(awk '{ print $2 }' <<<"${GO_BINARIES[$1]}")"
  echo "$KPC_CACHE_DIR/bin/$1-$version-$(key_go_binary "$1")/$1"
}
pause_bin() { echo "$KPC_CACHE_DIR/bin/pause-$(key_pause)/pause"; }

# component_images : the images the node must hold for kubeadm: what `kubeadm config images list`
# prints for $K8S_VERSION, plus the sandbox (pause) image of the node's containerd config.
component_images() {
  local kubeadm="$KUBERNETES_BIN_DIR/kubeadm"
  [[ -x "$kubeadm" ]] || die "kubeadm is missing from $KUBERNETES_BIN_DIR: build Kubernetes first (bash images/kubernetes/build.sh)"
  "$kubeadm" config images list --kubernetes-version "$K8S_VERSION" 2>/dev/null
  echo "registry.k8s.io/pause:$PAUSE_TAG"
}

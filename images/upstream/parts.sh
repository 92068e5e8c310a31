# shellcheck shell=bash
# Upstream's e2e tests and their test image, built from the k8s.io/kubernetes module the node image
# comes from: where each part is cached and its cache key. Sourced after lib/common.sh.

# Where the images the tests run come from: this registry name replaces upstream's
# registry.k8s.io/e2e-test-images (the tests are pointed at it with KUBE_TEST_REPO_LIST).
UPSTREAM_E2E_REGISTRY="kube-proxy-conformance/e2e-test-images"
UPSTREAM_SRC_DIR="$KPC_CACHE_DIR/src/kubernetes-e2e-$K8S_VERSION"

# kubernetes_module_dir : the k8s.io/kubernetes module in the Go module cache (downloaded if absent).
kubernetes_module_dir() {
  go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

# agnhost_version : the agnhost tag that test/utils/image/manifest.go of the module names.
agnhost_version() {
  local dir version
  dir="$(kubernetes_module_dir)"
  [[ -d "$dir" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
  version="$(sed -n 's/^[[:space:]]*configs\[Agnhost\] = Config{list\.PromoterE2eRegistry, "agnhost", "\([^"]*\)"}.*/\1/p' \
    "$dir/test/utils/image/manifest.go")"
  [[ -n "$version" ]] || die "no agnhost version in test/utils/image/manifest.go of k8s.io/kubernetes@$K8S_VERSION"
  echo "$version"
}

key_upstream_e2e() {
  { echo "$K8S_VERSION"; files_digest "$IMAGES_DIR/upstream/e2e-test.sh" "$IMAGES_DIR/upstream/wrapper-module.sh" "$IMAGES_DIR/lib/gobuild.sh"; } | digest
}
key_agnhost() { # key_agnhost VERSION
  { echo "$K8S_VERSION $1 $DEBIAN_SUITE"
    files_digest "$IMAGES_DIR/upstream/agnhost.sh" "$IMAGES_DIR/upstream/wrapper-module.sh" "$IMAGES_DIR/lib/rootfs.sh"; } | digest
}

e2e_test_path() { echo "$KPC_CACHE_DIR/bin/e2e-$K8S_VERSION-$(key_upstream_e2e)/e2e.test"; }
agnhost_image() { echo "$UPSTREAM_E2E_REGISTRY/agnhost:$1"; } # agnhost_image VERSION

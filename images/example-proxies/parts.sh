# shellcheck shell=bash
# The example proxies' parts: versions, where each is cached and its cache key (as lib/parts.sh
# does for the node image). Sourced after common.sh and lib/parts.sh. None of this is part of the
# node image's keys, so changing an example never rebuilds the node image.

# kube-proxy one minor older than the control plane ($K8S_VERSION): the version-skew policy lets
# kube-proxy be up to three minors older than kube-apiserver, never newer. The newest v1.33 patch
# the Go module proxy serves (`go list -m -versions k8s.io/kubernetes`).
EXAMPLE_KUBE_PROXY_VERSION="${EXAMPLE_KUBE_PROXY_VERSION:-v1.33.13}"
EXAMPLE_KUBE_PROXY_IMAGE="kube-proxy-conformance/kube-proxy:$EXAMPLE_KUBE_PROXY_VERSION"

# The binary's key: its version and the script that builds it.
key_example_kube_proxy_bin() {
  { echo "$EXAMPLE_KUBE_PROXY_VERSION"; files_digest "$IMAGES_DIR/example-proxies/kube-proxy.sh"; } | digest
}
key_example_kube_proxy_image() {
  { echo "$EXAMPLE_KUBE_PROXY_IMAGE"; key_example_kube_proxy_bin; key_runtime
    files_digest "$IMAGES_DIR/example-proxies" "$IMAGES_DIR/components/iptables-wrapper" "$IMAGES_DIR/components/kube-proxy-image.sh" "$IMAGES_DIR/lib/iptables-backend"; } | digest
}
example_kube_proxy_bin() {
  echo "$KPC_CACHE_DIR/bin/kube-proxy-$EXAMPLE_KUBE_PROXY_VERSION-$(key_example_kube_proxy_bin)/kube-proxy"
}

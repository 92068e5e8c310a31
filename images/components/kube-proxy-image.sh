# Sourced. kube_proxy_image IMAGE KEY BINARY : kube-proxy on the runtime base, which has iptables,
# nft and conntrack (kube-proxy execs them), with an iptables wrapper that follows the node's
# backend. The node image's own kube-proxy (components/build.sh) and the example proxies
# (example-proxies/kube-proxy.sh) are built by this one recipe.
kube_proxy_image() {
  local image="$1" key="$2" binary="$3" context
  docker image inspect "$RUNTIME_IMAGE" >/dev/null 2>&1 || die "$RUNTIME_IMAGE is missing: build it first (bash images/runtime/build.sh)"
  context="$(mktemp -d)"
  install -m 0755 "$binary" "$context/kube-proxy"
  install -m 0755 "$IMAGES_DIR/lib/iptables-backend" "$context/kpc-iptables-backend"
  install -m 0755 "$IMAGES_DIR/components/iptables-wrapper" "$context/iptables-wrapper"
  cat >"$context/Dockerfile" <<DOCKERFILE
FROM $RUNTIME_IMAGE
COPY kube-proxy /usr/local/bin/kube-proxy
COPY kpc-iptables-backend iptables-wrapper /usr/local/sbin/
RUN for t in iptables ip6tables; do for s in "" -save -restore; do ln -s iptables-wrapper "/usr/local/sbin/\$t\$s"; done; done
ENTRYPOINT ["/usr/local/bin/kube-proxy"]
DOCKERFILE
  docker_build "$image" "$key" "$context"
  rm -rf "$context"
}

#!/usr/bin/env bash
# Builds the component images a kind node needs, named exactly as `kubeadm config images list`
# prints them (plus the containerd sandbox image), from the cached binaries:
#   kube-apiserver, kube-controller-manager, kube-scheduler, etcd, coredns, pause:
#     FROM scratch with one static binary (a tiny root file system, docker import)
#   kube-proxy: on the runtime base (components/kube-proxy-image.sh)
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"
source "$IMAGES_DIR/lib/rootfs.sh"
source "$IMAGES_DIR/components/kube-proxy-image.sh"

KEY="$(key_components)"

# static_image IMAGE BINARY PATH_IN_IMAGE : a second image of the same binary (pause has two tags)
# is a tag of the first.
declare -A IMAGE_OF_BINARY=()
static_image() {
  local image="$1" binary="$2" dest="$3" root
  [[ -x "$binary" ]] || die "$binary is missing: build it first (bash images/build-node-image.sh builds everything)"
  if [[ -n "${IMAGE_OF_BINARY[$binary]:-}" ]]; then
    replacing "$image" docker tag "${IMAGE_OF_BINARY[$binary]}" "$image"
    return 0
  fi
  IMAGE_OF_BINARY[$binary]="$image"
  root="$(mktemp -d)"
  install -D -m 0755 "$binary" "$root$dest"
  mkdir -m 1777 "$root/tmp"
  mkdir -p "$root/etc"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  import_rootfs "$root" "$image" "$KEY" \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change "ENTRYPOINT [\"$dest\"]"
  rm -rf "$root"
}

# The versions kubeadm asks for must be the ones built.
check_tag() { # check_tag IMAGE WANTED_TAG VARIABLE
  [[ "${1##*:}" == "$2" ]] || die "kubeadm $K8S_VERSION wants $1 but $3 builds $2: set $3 in images/lib/common.sh"
}

mapfile -t IMAGES < <(component_images)
((${#IMAGES[@]} > 1)) || die "kubeadm config images list printed nothing"
for image in "${IMAGES[@]}"; do
  if image_current "$image" "$KEY"; then log "components: $image is up to date"; continue; fi
  name="${image%:*}"; name="${name##*/}"
  log "components: building $image"
  case "$name" in
    kube-proxy) kube_proxy_image "$image" "$KEY" "$KUBERNETES_BIN_DIR/kube-proxy" ;;
    kube-apiserver|kube-controller-manager|kube-scheduler)
      static_image "$image" "$KUBERNETES_BIN_DIR/$name" "/usr/local/bin/$name" ;;
    etcd) check_tag "$image" "${ETCD_VERSION#v}-0" ETCD_VERSION
      static_image "$image" "$(go_binary_path etcd)" /usr/local/bin/etcd ;;
    coredns) check_tag "$image" "$COREDNS_VERSION" COREDNS_VERSION
      static_image "$image" "$(go_binary_path coredns)" /coredns ;;
    pause) static_image "$image" "$(pause_bin)" /pause ;;
    *) die "kubeadm lists $image, which images/components/build.sh does not know how to build" ;;
  esac
done
log "components: ${#IMAGES[@]} images ready"

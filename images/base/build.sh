#!/usr/bin/env bash
# Builds the node base image (what kindest/base is to kind): Debian with systemd, Debian's
# containerd 1.6 and runc, the CNI plugins and the tools kubeadm and the kubelet call, plus this
# directory's files (entrypoint, containerd config, systemd units). debootstrap, then docker import.
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"
source "$IMAGES_DIR/lib/rootfs.sh"

KEY="$(key_base)"
if image_current "$BASE_IMAGE" "$KEY"; then log "base: $BASE_IMAGE is up to date"; exit 0; fi
require_debootstrap

PACKAGES=(
  systemd containerd runc containernetworking-plugins
  conntrack iptables nftables iproute2 ethtool util-linux mount kmod libseccomp2
  bash ca-certificates jq procps socat curl
)
ROOT="$KPC_CACHE_DIR/rootfs/node-base"
FILES="$IMAGES_DIR/base/files"

debootstrap_rootfs "$ROOT" "${PACKAGES[@]}"

log "base: configuring the root file system"
cp -a --no-preserve=ownership "$FILES/." "$ROOT/"
install -m 0755 "$IMAGES_DIR/lib/iptables-backend" "$ROOT/usr/local/bin/kpc-iptables-backend"
mkdir -p "$ROOT/kind" "$ROOT/etc/kubernetes/manifests" "$ROOT/opt/cni/bin" "$ROOT/etc/cni/net.d"
for plugin in "$ROOT"/usr/lib/cni/*; do ln -sfn "/usr/lib/cni/${plugin##*/}" "$ROOT/opt/cni/bin/${plugin##*/}"; done
ln -sfn /lib/systemd/systemd "$ROOT/sbin/init"
echo 'ReadKMsg=no' >>"$ROOT/etc/systemd/journald.conf"

# systemd as PID 1 of a container: no units that expect real hardware, a console or udev.
rm -f "$ROOT"/lib/systemd/system/multi-user.target.wants/* "$ROOT"/etc/systemd/system/*.wants/* \
  "$ROOT"/lib/systemd/system/local-fs.target.wants/* "$ROOT"/lib/systemd/system/sockets.target.wants/*udev* \
  "$ROOT"/lib/systemd/system/sockets.target.wants/*initctl* "$ROOT"/lib/systemd/system/basic.target.wants/* \
  "$ROOT"/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service
quietly in_rootfs "$ROOT" systemctl enable containerd.service kubelet.service kpc-undo-mount-hacks.service
quietly in_rootfs "$ROOT" systemctl mask systemd-binfmt.service

# containerd's default OCI spec, minus its RLIMIT_NOFILE of 1024 (pods inherit containerd's limits).
in_rootfs "$ROOT" sh -c 'ctr oci spec | jq "del(.process.rlimits)" >/etc/containerd/cri-base.json'
slim_rootfs "$ROOT"

# docker import cannot set STOPSIGNAL: import the root file system under a temporary tag and set
# the container interface (what systemd in a container expects) with a metadata-only docker build.
import_rootfs "$ROOT" "$BASE_IMAGE-rootfs" "$KEY"
CONTEXT="$(mktemp -d)"
cat >"$CONTEXT/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE-rootfs
ENV container=docker PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
DOCKERFILE
docker_build "$BASE_IMAGE" "$KEY" "$CONTEXT"
rm -rf "$CONTEXT"
quietly docker rmi "$BASE_IMAGE-rootfs"
remove_rootfs "$ROOT"
log "base: built $BASE_IMAGE"

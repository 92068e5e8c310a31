# shellcheck shell=bash
# Debian root filesystems made with debootstrap and turned into Docker images with `docker import`.
# No registry involved: packages come from the Debian mirror. Sourced after common.sh.

DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# require_debootstrap : installs debootstrap when missing (root only). The node image's and the
# app image's builds may both ask at once on a new machine, and dpkg takes one install at a time
# (the second apt-get failed on its lock): one install under a lock of ours, the other waits and
# finds it done; apt-get also waits for a dpkg lock held by anything else.
require_debootstrap() {
  [[ $EUID -eq 0 ]] || die "building Debian root filesystems needs root (debootstrap, chroot): run as root"
  command -v debootstrap >/dev/null && return 0
  (
    hold_lock apt-install
    command -v debootstrap >/dev/null && exit 0
    log "installing debootstrap (apt-get)"
    quietly apt-get -o DPkg::Lock::Timeout=300 update -qq || true
    DEBIAN_FRONTEND=noninteractive quietly apt-get -o DPkg::Lock::Timeout=300 install -y -qq debootstrap
  ) || die "debootstrap is missing and apt-get could not install it: apt-get install debootstrap"
}

# remove_rootfs DIR : unmounts whatever is still mounted below DIR (a failed debootstrap can leave
# /proc mounted), then deletes it without crossing into other file systems.
remove_rootfs() {
  local dir="$1" mnt
  [[ -e "$dir" ]] || return 0
  dir="$(realpath "$dir")"
  awk -v d="$dir/" 'index($2 "/", d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mnt; do
    umount -l "$mnt" || true
  done
  rm -rf --one-file-system "$dir"
}

# debootstrap_rootfs DIR PACKAGE... : a fresh minbase $DEBIAN_SUITE in DIR plus PACKAGE and their
# dependencies (no recommends).
debootstrap_rootfs() {
  local dir="$1"; shift
  local include; include="$(IFS=,; echo "$*")"
  remove_rootfs "$dir"
  mkdir -p "$(dirname "$dir")"
  log "debootstrap $DEBIAN_SUITE into $dir (+ $*)"
  run_with_heartbeat "debootstrap $(basename "$dir")" quietly \
    debootstrap --variant=minbase --include="$include" "$DEBIAN_SUITE" "$dir" "$DEBIAN_MIRROR"
}

# in_rootfs DIR CMD... : runs CMD chrooted into DIR.
in_rootfs() {
  local dir="$1"; shift
  chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# slim_rootfs DIR : drops what containers never read: package caches and lists, documentation,
# manual pages, translations, logs.
slim_rootfs() {
  local dir="$1"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin "$dir"/var/lib/apt/lists/* \
    "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/lintian \
    "$dir"/var/log/*.log "$dir"/var/log/apt/* "$dir"/var/cache/debconf/*-old "$dir"/var/lib/dpkg/*-old
  # Documentation goes, the copyright files (the packages' licences) stay.
  find "$dir/usr/share/doc" -type f ! -name copyright -delete
  find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  : >"$dir/etc/machine-id"
}

# import_rootfs DIR IMAGE KEY [DOCKER_IMPORT_ARGS...] : imports DIR as IMAGE, labelled with KEY.
import_rootfs() {
  local dir="$1" image="$2" key="$3"; shift 3
  log "importing $dir as $image"
  run_with_heartbeat "docker import $image" replacing "$image" quietly tar_import "$dir" "$image" --change "LABEL $INPUT_LABEL=$key" "$@"
}

# tar_import DIR IMAGE [DOCKER_IMPORT_ARGS...] : (a function, so that the pipe keeps its stdin
# inside run_with_heartbeat's background job)
tar_import() {
  local dir="$1" image="$2"; shift 2
  tar -C "$dir" --numeric-owner --xattrs -c . | docker import "$@" - "$image"
}

#!/usr/bin/env bash
# Builds the static binaries the images need besides Kubernetes' own: etcd (the version kubeadm asks
# for), CoreDNS and crictl from their released Go modules (recipes: GO_BINARIES in lib/parts.sh),
# and pause from ./pause (ours). Each is cached under $KPC_CACHE_DIR/bin in a directory named by
# its version and cache key; present ones are reused.
#   binaries/build.sh [etcd|coredns|crictl|pause]...   (default: all)
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"
source "$IMAGES_DIR/lib/gobuild.sh"

build_released() { # build_released NAME
  local name="$1" out module version pkg ldflags
  out="$(go_binary_path "$name")"
  read -r module version pkg ldflags <<<"${GO_BINARIES[$name]}"
  if [[ -x "$out" ]]; then log "$name $version: cached"; return 0; fi
  log "$name $version: building from $module"
  go_build_released "$name" "$module" "$version" "$pkg" "$out" "$ldflags"
}

build_pause() {
  local out; out="$(pause_bin)"
  if [[ -x "$out" ]]; then log "pause: cached"; return 0; fi
  command -v go >/dev/null || die "Go toolchain not found: install Go 1.24+ (pause is built from images/binaries/pause)"
  log "pause: building"
  mkdir -p "$(dirname "$out")"
  (cd "$IMAGES_DIR/binaries/pause" && CGO_ENABLED=0 quietly go build -trimpath -ldflags "-s -w" -o "$out.partial" .)
  mv "$out.partial" "$out"
}

targets=("$@")
((${#targets[@]})) || targets=(etcd coredns crictl pause)
for target in "${targets[@]}"; do
  case "$target" in
    pause) build_pause ;;
    *) [[ -n "${GO_BINARIES[$target]:-}" ]] || die "unknown binary '$target': choose one of ${!GO_BINARIES[*]} pause"
      build_released "$target" ;;
  esac
done

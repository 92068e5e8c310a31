#!/usr/bin/env bash
# Checks, without compiling anything, that the Go module proxy serves every module the offline
# Cilium build needs: the packages of cilium-agent, cilium-operator-generic, cilium-dbg and the
# init containers' helpers, with the build tags Cilium's own Makefiles use. The module is copied
# to $KPC_CACHE_DIR/src/cilium-<version> (writable, `-mod=mod`: the module zip has no vendor/).
#
#   check-modules.sh    exit 0 when every module is served; otherwise one "error:" line per module
#                       that is not (module@version, the proxy's answer, the binaries that need it)
#                       and exit 2: that is a precise block, to be lifted upstream or by a decision
#                       (a replace), never worked around silently.
source "$(dirname "$0")/../lib/common.sh"

CILIUM_VERSION="${CILIUM_VERSION:-v1.20.2}"
CILIUM_MODULE="github.com/cilium/cilium"

# binary -> "main package|build tags" (daemon/Makefile, operator/Makefile and Makefile.defs).
declare -A PACKAGES=(
  [cilium-agent]="./daemon|osusergo"
  [cilium-operator-generic]="./operator|osusergo,ipam_provider_operator"
  [cilium-dbg]="./cilium-dbg|osusergo"
  [cilium-cni]="./plugins/cilium-cni|osusergo"
  [cilium-mount]="./tools/mount|osusergo"
  [cilium-sysctlfix]="./tools/sysctlfix|osusergo"
)

command -v go >/dev/null || die "Go toolchain not found: install Go 1.26+ (Cilium $CILIUM_VERSION is built from its Go module)"

SRC="$KPC_CACHE_DIR/src/cilium-$CILIUM_VERSION"
if [[ ! -f "$SRC/go.mod" ]]; then
  log "downloading $CILIUM_MODULE@$CILIUM_VERSION"
  dir="$(go mod download -json "$CILIUM_MODULE@$CILIUM_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -d "$dir" ]] || die "the Go module proxy did not serve $CILIUM_MODULE@$CILIUM_VERSION: check GOPROXY and the network"
  mkdir -p "$(dirname "$SRC")"
  rm -rf "$SRC.partial"
  cp -r "$dir" "$SRC.partial"
  chmod -R u+w "$SRC.partial"
  mv "$SRC.partial" "$SRC"
fi

declare -A ANSWER=() NEEDED_BY=() # module@version -> the proxy's answer / the binaries that need it
cd "$SRC"
for bin in $(printf '%s\n' "${!PACKAGES[@]}" | sort); do
  IFS='|' read -r pkg tags <<<"${PACKAGES[$bin]}"
  log "$bin: resolving the packages of $pkg (tags $tags)"
  # One quoted line per package that could not be loaded: "module@version: reading URL: answer".
  while IFS= read -r line; do
    [[ "$line" =~ ^\"([^\ :]+@[^\ :]+):\ (.*)\"$ ]] || continue
    mod="${BASH_REMATCH[1]}" answer="${BASH_REMATCH[2]//\\n\\t/ }"
    ANSWER[$mod]="${ANSWER[$mod]:-$answer}"
    NEEDED_BY[$mod]="${NEEDED_BY[$mod]:+${NEEDED_BY[$mod]}, }$bin"
  done < <(GOFLAGS=-mod=mod nice -n 19 go list -e -deps -tags "$tags" -f '{{if .Error}}{{printf "%q" .Error.Err}}{{end}}' "$pkg" 2>/dev/null | sort -u)
done

if ((${#ANSWER[@]} == 0)); then
  log "every module $CILIUM_MODULE@$CILIUM_VERSION needs for its binaries is served"
  exit 0
fi
for mod in $(printf '%s\n' "${!ANSWER[@]}" | sort); do
  printf 'error: %s is not served by the Go module proxy (%s): needed by %s\n' "$mod" "${ANSWER[$mod]}" "${NEEDED_BY[$mod]}" >&2
done
exit 2

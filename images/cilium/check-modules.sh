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
source "$IMAGES_DIR/cilium/source.sh"

SRC="$(cilium_source)"
declare -A ANSWER=() NEEDED_BY=() # module@version -> the proxy's answer / the binaries that need it
cd "$SRC"
for bin in $(printf '%s\n' "${!CILIUM_PACKAGES[@]}" | sort); do
  IFS='|' read -r pkg tags <<<"${CILIUM_PACKAGES[$bin]}"
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

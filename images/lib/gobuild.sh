# shellcheck shell=bash
# Building a Go main package from a released module, offline-friendly (Go module proxy only).
# Sourced after common.sh.

# module_gomod MODULE@VERSION : downloads the module and prints the path of its go.mod.
module_gomod() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

# go_build_released NAME MODULE VERSION PACKAGE OUT [EXTRA_LDFLAGS]
# Builds PACKAGE (a main package inside MODULE@VERSION) into the file OUT, statically.
# `go install MODULE@VERSION` refuses modules with replace directives, so the build runs in a
# wrapper module under $KPC_CACHE_DIR/src that requires MODULE@VERSION and turns each of its
# sibling replaces ("X => ../dir", as etcd has) into the released X of the same VERSION.
go_build_released() {
  local name="$1" module="$2" version="$3" pkg="$4" out="$5" extra="${6:-}"
  command -v go >/dev/null || die "Go toolchain not found: install Go 1.24+ (the offline build compiles $name from its Go module)"
  local work="$KPC_CACHE_DIR/src/$name-$version"
  mkdir -p "$work" "$(dirname "$out")"
  (
    cd "$work"
    local gomod
    gomod="$(module_gomod "$module@$version")"
    [[ -f "$gomod" ]] || die "could not download $module@$version from the Go module proxy (check GOPROXY and the network)"
    {
      printf 'module kpc.local/%s-build\n\ngo 1.24\n\nrequire %s %s\n\n' "$name" "$module" "$version"
      { grep -oE '^[[:space:]]*(replace[[:space:]]+)?[a-z0-9./-]+ => \.\./' "$gomod" || true; } \
        | awk -v v="$version" '{ m = ($1 == "replace") ? $2 : $1; print "replace " m " => " m " " v }'
    } >go.mod
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >tools.go
    run_with_heartbeat "$name: go mod tidy" quietly go mod tidy
    log "$name: compiling $pkg"
    CGO_ENABLED=0 run_with_heartbeat "$name: go build" \
      quietly go build -trimpath -ldflags "-s -w $extra" -o "$out.partial" "$pkg"
  )
  mv "$out.partial" "$out"
}

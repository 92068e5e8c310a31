# shellcheck shell=bash
# The Go wrapper module that upstream's e2e binary and agnhost are built in: it requires
# k8s.io/kubernetes at $K8S_VERSION and turns each of its "k8s.io/X => ./staging/..." replaces into
# the released k8s.io/X of the matching v0 version, as kubernetes/build.sh does for the server
# binaries. Sourced after common.sh, gobuild.sh and upstream/parts.sh.

# prepare_e2e_module : writes go.mod and tools.go in $UPSTREAM_SRC_DIR and resolves them. tools.go
# imports test/e2e, every package its test files import (listed by `go list`, so e2e_test.go's
# suite list is taken from the module, not from here) and test/images/agnhost.
prepare_e2e_module() {
  command -v go >/dev/null || die "Go toolchain not found: install Go 1.24+ (upstream's e2e tests are built from the k8s.io/kubernetes module)"
  mkdir -p "$UPSTREAM_SRC_DIR"
  cd "$UPSTREAM_SRC_DIR"
  [[ -f .resolved && "$(cat .resolved)" == "$K8S_VERSION $(files_digest "$IMAGES_DIR/upstream/wrapper-module.sh")" ]] && return 0
  local gomod staging_version
  gomod="$(module_gomod "k8s.io/kubernetes@$K8S_VERSION")"
  [[ -f "$gomod" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
  staging_version="v0.${K8S_VERSION#v1.}"
  {
    printf 'module kpc.local/kubernetes-e2e-build\n\ngo 1.24\n\nrequire k8s.io/kubernetes %s\n\n' "$K8S_VERSION"
    grep -oE 'k8s.io/[a-z0-9-]+ => \./staging' "$gomod" | awk -v v="$staging_version" '{print "replace " $1 " => " $1 " " v}'
  } >go.mod
  write_tools k8s.io/kubernetes/test/e2e k8s.io/kubernetes/test/images/agnhost
  run_with_heartbeat "e2e module: go mod tidy" quietly go mod tidy
  local imports
  imports="$(go list -f '{{join .TestImports "\n"}}' k8s.io/kubernetes/test/e2e)"
  [[ -n "$imports" ]] || die "go list found no test imports in k8s.io/kubernetes/test/e2e"
  # shellcheck disable=SC2086
  write_tools k8s.io/kubernetes/test/e2e k8s.io/kubernetes/test/images/agnhost $(grep -v '^k8s.io/kubernetes/test/e2e$' <<<"$imports" | grep '\.' || true)
  run_with_heartbeat "e2e module: go mod tidy (test imports)" quietly go mod tidy
  echo "$K8S_VERSION $(files_digest "$IMAGES_DIR/upstream/wrapper-module.sh")" >.resolved
}

write_tools() { # write_tools PACKAGE...
  { printf '//go:build tools\n\npackage tools\n\nimport (\n'; printf '\t_ "%s"\n' "$@"; printf ')\n'; } >tools.go
}

# kubernetes_ldflags : the version stamp kubernetes/build.sh gives the server binaries.
kubernetes_ldflags() {
  local minor="${K8S_VERSION#v1.}" flags="-s -w" pkg
  minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitCommit=0000000000000000000000000000000000000000 -X $pkg.gitTreeState=clean"
    flags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

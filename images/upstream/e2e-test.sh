#!/usr/bin/env bash
# Builds upstream's e2e test binary (`go test -c k8s.io/kubernetes/test/e2e`, as hack/lib/golang.sh
# builds it: -trimpath, tags selinux,notest, the version stamp of the server binaries) into
# $KPC_CACHE_DIR/bin/e2e-<version>-<key>/e2e.test. Reuses the result when present.
# -vet=off: `go test` otherwise runs vet over the test package and, for its facts, over every
# package it imports (about 2000 here), which took longer than compiling them.
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/gobuild.sh"
source "$IMAGES_DIR/upstream/parts.sh"
source "$IMAGES_DIR/upstream/wrapper-module.sh"

OUT="$(e2e_test_path)"
if [[ -x "$OUT" ]]; then log "e2e.test $K8S_VERSION: cached in $OUT"; exit 0; fi

prepare_e2e_module
mkdir -p "$(dirname "$OUT")"
log "e2e.test $K8S_VERSION: compiling k8s.io/kubernetes/test/e2e (the longest step)"
start=$SECONDS
CGO_ENABLED=0 run_with_heartbeat "e2e.test: go test -c" quietly \
  go test -c -vet=off -trimpath -tags selinux,notest -ldflags "all=$(kubernetes_ldflags)" -o "$OUT.partial" k8s.io/kubernetes/test/e2e
mv "$OUT.partial" "$OUT"
log "e2e.test $K8S_VERSION: built in $((SECONDS - start)) s into $OUT ($(du -h "$OUT" | cut -f1))"

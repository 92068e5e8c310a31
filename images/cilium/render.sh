#!/usr/bin/env bash
# Renders Cilium's chart (from its Go module) with examples/cilium-kpr/helm/values.yaml into
# examples/cilium-kpr/cilium.yaml (or OUT): `bash images/cilium/render.sh [OUT]`. The manifests
# name the API server by certify's placeholders, so one rendering serves every cluster name.
# Helm is built from its Go module the first time (cached).
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/gobuild.sh"
source "$IMAGES_DIR/cilium/source.sh"

HELM_VERSION="v3.21.4"
EXAMPLE="$IMAGES_DIR/../examples/cilium-kpr"
OUT="${1:-$EXAMPLE/cilium.yaml}"
HELM="$KPC_CACHE_DIR/bin/helm-$HELM_VERSION/helm"
[[ -x "$HELM" ]] || go_build_released helm helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "$HELM" >&2
SRC="$(cilium_source)"
# --kube-version: helm template has no cluster to ask, and the chart refuses helm's default (1.20).
"$HELM" template cilium "$SRC/install/kubernetes/cilium" --namespace kube-system --kube-version "${K8S_VERSION#v}" \
  -f "$EXAMPLE/helm/values.yaml" --set "image.override=$AGENT_IMAGE" --set "operator.image.override=$OPERATOR_IMAGE" >"$OUT.partial"
mv "$OUT.partial" "$OUT"
log "cilium: rendered the chart of $CILIUM_VERSION into $OUT"

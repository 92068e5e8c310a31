#!/usr/bin/env bash
# Renders Cilium's chart (from its Go module) with examples/cilium-kpr/values.yaml for the kind
# cluster NAME, to stdout: `bash images/cilium/render.sh kpc-cilium > cilium.yaml`. Helm is built
# from its Go module the first time (cached).
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/gobuild.sh"
source "$IMAGES_DIR/cilium/source.sh"

HELM_VERSION="v3.21.4"
NAME="${1:-}"
[[ "$NAME" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || die "usage: render.sh CLUSTER_NAME (the kind cluster whose control plane Cilium's agents talk to, e.g. kpc-cilium)"
HELM="$KPC_CACHE_DIR/bin/helm-$HELM_VERSION/helm"
[[ -x "$HELM" ]] || go_build_released helm helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "$HELM" >&2
SRC="$(cilium_source)"
# --kube-version: helm template has no cluster to ask, and the chart refuses helm's default (1.20).
"$HELM" template cilium "$SRC/install/kubernetes/cilium" --namespace kube-system --kube-version "${K8S_VERSION#v}" \
  -f "$IMAGES_DIR/../examples/cilium-kpr/values.yaml" --set "k8sServiceHost=$NAME-control-plane"

#!/usr/bin/env bash
# Assembles the node image the way kind's `kind build node-image` does, without pulling anything:
# a container of the base image gets kubeadm, kubelet, kubectl, crictl, /kind/version, the CNI
# manifest and every image the cluster needs (imported into the k8s.io namespace of its
# containerd), and is committed with the base image's entrypoint (its STOPSIGNAL carries over:
# docker commit cannot set one).
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/parts.sh"

KEY="$(key_node)"
if image_current "$NODE_IMAGE" "$KEY"; then log "node: $NODE_IMAGE is up to date"; exit 0; fi

mapfile -t IMAGES < <(component_images)
IMAGES+=("$CNI_IMAGE")
CRICTL="$(go_binary_path crictl)"
[[ -x "$CRICTL" ]] || die "crictl is missing: build it first (bash images/binaries/build.sh crictl)"
for image in "$BASE_IMAGE" "${IMAGES[@]}"; do
  docker image inspect "$image" >/dev/null 2>&1 || die "$image is missing: build it first (bash images/build-node-image.sh)"
done

CONTAINER="kpc-node-build-$$"
trap 'docker rm -f -v "$CONTAINER" >/dev/null 2>&1 || true' EXIT
in_node() { docker exec "$CONTAINER" "$@"; }
# to_node PATH : writes stdin to PATH in the node.
to_node() { docker exec -i "$CONTAINER" sh -c 'mkdir -p "$(dirname "$1")" && cat >"$1"' sh "$1"; }

# How containerd names an image that Docker calls "name:tag" (docker.io/ and library/ made explicit).
containerd_ref() {
  local ref="$1" first="${1%%/*}"
  if [[ "$ref" != */* ]]; then ref="docker.io/library/$ref"
  elif [[ "$first" != *.* && "$first" != *:* && "$first" != localhost ]]; then ref="docker.io/$ref"; fi
  echo "$ref"
}

wait_for_containerd() {
  local i
  for ((i = 0; i < 60; i++)); do
    in_node ctr version >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "containerd did not start in the build container $CONTAINER"
}

import_images() {
  docker save "${IMAGES[@]}" | docker exec -i "$CONTAINER" \
    ctr --namespace k8s.io images import --all-platforms --no-unpack --digests -
}

log "node: starting a build container from $BASE_IMAGE"
quietly docker run -d --name "$CONTAINER" --entrypoint sleep --security-opt seccomp=unconfined "$BASE_IMAGE" infinity

log "node: adding kubeadm, kubelet, kubectl $K8S_VERSION, crictl, /kind/version and the CNI manifest"
# add_binary FILE PATH_IN_NODE
add_binary() {
  docker cp "$1" "$CONTAINER:$2"
  in_node chown root:root "$2"
  in_node chmod 0755 "$2"
}
for command in kubeadm kubelet kubectl; do add_binary "$KUBERNETES_BIN_DIR/$command" "/usr/bin/$command"; done
add_binary "$CRICTL" /usr/local/bin/crictl
printf '%s\n' "$K8S_VERSION" | to_node /kind/version
sed "s|@CNI_IMAGE@|$CNI_IMAGE|g" "$IMAGES_DIR/cni/default-cni.yaml" | to_node /kind/manifests/default-cni.yaml

log "node: importing ${#IMAGES[@]} images into the node's containerd"
docker exec -d "$CONTAINER" containerd
wait_for_containerd
run_with_heartbeat "node: image import" quietly import_images
imported="$(in_node ctr --namespace k8s.io images list --quiet)"
for image in "${IMAGES[@]}"; do
  ref="$(containerd_ref "$image")"
  grep -qxF "$ref" <<<"$imported" || die "$ref is not in the node's containerd after the import"
  # Pinned images are exempt from the kubelet's image garbage collection.
  quietly in_node ctr --namespace k8s.io images label "$ref" io.cri-containerd.pinned=pinned
done
in_node pkill -x containerd
for ((i = 0; i < 60; i++)); do in_node pgrep -x containerd >/dev/null || break; sleep 0.5; done
in_node sh -c 'rm -rf /run/containerd /tmp/* /var/log/*.log'

log "node: committing $NODE_IMAGE"
replacing "$NODE_IMAGE" quietly docker commit \
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
  --change 'CMD []' \
  --change "LABEL $INPUT_LABEL=$KEY" \
  "$CONTAINER" "$NODE_IMAGE"
log "node: built $NODE_IMAGE"

import type { Kubectl } from '../kube/kubectl.js';
import { run } from '../util/exec.js';
import { canonicalImageName } from './image-name.js';
import { rememberDigests, rememberedDigests } from './image-digests.js';

interface NodeImages {
  items?: { metadata: { name: string }; status?: { images?: { names?: string[] }[] } }[];
}

/**
 * True when every one of these kind node containers already holds the local image `ref` with the
 * same image id: loading it again (`kind load docker-image`) would copy the same bytes into every
 * node.
 *
 * Asked first of the nodes' status, through `kubectl` when given: no process per node (a
 * `docker exec` costs about 0.5 s of this host's CPU, just when certify's start is short of it).
 * A node lists each image with its tags and repository digests, the 50 largest, as of its last
 * status update (every 10 s). The image id is not in that list, so the digest that `kind load`
 * gave this id is learned once from crictl, which shows both, and remembered. A node whose status
 * names `ref` and a remembered digest in the same image holds this image under `ref`. Anything
 * less (no status, no remembered digest, a truncated list) is asked of crictl in each node. An
 * image removed since the last update (kubelet does so only under disk pressure) fails the
 * rollout, naming the image.
 */
export async function nodesHoldImage(nodes: readonly string[], ref: string, kubectl?: Kubectl): Promise<boolean> {
  const local = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { check: false });
  const id = local.stdout.trim();
  if (local.exitCode !== 0 || nodes.length === 0) return false;
  if (kubectl && statusListsImage(await kubectl.jsonIfAny<NodeImages>(['get', 'nodes']), nodes, ref, rememberedDigests(id))) return true;
  const held = await Promise.all(nodes.map((node) => crictlImage(node, ref)));
  if (!held.every((h) => h?.id === id)) return false;
  rememberDigests(id, held.flatMap((h) => h?.digests ?? []));
  return true;
}

/** Whether each node's status lists one image named both `ref` and `@<digest>` for one of `digests`. */
export function statusListsImage(list: NodeImages | undefined, nodes: readonly string[], ref: string, digests: readonly string[]): boolean {
  if (!list?.items || digests.length === 0) return false;
  const name = canonicalImageName(ref);
  const byNode = new Map(list.items.map((n) => [n.metadata.name, n.status?.images ?? []]));
  return nodes.every((node) =>
    (byNode.get(node) ?? []).some((image) => {
      const names = image.names ?? [];
      return names.includes(name) && names.some((n) => digests.some((d) => n.endsWith(`@${d}`)));
    }),
  );
}

async function crictlImage(node: string, ref: string): Promise<{ id: string; digests: string[] } | undefined> {
  const template = '{{.status.id}}{{range .status.repoDigests}} {{.}}{{end}}';
  const { exitCode, stdout } = await run('docker', ['exec', node, 'crictl', 'inspecti', '-o', 'go-template', '--template', template, ref], { check: false });
  if (exitCode !== 0) return undefined;
  const [id = '', ...repoDigests] = stdout.trim().split(/\s+/);
  return { id, digests: repoDigests.map((d) => d.slice(d.indexOf('@') + 1)).filter((d) => d.startsWith('sha256:')) };
}

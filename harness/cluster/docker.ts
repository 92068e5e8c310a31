import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../util/log.js';
import { REPO_ROOT } from '../util/repo-root.js';
import { run } from '../util/exec.js';
import { UsageError } from '../util/errors.js';

const LABEL_CLUSTER = 'io.x-k8s.kind.cluster';

async function dockerAnswers(): Promise<boolean> {
  const { exitCode } = await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000, check: false }).catch(() => ({ exitCode: 1 }));
  return exitCode === 0;
}

/**
 * Docker must answer. On a fresh host of the kind this project targets (root, Debian, no engine
 * running, DOCKER_HOST unset) the engine is prepared first with scripts/prepare-docker.sh, so
 * `npm install && npm run certify` works there; set KPC_PREPARE_DOCKER=0 to never do that.
 */
export async function assertDockerReachable(log?: Logger): Promise<void> {
  if (await dockerAnswers()) return;
  const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const mayPrepare = !process.env.DOCKER_HOST && process.getuid?.() === 0 && process.env.KPC_PREPARE_DOCKER !== '0' && existsSync('/usr/bin/apt-get');
  if (mayPrepare) {
    log?.step('no Docker engine answers: preparing one with scripts/prepare-docker.sh');
    const prepared = await run('bash', [path.join(REPO_ROOT, 'scripts/prepare-docker.sh')], {
      check: false,
      onStderrLine: (line) => line.trim() && log?.info(line),
    });
    if (prepared.exitCode === 0 && (await dockerAnswers())) return;
  }
  throw new UsageError(`Docker is not reachable at ${where}`, 'start the engine (on this kind of host: `npm run prepare:docker`) or fix DOCKER_HOST');
}

export async function imageExists(ref: string): Promise<boolean> {
  const { exitCode } = await run('docker', ['image', 'inspect', ref], { check: false });
  return exitCode === 0;
}

/** Tries a pull; false on any failure (no registry here is the common case). */
export async function tryPull(ref: string, timeoutMs = 60_000): Promise<boolean> {
  const { exitCode } = await run('docker', ['pull', '--quiet', ref], { check: false, timeoutMs });
  return exitCode === 0;
}

export async function nodeContainers(cluster: string): Promise<string[]> {
  const { stdout } = await run('docker', ['ps', '-a', '--filter', `label=${LABEL_CLUSTER}=${cluster}`, '--format', '{{.Names}}']);
  return stdout.split('\n').filter(Boolean).sort();
}

/** A kind node: its container's name (the node's name) and id (new when the node is made again). */
export interface NodeContainer {
  name: string;
  id: string;
}

/** The running node containers of a kind cluster, with their ids. */
export async function runningNodeContainers(cluster: string): Promise<NodeContainer[]> {
  const { stdout } = await run('docker', ['ps', '--filter', `label=${LABEL_CLUSTER}=${cluster}`, '--format', '{{.Names}}\t{{.ID}}']);
  return stdout.split('\n').filter(Boolean).map((line) => {
    const [name = '', id = ''] = line.split('\t');
    return { name, id };
  });
}

export async function networkExists(name: string): Promise<boolean> {
  const { exitCode } = await run('docker', ['network', 'inspect', name], { check: false });
  return exitCode === 0;
}

export async function removeNetwork(name: string): Promise<void> {
  if (await networkExists(name)) await run('docker', ['network', 'rm', name]);
}

/** Removes every container carrying `label=value`; returns their names. */
export async function removeLabelledContainers(label: string, value: string): Promise<string[]> {
  const { stdout } = await run('docker', ['ps', '-a', '--filter', `label=${label}=${value}`, '--format', '{{.Names}}']);
  const names = stdout.split('\n').filter(Boolean);
  if (names.length > 0) await run('docker', ['rm', '--force', '--volumes', ...names]);
  return names;
}

export async function dockerExec(container: string, args: readonly string[], input?: string): Promise<string> {
  const { stdout } = await run('docker', ['exec', ...(input === undefined ? [] : ['-i']), container, ...args], { input });
  return stdout;
}

/**
 * Removes a cluster's node containers until none has appeared for `quietMs`: after kind is
 * stopped mid-create, the Docker daemon may still finish a create it had already been asked for.
 */
export async function removeNodeContainersUntilQuiet(cluster: string, quietMs = 2_000, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    if (Date.now() > deadline) throw new Error(`node containers of "${cluster}" kept appearing for ${timeoutMs / 1000} s`);
    const names = await nodeContainers(cluster);
    if (names.length > 0) {
      await run('docker', ['rm', '--force', '--volumes', ...names], { check: false });
      quietSince = Date.now();
    }
    await delay(250);
  }
}

/** A kind cluster on this host: its name, its Docker network and its node containers. */
export interface KindCluster {
  name: string;
  network: string;
  nodes: NodeContainer[];
}

/** The kind cluster whose node containers are exactly these nodes, if they are one cluster's containers. */
export async function kindClusterOfNodes(nodeNames: readonly string[]): Promise<KindCluster | undefined> {
  const { stdout, exitCode } = await run('docker', ['ps', '--filter', `label=${LABEL_CLUSTER}`, '--format', `{{.Names}}\t{{.ID}}\t{{.Label "${LABEL_CLUSTER}"}}\t{{.Networks}}`], { check: false });
  if (exitCode !== 0 || nodeNames.length === 0) return undefined;
  const containers = new Map(stdout.split('\n').filter(Boolean).map((line) => {
    const [container = '', id = '', cluster = '', networks = ''] = line.split('\t');
    return [container, { id, cluster, networks: networks.split(',').filter(Boolean) }] as const;
  }));
  const clusters = new Set(nodeNames.map((n) => containers.get(n)?.cluster));
  const name = clusters.size === 1 ? [...clusters][0] : undefined;
  if (!name) return undefined;
  const networks = containers.get(nodeNames[0]!)?.networks ?? [];
  // kind's own network is "kind" (or KIND_EXPERIMENTAL_DOCKER_NETWORK, as the harness's kpc-<name>).
  const network = networks.find((n) => n === 'kind' || n.startsWith('kpc-')) ?? networks[0];
  return network ? { name, network, nodes: [...nodeNames].sort().map((node) => ({ name: node, id: containers.get(node)?.id ?? '' })) } : undefined;
}

/** A Docker network's IPv4 subnet, the IPv4 addresses its containers and gateway hold, and each container's MAC address by its IPv4 address. */
export async function networkIPv4(network: string): Promise<{ subnet: string; used: string[]; macs: Map<string, string> }> {
  interface Inspect {
    IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
    Containers?: Record<string, { IPv4Address?: string; MacAddress?: string }>;
  }
  const [inspect] = JSON.parse((await run('docker', ['network', 'inspect', network])).stdout) as Inspect[];
  const configs = inspect?.IPAM?.Config ?? [];
  const v4 = configs.find((c) => c.Subnet !== undefined && !c.Subnet.includes(':'));
  if (!v4?.Subnet) throw new Error(`Docker network ${network} has no IPv4 subnet`);
  const held = Object.values(inspect?.Containers ?? {}).flatMap((c) => (c.IPv4Address ? [{ address: c.IPv4Address.split('/')[0]!, mac: c.MacAddress }] : []));
  const macs = new Map(held.flatMap((c) => (c.mac ? [[c.address, c.mac] as const] : [])));
  return { subnet: v4.Subnet, used: [...held.map((c) => c.address), ...(v4.Gateway ? [v4.Gateway] : [])], macs };
}

/** The image a container runs. */
export async function containerImage(container: string): Promise<string> {
  return (await run('docker', ['inspect', '--format', '{{.Config.Image}}', container])).stdout.trim();
}

/**
 * Runs `ip -batch -` with these commands in the network namespace of `container`, from `image`
 * (which must hold iproute2: a kind node image does), as a container of its own with NET_ADMIN
 * that is removed when it ends; the container itself needs neither the tool nor the capability.
 */
export async function ipInNetworkOf(container: string, image: string, commands: readonly string[], labels: Record<string, string>): Promise<void> {
  const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  await run('docker', ['run', '--rm', '-i', '--network', `container:${container}`, '--cap-add', 'NET_ADMIN', ...labelArgs, '--entrypoint', 'ip', image, '-batch', '-'], { input: commands.join('\n') + '\n' });
}

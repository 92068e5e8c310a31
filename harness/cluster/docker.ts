import { run } from '../util/exec.js';
import { UsageError } from '../util/errors.js';

const LABEL_CLUSTER = 'io.x-k8s.kind.cluster';

export async function assertDockerReachable(): Promise<void> {
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 });
  } catch {
    const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    throw new UsageError(`Docker is not reachable at ${where}`, 'start the engine (on this kind of host: `npm run prepare:docker`) or fix DOCKER_HOST');
  }
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

export async function networkExists(name: string): Promise<boolean> {
  const { exitCode } = await run('docker', ['network', 'inspect', name], { check: false });
  return exitCode === 0;
}

export async function removeNetwork(name: string): Promise<void> {
  if (await networkExists(name)) await run('docker', ['network', 'rm', name]);
}

export async function dockerExec(container: string, args: readonly string[], input?: string): Promise<string> {
  const { stdout } = await run('docker', ['exec', ...(input === undefined ? [] : ['-i']), container, ...args], { input });
  return stdout;
}

import os from 'node:os';

/** Who answered: the pod, its IP and its node, as the Kubernetes downward API tells them. */
export interface Identity {
  readonly pod: string;
  readonly podIP: string | null;
  readonly node: string | null;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads POD_NAME, POD_IP and NODE_NAME (set by the Deployment's downward API env).
 * Outside Kubernetes the pod name falls back to the hostname and the others to null.
 */
export function identityFromEnv(env: Env = process.env, hostname: () => string = os.hostname): Identity {
  return {
    pod: nonEmpty(env['POD_NAME']) ?? hostname(),
    podIP: nonEmpty(env['POD_IP']),
    node: nonEmpty(env['NODE_NAME']),
  };
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

import { run } from '../util/exec.js';
import type { Kubectl } from './kubectl.js';
import { kubectlEnv } from './kubectl-env.js';

/** An endpoint (pod) entering or leaving the ready set of a Service, as the watch saw it. */
export interface EndpointChange {
  pod: string;
  change: 'added' | 'removed';
  /** Epoch ms the watch delivered it. */
  at: number;
}

interface WatchEvent {
  type: string;
  object: { metadata: { name: string }; endpoints?: { targetRef?: { name?: string }; conditions?: { ready?: boolean } }[] };
}

/**
 * Watches a Service's EndpointSlices with `kubectl get --watch` and records when each pod joins or
 * leaves the Service's ready endpoints: the moment the proxy is told, from which the harness
 * measures how long each node takes to follow.
 */
export class EndpointWatch {
  readonly changes: EndpointChange[] = [];
  private readonly slices = new Map<string, Set<string>>();
  private ready = new Set<string>();
  private listed = false;
  private pending = '';
  private readonly stop = new AbortController();
  private running: Promise<unknown> | undefined;

  constructor(private readonly kubectl: Kubectl, private readonly namespace: string, private readonly service: string) {}

  /** Starts watching; resolves once the current endpoints are known. */
  async start(): Promise<ReadonlySet<string>> {
    let listed!: () => void;
    const first = new Promise<void>((resolve) => (listed = resolve));
    this.running = run(
      this.kubectl.binary,
      // -o jsonpath prints only the first event of a watch (kubectl 1.34); JSON prints each.
      ['--kubeconfig', this.kubectl.kubeconfig, '--namespace', this.namespace, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${this.service}`, '--watch', '--output-watch-events', '-o', 'json'],
      {
        signal: this.stop.signal,
        env: kubectlEnv(this.kubectl.kubeconfig),
        check: false,
        onStdoutLine: (line) => {
          const event = this.parse(line);
          if (!event) return;
          this.apply(event, Date.now());
          listed();
        },
      },
    );
    await first;
    return new Set(this.ready);
  }

  /** The pods that are ready endpoints now. */
  current(): ReadonlySet<string> {
    return new Set(this.ready);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  /** Events come one per line; should kubectl indent them, lines are gathered until they parse. */
  private parse(line: string): WatchEvent | undefined {
    this.pending += `${line}\n`;
    try {
      const event = JSON.parse(this.pending) as WatchEvent;
      this.pending = '';
      return event;
    } catch {
      return undefined;
    }
  }

  private apply({ type, object }: WatchEvent, at: number): void {
    const slice = object.metadata.name;
    // A ready condition that is absent means unknown, which the API says to read as ready.
    const pods = new Set((object.endpoints ?? []).filter((e) => e.conditions?.ready !== false && e.targetRef?.name).map((e) => e.targetRef!.name!));
    if (type === 'DELETED') this.slices.delete(slice);
    else this.slices.set(slice, pods);
    const now = new Set([...this.slices.values()].flatMap((s) => [...s]));
    // The watch lists the current slice first: that is the starting point, not a change. (A
    // Service with up to 100 endpoints of one address family has one slice.)
    const initial = !this.listed;
    this.listed = true;
    for (const pod of now) if (!this.ready.has(pod) && !initial) this.changes.push({ pod, change: 'added', at });
    for (const pod of this.ready) if (!now.has(pod)) this.changes.push({ pod, change: 'removed', at });
    this.ready = now;
  }
}

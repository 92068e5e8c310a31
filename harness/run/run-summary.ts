import { hostNotes, PROXY_MODES } from '../cluster/proxy-mode.js';
import { featureById } from '../features/registry.js';
import type { DetectedProxyMode } from '../queries/types.js';
import type { RunSummary } from '../report/assemble-report.js';
import type { ClusterState, RunConfig } from './run-config.js';


/** `npm run certify -- ARGS`, quoted for a POSIX shell, so a reader can rerun exactly this. */
export function reproduceCommand(args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['npm', 'run', 'certify', ...(args.length ? ['--', ...args.map(quote)] : [])].join(' ');
}

/** What the run knows of itself for the report: the run config and the cluster its setup made and surveyed. */
export function runSummary(config: RunConfig, state: ClusterState, startedAt: string, command: string): RunSummary {
  const cluster = config.cluster;
  const mode = state.info.proxyMode ?? (cluster.kind === 'kind' ? cluster.proxyMode : (cluster.expectedProxyMode ?? 'unknown'));
  const given = config.implementation;
  return {
    profile: config.profile,
    features: config.features.map((id) => {
      const { title, level } = featureById(id);
      return { id, title, level };
    }),
    implementation: state.survey?.implementation ?? { name: given.name ?? 'unknown', version: given.version ?? null, url: given.url ?? null, source: given.name ? 'the command line' : 'the run ended before the cluster was read' },
    proxyMode: (PROXY_MODES as readonly string[]).includes(mode) ? (mode as DetectedProxyMode) : 'unknown',
    cluster: {
      name: state.info.name ?? (cluster.kind === 'kind' ? cluster.name : null),
      provider: cluster.kind,
      kubeconfig: state.info.kubeconfig ?? cluster.kubeconfig,
      kubernetesVersion: state.info.kubernetesVersion ?? null,
    },
    nodes: state.survey?.discovery.addressed ?? [],
    unaddressedNodes: state.survey?.discovery.unaddressed,
    notes: [...hostNotes(cluster.kind === 'kind' || state.info.dockerNetwork !== undefined), ...(state.info.proxyModeNote ? [state.info.proxyModeNote] : [])],
    startedAt,
    command,
  };
}

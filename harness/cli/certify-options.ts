import { randomUUID } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { defaultKubeconfigPath } from '../cluster/kind-cluster-provider.js';
import { DEFAULT_KIND_CONFIG, IP_FAMILIES, type IpFamilyOption } from '../cluster/kind-config.js';
import { PROXY_MODES, type ProxyMode } from '../cluster/proxy-mode.js';
import type { RunConfig } from '../run/run-config.js';
import { CLIENT_KINDS, type ClientKind } from '../traffic/traffic-client.js';
import { DEFAULT_CONCURRENCY } from '../traffic/traffic-plan.js';
import { UsageError } from '../util/errors.js';
import { oneOf, pathArg, positiveInt } from './cli-runner.js';
import { commandName } from './command-name.js';
import { DEFAULT_REPLICAS } from '../lab/helloworld-lab.js';
import { FEATURES, PROFILE_NAMES, PROFILES, type ProfileName } from '../features/registry.js';
import { featureNamespace } from '../features/feature-namespace.js';
import { InvalidArgumentError } from 'commander';

export interface CertifyOptions {
  proxyMode?: ProxyMode;
  workers?: number;
  ipFamily?: IpFamilyOption;
  requests?: number;
  replicas: number;
  concurrency: number;
  kubeconfig?: string;
  name: string;
  config: string;
  keep?: boolean;
  reuse?: boolean;
  client: ClientKind;
  namespace: string;
  reportDir: string;
  /** Unset when not given: nodeport, unless --features names the features instead. */
  profile?: ProfileName;
  addressType?: 'InternalIP' | 'ExternalIP';
  image?: string;
  features?: string[];
  proxyManifest?: string;
  implementation?: string;
  implementationVersion?: string;
  implementationUrl?: string;
  printRbac?: boolean;
  expireAfter: number;
}

export function certifyCommand(): Command {
  return new Command(commandName('certify'))
    .description('Certify the service proxy on every node of a kind cluster it boots (or of the cluster --kubeconfig points at): the NodePort lab, or the features of a conformance profile')
    .option('--proxy-mode <mode>', `kube-proxy mode to boot (${PROXY_MODES.join(', ')}; default: nftables); with --kubeconfig, the mode the cluster must run`, oneOf('proxy mode', PROXY_MODES))
    .option('--workers <n>', 'worker nodes of the kind cluster (default: as in kind-config.yaml)', positiveInt('--workers'))
    .option('--ip-family <family>', `IP families of the kind cluster: ${IP_FAMILIES.join(', ')} (dual: IPv4 and IPv6, which DualStack needs; default: as the kind config says)`, oneOf('IP family', IP_FAMILIES))
    .option('--requests <n>', 'requests per node, each on a new connection (default: the recommended count for the cluster\'s shape; fewer than the minimum is refused)', positiveInt('--requests'))
    .option('--replicas <n>', 'endpoints of the app (replicas of its Deployment)', positiveInt('--replicas'), DEFAULT_REPLICAS)
    .option('--concurrency <n>', 'requests in flight at once', positiveInt('--concurrency'), DEFAULT_CONCURRENCY)
    .option('--kubeconfig <file>', 'certify the cluster this kubeconfig points at instead of booting one', pathArg('--kubeconfig'))
    .option('--name <name>', 'name of the kind cluster to boot', 'kpc-certify')
    .option('--config <file>', 'kind cluster config', pathArg('--config'), DEFAULT_KIND_CONFIG)
    .option('--keep', 'keep the cluster and the lab namespace afterwards')
    .option('--reuse', 'attach to a kind cluster of that name if it exists (with --proxy-manifest: one booted with --proxy-mode none; the proxy is removed after the run)')
    .option('--client <kind>', `where outside traffic comes from: ${CLIENT_KINDS.join(', ')} (pods: a client pod on every node sends its share of the NodePort lab's requests through every node)`, oneOf('client', CLIENT_KINDS), 'auto')
    .option('--namespace <ns>', 'namespace for the lab objects (new, or one this harness made)', 'kpc-lab')
    .option('--report-dir <dir>', 'where report.json, junit.xml, records and the HTML report go', pathArg('--report-dir'), 'reports')
    .option('--profile <name>', `conformance profile: ${PROFILE_NAMES.join(', ')} (nodeport: the lab alone; core: every core feature; all: core and extended) (default: "nodeport")`, oneOf('profile', PROFILE_NAMES))
    .option('--features <ids>', `comma-separated features to claim instead of a profile: ${FEATURES.map((f) => f.id).join(', ')}`, featureList)
    .option('--address-type <type>', 'node address to send to: InternalIP or ExternalIP (default: ExternalIP where a node has one, else InternalIP)', oneOf('address type', ['InternalIP', 'ExternalIP'] as const))
    .option('--image <ref>', 'app image the nodes pull, for clusters whose nodes use a registry (default: build it here and load it into kind nodes)')
    .option('--implementation <name>', 'what is certified, for the reports (default: read from the cluster: its DaemonSet name and image)')
    .option('--implementation-version <version>', 'its version (default: read from the cluster)')
    .option('--implementation-url <url>', 'where it is published')
    .option('--proxy-manifest <file|dir>', 'boot with no kube-proxy, install the proxy from these manifests (a file, or a directory of them) and certify it', pathArg('--proxy-manifest'))
    .option('--expire-after <seconds>', `with --kubeconfig: if certify is killed, a pod it started in the cluster deletes the run's namespaces (and so its NodePorts) this long after certify last renewed its Lease (at least ${MIN_EXPIRY_SECONDS})`, positiveInt('--expire-after'), DEFAULT_EXPIRY_SECONDS)
    .option('--print-rbac', 'print the namespaces, ServiceAccount and roles a cluster admin applies so that certify runs with only the permissions it needs (for --namespace and --profile or --features), and exit');
}

/**
 * certify renews its Lease every third of this, so a run is reaped only after it has missed two
 * renewals in a row; two minutes keeps a killed run's NodePorts open about two minutes.
 */
export const DEFAULT_EXPIRY_SECONDS = 120;
/** Below this, a renewal every few seconds on a loaded API server could miss twice and reap a live run. */
export const MIN_EXPIRY_SECONDS = 15;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks that need nothing but the options; turns them into the run's configuration. */
export function toRunConfig(options: CertifyOptions): RunConfig {
  if (!DNS_LABEL.test(options.namespace)) {
    throw new UsageError(`invalid namespace "${options.namespace}"`, 'use lower-case letters, digits and dashes (a DNS label, at most 63 characters)');
  }
  const tooLong = FEATURES.map((f) => featureNamespace(f, options.namespace)).find((ns) => !DNS_LABEL.test(ns));
  if (tooLong) {
    const room = 63 - (tooLong.length - options.namespace.length);
    throw new UsageError(`namespace "${options.namespace}" is too long: the features' namespaces beside it, such as "${tooLong}", would exceed 63 characters`, `use a --namespace of at most ${room} characters`);
  }
  if (options.kubeconfig && options.workers !== undefined) {
    throw new UsageError('--workers applies only to a cluster the harness boots', 'drop --workers when passing --kubeconfig');
  }
  if (options.kubeconfig && options.ipFamily !== undefined) {
    throw new UsageError('--ip-family applies only to a cluster the harness boots', 'drop --ip-family when passing --kubeconfig');
  }
  if (options.kubeconfig && options.reuse) {
    throw new UsageError('--reuse applies only to a kind cluster the harness boots', 'drop --reuse when passing --kubeconfig');
  }
  if (options.proxyManifest && options.kubeconfig) {
    throw new UsageError('--proxy-manifest installs the proxy on a cluster the harness boots', 'drop --kubeconfig, or install the proxy yourself and drop --proxy-manifest');
  }
  if (options.features && options.profile) {
    throw new UsageError('--features names the features to claim instead of a profile', 'pass --features or --profile, not both');
  }
  if (options.addressType === 'ExternalIP' && !options.kubeconfig) {
    throw new UsageError('--address-type ExternalIP: the nodes of a kind cluster have no ExternalIP', 'drop --address-type, or pass InternalIP');
  }
  if (options.proxyManifest && options.proxyMode && options.proxyMode !== 'none') {
    throw new UsageError(`--proxy-manifest boots the cluster with no kube-proxy, not in mode ${options.proxyMode}`, 'drop --proxy-mode: the mode is the one your manifest configures');
  }
  if (options.expireAfter < MIN_EXPIRY_SECONDS) {
    throw new UsageError(`--expire-after ${options.expireAfter}: a run would risk being reaped while it runs`, `pass at least ${MIN_EXPIRY_SECONDS} seconds`);
  }
  const reportDir = ensureWritableDir(options.reportDir);
  const cluster: RunConfig['cluster'] = options.kubeconfig
    ? { kind: 'existing', kubeconfig: path.resolve(options.kubeconfig), expectedProxyMode: options.proxyMode }
    : {
        kind: 'kind',
        name: options.name,
        proxyMode: options.proxyManifest ? 'none' : (options.proxyMode ?? 'nftables'),
        workers: options.workers,
        ipFamily: options.ipFamily,
        configFile: path.resolve(options.config),
        kubeconfig: defaultKubeconfigPath(options.name),
        reuse: options.reuse,
        ...(options.proxyManifest ? { proxyManifest: path.resolve(options.proxyManifest) } : {}),
      };
  return {
    name: 'certify',
    profile: options.features ? 'custom' : (options.profile ?? 'nodeport'),
    features: options.features ?? [...PROFILES[options.profile ?? 'nodeport']],
    featuresClaimed: options.features !== undefined,
    implementation: { name: options.implementation, version: options.implementationVersion, url: options.implementationUrl },
    runId: randomUUID(),
    cluster,
    keep: options.keep === true,
    client: options.client,
    namespace: options.namespace,
    replicas: options.replicas,
    addressType: options.addressType,
    appImage: options.image,
    requestsPerNode: options.requests ?? null,
    concurrency: options.concurrency,
    reportDir,
    // A cluster certify boots goes with the run (and a killed run's, with the next: ClusterLease).
    ...(options.kubeconfig && !options.keep ? { reaper: { expirySeconds: options.expireAfter } } : {}),
  };
}

/** The directory must be one we can write, or creatable; nothing is left made. */
export function ensureWritableDir(dir: string, option = '--report-dir'): string {
  const absolute = path.resolve(dir);
  let existing = absolute;
  while (!existsSync(existing)) existing = path.dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) throw Object.assign(new Error(), { code: `${existing} is not a directory` });
    accessSync(existing, constants.W_OK);
    // Write permission is not enough (root may write anywhere, but not into /proc): make and remove a folder.
    rmdirSync(mkdtempSync(path.join(existing, '.kpc-write-test-')));
  } catch (error) {
    throw new UsageError(`cannot use ${option === '--report-dir' ? 'report directory' : 'directory'} ${absolute} (${(error as NodeJS.ErrnoException).code ?? 'not writable'})`, `pass ${option} with a path in a writable directory`);
  }
  return absolute;
}

/** "ClusterIP,NodePort" -> the registry's ids in the registry's order; case does not matter. */
function featureList(value: string): string[] {
  const asked = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = asked.filter((id) => !FEATURES.some((f) => f.id.toLowerCase() === id.toLowerCase()));
  if (asked.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`unknown feature${unknown.length === 1 ? '' : 's'} "${unknown.join(', ') || value}"; use one or more of ${FEATURES.map((f) => f.id).join(', ')}`);
  }
  return FEATURES.filter((f) => asked.some((id) => id.toLowerCase() === f.id.toLowerCase())).map((f) => f.id);
}

import path from 'node:path';
import type { Kubectl } from '../kube/kubectl.js';
import { REPO_ROOT } from '../util/repo-root.js';
import { notYet, waitFor } from '../util/wait.js';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../kube/bounds.js';
import type { Endpoint } from '../queries/types.js';
import { ServiceUnderTest } from './service-under-test.js';
import { DEFAULT_APP_IMAGE, LAB_DEPLOYMENT, renderAppManifest } from './app-manifests.js';
import { waitForRollout } from '../kube/rollout.js';

export const APP_NAME = 'helloworld';
/** The app's pods, as the Deployment and the Services select them. */
export const APP_SELECTOR = 'app=helloworld';
/** The lab's manifest runs 3 replicas; --replicas applies it with another count. */
export const DEFAULT_REPLICAS = 3;
export const APP_PORT = 8080;
export const MANIFESTS = {
  deployment: LAB_DEPLOYMENT,
  service: path.join(REPO_ROOT, 'manifests/helloworld-service.yaml'),
  nodePortService: path.join(REPO_ROOT, 'manifests/helloworld-service-nodeport.yaml'),
};

/** The lab's patch, verbatim: `kubectl patch svc helloworld -p '{"spec": {"type": "NodePort"}}' -n $NS`. */
export const LAB_NODEPORT_PATCH = '{"spec": {"type": "NodePort"}}';

/**
 * A connection to a ClusterIP not made within this time is dropped and tried again, and a refused
 * one is tried again this long after. Until the proxy has programmed a new Service, its
 * ClusterIP's SYN is lost, and TCP would resend it only after its initial 1 s timeout (RFC 6298),
 * so each first POST to a new Service took about 1 s more than the programming did. Programmed
 * but without its endpoints yet (kube-proxy adds them a sync later), it refuses. A connect to a
 * programmed ClusterIP takes about a millisecond here; an attempt every 200 ms sees the
 * programming within 200 ms of it.
 */
const IN_CLUSTER_CONNECT_ATTEMPT_MS = 200;
/** Each target is given this long, its connection attempts and its reply together. */
const IN_CLUSTER_POST_TIMEOUT_MS = 5_000;

/**
 * Asks each target (argv) from inside a helloworld pod, one after the other, with the lab's
 * request body; one JSON line per target (with the pod's node), up to the first that is not a 200. A connection is
 * attempted afresh every IN_CLUSTER_CONNECT_ATTEMPT_MS while it is refused or, to an address, not
 * made (a name's connect is not cut short: its lookup through CoreDNS may take longer). Constant:
 * no input goes in.
 */
const IN_CLUSTER_POST = `
const http = require('http');
const net = require('net');
const attempt = (host, connectMs) => new Promise((done) => {
  const req = http.request({ host, port: ${APP_PORT}, path: '/api/messages', method: 'POST', agent: false,
    headers: { 'Content-Type': 'application/json', Connection: 'close' } }, (res) => {
    let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => done({ status: res.statusCode, body }));
  });
  const connecting = setTimeout(() => req.destroy(Object.assign(new Error('connect timeout'), { again: true })), connectMs);
  req.on('socket', (socket) => socket.once('connect', () => clearTimeout(connecting)));
  req.on('error', (e) => { clearTimeout(connecting); done({ error: e.message, again: e.again === true || e.code === 'ECONNREFUSED' }); });
  req.setTimeout(${IN_CLUSTER_POST_TIMEOUT_MS}, () => req.destroy(new Error('timeout')));
  req.end(JSON.stringify({ sender: 'in-cluster' }));
});
const post = async (host) => {
  const until = Date.now() + ${IN_CLUSTER_POST_TIMEOUT_MS};
  for (;;) {
    const next = Date.now() + ${IN_CLUSTER_CONNECT_ATTEMPT_MS};
    const { again, ...reply } = await attempt(host, net.isIP(host) ? ${IN_CLUSTER_CONNECT_ATTEMPT_MS} : ${IN_CLUSTER_POST_TIMEOUT_MS});
    if (!again || Date.now() >= until) return reply;
    await new Promise((resume) => setTimeout(resume, next - Date.now()));
  }
};
(async () => {
  for (const host of process.argv.slice(1)) {
    const reply = await post(host);
    console.log(JSON.stringify({ ...reply, node: process.env.NODE_NAME || null }));
    if (reply.status !== 200) break;
  }
})();`;

/** One in-cluster exec (its POSTs end within 5 s each): about 1 s here; a third of the proxy's programming allowance. */
const IN_CLUSTER_EXEC_TIMEOUT_MS = PROXY_PROGRAMMING_TIMEOUT_MS / 3;

export interface InClusterReply {
  status?: number;
  body?: string;
  error?: string;
  /** The node of the pod that asked (its NODE_NAME): a broken proxy there is what a failure points at. */
  node?: string | null;
}

/** The NodePort lab's steps, one method each, against one namespace. */
export class HelloworldLab {
  private readonly service: ServiceUnderTest;

  constructor(readonly kubectl: Kubectl, readonly namespace: string, readonly image = DEFAULT_APP_IMAGE) {
    this.service = new ServiceUnderTest(kubectl, namespace, APP_NAME);
  }

  /**
   * The lab's first step, from a clean slate: a Service left by an earlier run (perhaps already
   * NodePort) is deleted first; the Deployment is applied in place, so its pods stay. The lab's
   * file is applied as it is, or with `replicas` set when another count is asked for (set in the
   * manifest rather than scaled after, so that a rerun leaves the pods where they are).
   */
  async deploy(replicas = DEFAULT_REPLICAS): Promise<void> {
    await this.kubectl.deleteIfAny('service', APP_NAME, { namespace: this.namespace });
    if (replicas === DEFAULT_REPLICAS && this.image === DEFAULT_APP_IMAGE) {
      await this.kubectl.run(['apply', '-f', MANIFESTS.deployment, '-f', MANIFESTS.service], { namespace: this.namespace });
      return;
    }
    const deployment = renderAppManifest(MANIFESTS.deployment, { image: this.image, replicas });
    await this.kubectl.run(['apply', '-f', '-', '-f', MANIFESTS.service], { namespace: this.namespace, input: JSON.stringify(deployment) });
  }

  /** Until every replica is available; an image the nodes cannot pull ends it at once (exit 2). */
  async waitForRollout(timeoutMs = 180_000): Promise<void> {
    await waitForRollout(this.kubectl, this.namespace, APP_NAME, APP_SELECTOR, timeoutMs);
  }

  /**
   * A feature's first step: the app deployed and rolled out, and behind it the feature's own
   * Service (`manifest` names it `name`), once its `replicas` endpoints are ready.
   */
  async deployBehind(name: string, manifest: string | object, replicas: number): Promise<{ service: ServiceUnderTest; endpoints: Endpoint[] }> {
    await this.deploy(replicas);
    await this.waitForRollout();
    const service = new ServiceUnderTest(this.kubectl, this.namespace, name);
    await service.apply(manifest);
    return { service, endpoints: await service.readyEndpoints(replicas) };
  }

  async serviceJson(): Promise<unknown> {
    return this.service.json();
  }

  async nodesJson(): Promise<unknown> {
    return this.kubectl.json(['get', 'nodes']);
  }

  async endpointSlicesJson(): Promise<unknown> {
    return this.service.endpointSlicesJson();
  }

  /**
   * POSTs to each target (the ClusterIP or the Service's DNS name) from inside a helloworld pod,
   * in one exec; the replies up to the first that is not a 200.
   */
  async postFromInside(targets: readonly string[]): Promise<InClusterReply[]> {
    // Each POST gives up after 5 s; the bound is for kubectl exec itself, which was seen to hang
    // (once in CI, 120 s) after such a call: a probe that hangs is retried, not waited out.
    const { stdout } = await this.kubectl.run(['exec', `deployment/${APP_NAME}`, '--', 'node', '-e', IN_CLUSTER_POST, ...targets], {
      namespace: this.namespace,
      timeoutMs: IN_CLUSTER_EXEC_TIMEOUT_MS,
    });
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as InClusterReply);
  }

  /**
   * POSTs from inside a pod until every target answers 200: a Service made a moment ago may not
   * be programmed yet, and until it is, its ClusterIP goes wherever the default route leads.
   * Fails after the proxy's allowance with the last reply in the message.
   */
  async postFromInsideOnceProgrammed(targets: readonly string[]): Promise<InClusterReply[]> {
    return waitFor(
      async () => {
        const replies = await this.postFromInside(targets);
        // The first target without a 200: the script stops there, or printed nothing for it.
        const notOk = replies.findIndex((r) => r.status !== 200);
        const first = notOk < 0 ? replies.length : notOk;
        if (first === targets.length) return replies;
        const reply = replies[first] ?? { error: 'no reply' };
        const from = reply.node ? ` from a pod on ${reply.node}` : '';
        return notYet(`${targets[first]}${from}: ${reply.error ?? `HTTP ${reply.status}: ${reply.body?.slice(0, 200)}`}`);
      },
      { what: `a 200 from ${targets.map((t) => `${t}:${APP_PORT}`).join(' and ')} inside the cluster`, timeoutMs: PROXY_PROGRAMMING_TIMEOUT_MS, intervalMs: 500 },
    );
  }

  async patchToNodePort(): Promise<void> {
    await this.kubectl.run(['patch', 'svc', APP_NAME, '-p', LAB_NODEPORT_PATCH], { namespace: this.namespace });
  }

  async applyNodePortManifest(): Promise<void> {
    await this.kubectl.run(['apply', '-f', MANIFESTS.nodePortService], { namespace: this.namespace });
  }

  async describeService(): Promise<string> {
    return this.kubectl.text(['describe', 'svc', APP_NAME], { namespace: this.namespace });
  }

  /** Waits until the Service's EndpointSlices list `replicas` ready endpoints. */
  async waitForReadyEndpoints(replicas: number): Promise<Endpoint[]> {
    return this.service.readyEndpoints(replicas);
  }

  async replicas(): Promise<number> {
    const deployment = await this.kubectl.json<{ spec?: { replicas?: number } }>(['get', 'deployment', APP_NAME], { namespace: this.namespace });
    return deployment.spec?.replicas ?? 1;
  }

  async deleteNamespace(): Promise<void> {
    await this.kubectl.run(['delete', 'namespace', this.namespace, '--wait=false', '--ignore-not-found']);
  }
}

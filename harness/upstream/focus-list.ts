/**
 * The fixed list of upstream e2e tests `npm run upstream` runs, by their full names in
 * k8s.io/kubernetes v1.34.4 (test/e2e/network/service.go, conntrack.go, traffic_distribution.go), and the ones it
 * leaves out because this host cannot run them. Every name is checked against the binary's
 * `--list-tests` before a run, so a renamed test stops the run instead of silently not running.
 */
export interface UpstreamTest {
  name: string;
  /** The behaviour it checks, in this project's words, and through which nodes or pods. */
  behaviour: string;
  /** This suite's features that check the same behaviour (through every node), for the README's side-by-side table. */
  features: readonly string[];
}

export interface NotRunTest {
  name: string;
  reason: string;
}

const SERVICES = '[sig-network] Services';

export const UPSTREAM_FOCUS: readonly UpstreamTest[] = [
  { name: `${SERVICES} should be able to create a functioning NodePort service [Conformance]`, behaviour: 'NodePort answers through the service name, the ClusterIP and the NodePort of (at most) 2 nodes' , features: ['NodePort'] },
  { name: `${SERVICES} should serve a basic endpoint from pods [Conformance]`, behaviour: 'ClusterIP service endpoints follow pods being added and removed' , features: ['ClusterIP', 'EndpointChurn'] },
  { name: `${SERVICES} should serve multiport endpoints from pods [Conformance]`, behaviour: 'a ClusterIP Service with two ports reaches each pod on the right container port, as pods come and go' , features: ['MultiPort'] },
  { name: `${SERVICES} should be possible to connect to a service via ExternalIP when the external IP is not assigned to a node`, behaviour: 'an external IP no node holds reaches the Service, from one pod' , features: ['ExternalIPs'] },
  { name: '[sig-network] Conntrack should be able to preserve UDP traffic when server pod cycles for a NodePort service', behaviour: "a UDP flow from one client pod through one node's NodePort reaches the new server pod after the old one is deleted", features: ['UDP'] },
  { name: '[sig-network] Conntrack should be able to preserve UDP traffic when server pod cycles for a ClusterIP service', behaviour: 'the same through the ClusterIP, from one client pod', features: ['UDP'] },
  { name: `${SERVICES} should be able to up and down services`, behaviour: 'ClusterIP services keep working while others are deleted and created' , features: ['ClusterIP'] },
  { name: `${SERVICES} should be rejected when no endpoints exist`, behaviour: 'a Service without endpoints refuses connections (REJECT, not a hang)' , features: ['NoEndpoints'] },
  { name: `${SERVICES} should be able to update service type to NodePort listening on same port number but different protocols`, behaviour: 'type change ClusterIP -> NodePort, then TCP and UDP on the same port' , features: ['TypeChange'] },
  { name: `${SERVICES} should be able to change the type from ExternalName to NodePort [Conformance]`, behaviour: 'type change ExternalName -> NodePort' , features: ['TypeChange'] },
  { name: `${SERVICES} should be able to change the type from NodePort to ExternalName [Conformance]`, behaviour: 'type change NodePort -> ExternalName' , features: ['TypeChange'] },
  { name: `${SERVICES} should have session affinity work for service with type clusterIP [LinuxOnly] [Conformance]`, behaviour: 'session affinity ClientIP through the ClusterIP (15 answers in a row from one pod)' , features: ['SessionAffinityClientIP'] },
  { name: `${SERVICES} should be able to switch session affinity for service with type clusterIP [LinuxOnly] [Conformance]`, behaviour: 'session affinity switched None <-> ClientIP through the ClusterIP' , features: ['SessionAffinityClientIP'] },
  { name: `${SERVICES} should have session affinity work for NodePort service [LinuxOnly] [Conformance]`, behaviour: "session affinity ClientIP through the first node's NodePort" , features: ['SessionAffinityClientIP'] },
  { name: `${SERVICES} should be able to switch session affinity for NodePort service [LinuxOnly] [Conformance]`, behaviour: "session affinity switched None <-> ClientIP through the first node's NodePort" , features: ['SessionAffinityClientIP'] },
  { name: `${SERVICES} should support externalTrafficPolicy=Local for type=NodePort`, behaviour: "externalTrafficPolicy Local: the endpoint's node answers and keeps the client's source IP" , features: ['ExternalTrafficPolicyLocal'] },
  { name: `${SERVICES} should fail health check node port if there are only terminating endpoints`, behaviour: 'health check node port: 200 with a ready endpoint, 503 with only a terminating one, which still serves' , features: ['ExternalTrafficPolicyLocal'] },
  { name: `${SERVICES} should implement NodePort and HealthCheckNodePort correctly when ExternalTrafficPolicy changes`, behaviour: 'health check node port and NodePort on 3 nodes while externalTrafficPolicy switches Local <-> Cluster' , features: ['ExternalTrafficPolicyLocal'] },
  { name: `${SERVICES} should allow pods to hairpin back to themselves through services`, behaviour: 'hairpin: a pod reaches itself through its ClusterIP service' , features: ['Hairpin'] },
  { name: `${SERVICES} should respect internalTrafficPolicy=Local Pod to Pod`, behaviour: "internalTrafficPolicy Local: a pod on the endpoint's node connects, a pod on another node does not" , features: ['InternalTrafficPolicyLocal'] },
  { name: `${SERVICES} should respect internalTrafficPolicy=Local Pod (hostNetwork: true) to Pod`, behaviour: 'internalTrafficPolicy Local, from host-network pods' , features: ['InternalTrafficPolicyLocal'] },
  { name: '[sig-network] Traffic Distribution should route traffic to an endpoint in the same zone when using PreferClose', behaviour: 'trafficDistribution PreferClose keeps traffic in the client\'s zone' , features: ['TrafficDistributionPreferClose'] },
];

const LOAD_BALANCER = 'needs a LoadBalancer implementation: kind here has no cloud provider or load-balancer controller, so a type=LoadBalancer Service never gets an ingress address';

export const UPSTREAM_NOT_RUN: readonly NotRunTest[] = [
  { name: '[sig-network] LoadBalancers [Feature:LoadBalancer] should be able to change the type and ports of a TCP service [Slow]', reason: `${LOAD_BALANCER} (this is upstream's ClusterIP -> NodePort -> LoadBalancer type-change test)` },
  { name: '[sig-network] LoadBalancers [Feature:LoadBalancer] should have session affinity work for LoadBalancer service with Cluster traffic policy [Slow] [LinuxOnly]', reason: LOAD_BALANCER },
  { name: '[sig-network] LoadBalancers ExternalTrafficPolicy: Local [Feature:LoadBalancer] [Slow] should work for type=LoadBalancer', reason: `${LOAD_BALANCER} (externalTrafficPolicy Local and the health check node port through the load balancer)` },
  { name: '[sig-network] LoadBalancers ExternalTrafficPolicy: Local [Feature:LoadBalancer] [Slow] should only target nodes with endpoints', reason: LOAD_BALANCER },
  { name: `${SERVICES} should allow creating a basic SCTP service with pod and endpoints [LinuxOnly] [Serial]`, reason: 'needs SCTP: the host kernel lacks CONFIG_IP_SCTP' },
];

/** Not a test of its own: the whole list in a proxy mode this host cannot run. */
export const UPSTREAM_MODE_NOT_RUN: NotRunTest = {
  name: 'the focus list with kube-proxy in ipvs mode',
  reason: 'needs IP_VS, which the host kernel lacks: kube-proxy cannot run in ipvs mode here',
};

/**
 * Ginkgo matches --ginkgo.focus against the suite's description, a space and the spec's full
 * text (ginkgo/v2 internal/focus.go), so anchors need the description in front.
 */
export const E2E_SUITE_DESCRIPTION = 'Kubernetes e2e suite';

/** One regular expression that selects exactly the focus list. */
export function focusRegex(tests: readonly UpstreamTest[]): string {
  return `^${escapeRegex(E2E_SUITE_DESCRIPTION)} (?:${tests.map((t) => escapeRegex(t.name)).join('|')})$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

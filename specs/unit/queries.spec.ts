import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { JqError } from 'jq-wasm';
import { JqQueryError } from '../../harness/queries/jq-query-error.js';
import { JqRunner } from '../../harness/queries/jq-runner.js';
import { LAB_FIRST_NODE_EXTERNAL_IP, LAB_NODE_PORT, NODE_ADDRESSES } from '../../harness/queries/jq-programs.js';
import { readProxyMode } from '../../harness/queries/proxy-mode.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

let jq: JqRunner;
test.beforeAll(async () => {
  jq = await JqRunner.load();
});

test.describe('lab programs, verbatim', () => {
  test('are the exact strings of the lab', () => {
    expect(LAB_FIRST_NODE_EXTERNAL_IP).toBe('.items[0].status.addresses | .[] | select( .type=="ExternalIP" ) | .address ');
    expect(LAB_NODE_PORT).toBe('.spec.ports[0].nodePort');
  });

  test('the first node ExternalIP is found where there is one, and nothing on kind', () => {
    expect(jq.labFirstNodeExternalIps(fixture('nodes-external-ip.json'))).toEqual(['203.0.113.10']);
    expect(jq.labFirstNodeExternalIps(fixture('nodes-kind.json'))).toEqual([]);
  });

  test('the NodePort of the first port', () => {
    expect(jq.labNodePort(fixture('service-nodeport.json'))).toBe(30080);
    expect(jq.labNodePort(fixture('service-clusterip.json'))).toBeNull();
  });
});

test.describe('node addresses', () => {
  test('kind nodes fall back to InternalIP, in API order', () => {
    expect(jq.nodeAddresses(fixture('nodes-kind.json'))).toEqual({
      addressed: [
        { name: 'kpc-control-plane', address: '172.18.0.3', addressType: 'InternalIP' },
        { name: 'kpc-worker', address: '172.18.0.2', addressType: 'InternalIP' },
        { name: 'kpc-worker2', address: '172.18.0.4', addressType: 'InternalIP' },
      ],
      unaddressed: [],
    });
  });

  test('ExternalIP wins over InternalIP, per node', () => {
    expect(jq.nodeAddresses(fixture('nodes-external-ip.json')).addressed).toEqual([
      { name: 'ip-10-0-1-10', address: '203.0.113.10', addressType: 'ExternalIP' },
      { name: 'ip-10-0-1-11', address: '203.0.113.11', addressType: 'ExternalIP' },
      { name: 'ip-10-0-1-12', address: '10.0.1.12', addressType: 'InternalIP' },
    ]);
  });

  test('IPv6-only nodes use their IPv6 InternalIP', () => {
    expect(jq.nodeAddresses(fixture('nodes-ipv6-only.json')).addressed.map((n) => n.address)).toEqual([
      'fc00:f853:ccd:e793::3',
      'fc00:f853:ccd:e793::2',
    ]);
  });

  test('dual-stack: ExternalIP before InternalIP, IPv4 before IPv6 within a type', () => {
    expect(jq.nodeAddresses(fixture('nodes-dual-stack.json')).addressed).toEqual([
      { name: 'ds-control-plane', address: '172.18.0.3', addressType: 'InternalIP' },
      { name: 'ds-worker', address: '172.18.0.2', addressType: 'InternalIP' },
      { name: 'ds-edge', address: '198.51.100.5', addressType: 'ExternalIP' },
      { name: 'ds-v6-external', address: '2001:db8::6', addressType: 'ExternalIP' },
    ]);
  });

  test('nodes without a usable address are reported with the reason', () => {
    const { addressed, unaddressed } = jq.nodeAddresses(fixture('nodes-no-address.json'));
    expect(addressed.map((n) => n.name)).toEqual(['kpc-control-plane']);
    expect(unaddressed).toEqual([
      { name: 'kpc-worker-lost', reason: 'no usable ExternalIP or InternalIP (it has only Hostname)' },
      { name: 'kpc-worker-new', reason: 'no usable ExternalIP or InternalIP (it has no addresses)' },
    ]);
  });

  test('a value that is not an IP address is not usable', () => {
    const nodes = { items: [{ metadata: { name: 'odd' }, status: { addresses: [{ type: 'ExternalIP', address: 'node.example.com' }, { type: 'InternalIP', address: '10.1.2.3' }] } }] };
    expect(jq.nodeAddresses(nodes).addressed).toEqual([{ name: 'odd', address: '10.1.2.3', addressType: 'InternalIP' }]);
  });
});

test.describe('endpoints', () => {
  test('ready endpoints from EndpointSlices; the not-ready one is kept apart', () => {
    const found = jq.endpoints(fixture('endpointslices-one-not-ready.json'));
    expect(found.ready).toEqual([
      { pod: 'helloworld-6d5f8b7c9-abcde', ip: '10.244.1.2', node: 'kpc-worker' },
      { pod: 'helloworld-6d5f8b7c9-fghij', ip: '10.244.2.2', node: 'kpc-worker2' },
      { pod: 'helloworld-6d5f8b7c9-klmno', ip: '10.244.2.3', node: 'kpc-worker2' },
    ]);
    expect(found.notReady).toEqual([{ pod: 'helloworld-6d5f8b7c9-pqrst', ip: '10.244.1.3', node: 'kpc-worker' }]);
    expect(found.incomplete).toEqual([]);
  });

  test('dual-stack slices give one endpoint per pod (IPv4), FQDN slices are ignored, entries without a pod are reported', () => {
    const found = jq.endpoints(fixture('endpointslices-dual-stack.json'));
    expect(found.ready).toEqual([
      { pod: 'helloworld-a', ip: '10.244.1.2', node: 'ds-worker' },
      { pod: 'helloworld-b', ip: '10.244.2.2', node: 'ds-control-plane' },
    ]);
    expect(found.incomplete).toEqual([{ pod: null, ip: '10.0.9.9', node: null, ready: true }]);
  });

  test('an empty list gives no endpoints', () => {
    expect(jq.endpoints({ apiVersion: 'v1', kind: 'List', items: [] })).toEqual({ ready: [], notReady: [], incomplete: [] });
  });
});

test.describe('service', () => {
  test('type, NodePort, ports and policy', () => {
    expect(jq.service(fixture('service-nodeport.json'))).toEqual({
      namespace: 'kpc',
      name: 'helloworld',
      type: 'NodePort',
      externalTrafficPolicy: 'Cluster',
      nodePort: 30080,
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
    });
  });

  test('a ClusterIP service has no NodePort', () => {
    const summary = jq.service(fixture('service-clusterip.json'));
    expect(summary.type).toBe('ClusterIP');
    expect(summary.nodePort).toBeNull();
    expect(summary.ports[0]?.targetPort).toBe('http');
  });
});

test.describe('kube-proxy mode', () => {
  test('read from the ConfigMap YAML', () => {
    expect(jq.proxyMode(fixture('kube-proxy-configmap-nftables.json'))).toEqual({ mode: 'nftables', configured: 'nftables', note: null });
  });

  test('an empty mode is the Linux default, iptables', () => {
    expect(jq.proxyMode(fixture('kube-proxy-configmap-empty-mode.json'))).toMatchObject({ mode: 'iptables', configured: '' });
  });

  test('an absent ConfigMap is "none"; unknown modes and bad YAML are "unknown", with a note', () => {
    expect(jq.proxyMode(null)).toMatchObject({ mode: 'none', configured: null });
    expect(readProxyMode('mode: kernelspace\n')).toMatchObject({ mode: 'unknown', configured: 'kernelspace' });
    expect(readProxyMode('mode: IPVS\n')).toMatchObject({ mode: 'ipvs' });
    expect(readProxyMode('mode: [unclosed\n').note).toContain('not valid YAML');
  });
});

test.describe('jq-wasm', () => {
  test('a failing program throws JqQueryError naming the program, with stderr and the JqError as cause', () => {
    let caught: unknown;
    try {
      jq.nodeAddresses({ items: 3 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JqQueryError);
    const error = caught as JqQueryError;
    expect(error.programName).toBe('NODE_ADDRESSES');
    expect(error.query).toBe(NODE_ADDRESSES);
    expect(error.stderr).toContain('Cannot iterate');
    expect(error.cause).toBeInstanceOf(JqError);
  });

  test('loads once per process', async () => {
    expect(await JqRunner.load()).toBe(jq);
    expect(jq.version).toMatch(/^jq-1\.8/);
  });

  test('survives 1000 calls on the shared instance (1.0.1 crashed after ~300)', () => {
    const nodes = JSON.parse(fixture('nodes-kind.json')) as object;
    let total = 0;
    for (let i = 0; i < 1000; i++) total += jq.first<number>(nodes, '.items | length') ?? 0;
    expect(total).toBe(3000);
    expect(jq.nodeAddresses(nodes).addressed).toHaveLength(3);
  });
});

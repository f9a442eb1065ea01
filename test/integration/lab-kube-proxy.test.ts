// The lab's nodes forwarding NodePorts, against a real kube-apiserver: each node listens on its own
// address at every NodePort and sends a connection to a ready pod of the Service: any pod for
// `externalTrafficPolicy: Cluster`, only the node's own for `Local`, where a node without one resets it.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestCluster, type TestCluster } from '../../src/lab/cluster/index.js';
import { type KubeProxy, startKubeProxy } from '../../src/lab/kube-proxy/index.js';
import { type Kubelet, startKubelet } from '../../src/lab/kubelet/index.js';
import type { LabNode } from '../../src/lab/kubelet/nodes.js';
import { failureOf, get } from '../support/lab-http.js';

const NS = 'istio-system';
const NODES: LabNode[] = [1, 2, 3].map((i) => ({ name: `node-${i}`, ip: `127.0.18.${200 + i}` }));
const WAIT = { timeout: 10_000, interval: 50 };

let cluster: TestCluster | undefined;
let core: CoreV1Api;
let kubelet: Kubelet | undefined;
let kubeProxy: KubeProxy | undefined;
const servers: Server[] = [];

beforeAll(async () => {
  cluster = await startTestCluster();
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.adminKubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  kubelet = await startKubelet({
    kubeconfig: cluster.adminKubeconfig,
    ipPool: { prefix: '127.0.18.', last: 200 },
    nodes: { list: NODES, region: 'cn-hangzhou' },
  });
  kubeProxy = await startKubeProxy({ kubeconfig: cluster.adminKubeconfig, nodes: NODES });
});

afterAll(async () => {
  await kubeProxy?.stop();
  await kubelet?.stop();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await cluster?.stop();
});

/** A Service with a NodePort, and its pods on the given nodes, each answering with its name on :8080. */
async function gateway(name: string, policy: 'Local' | 'Cluster', nodes: string[]): Promise<number> {
  await core.createNamespacedService({
    namespace: NS,
    body: {
      metadata: { name },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: policy,
        selector: { istio: name },
        ports: [{ port: 80, targetPort: 8080 }],
      },
    },
  });
  for (const [i, nodeName] of nodes.entries()) {
    const pod = `${name}-${i}`;
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: pod, labels: { istio: name } },
        spec: { nodeName, containers: [{ name: 'p', image: 'p' }] },
      },
    });
    const ip = await vi.waitFor(() => {
      const assigned = kubelet?.ipOf(NS, pod);
      expect(assigned).toBeDefined();
      return assigned as string;
    }, WAIT);
    const server = createServer((_, response) => response.end(`${pod}@${nodeName}`));
    servers.push(server);
    server.listen(8080, ip);
    await once(server, 'listening');
  }
  const service = await core.readNamespacedService({ namespace: NS, name });
  return service.spec?.ports?.[0]?.nodePort ?? 0;
}

/** The pods that answered `count` new connections to a node's NodePort. */
async function answers(node: LabNode, nodePort: number, count: number): Promise<Set<string>> {
  const bodies = new Set<string>();
  for (let i = 0; i < count; i++) bodies.add((await get(`http://${node.ip}:${nodePort}/`, 'any')).body);
  return bodies;
}

const [first, second, third] = NODES as [LabNode, LabNode, LabNode];

describe('lab kube-proxy', () => {
  it('Cluster: every node forwards to every ready pod, its own or not', async () => {
    const nodePort = await gateway('gw-cluster', 'Cluster', ['node-1', 'node-2']);
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const all = new Set(['gw-cluster-0@node-1', 'gw-cluster-1@node-2']);
    await vi.waitFor(async () => expect(await answers(third, nodePort, 4)).toEqual(all), WAIT);
    expect(await answers(first, nodePort, 4)).toEqual(all);
  });

  it('Local: a node forwards only to its own pods, and a node without one resets the connection', async () => {
    const nodePort = await gateway('gw-local', 'Local', ['node-1', 'node-1', 'node-2']);
    await vi.waitFor(
      async () =>
        expect(await answers(first, nodePort, 4)).toEqual(new Set(['gw-local-0@node-1', 'gw-local-1@node-1'])),
      WAIT,
    );
    expect(await answers(second, nodePort, 3)).toEqual(new Set(['gw-local-2@node-2']));
    expect(await failureOf(`http://${third.ip}:${nodePort}/`, 'any')).toBe('ECONNRESET');
    expect(kubeProxy?.forwarded.get(`${third.ip}:${nodePort}`)).toBeUndefined();
  });
});

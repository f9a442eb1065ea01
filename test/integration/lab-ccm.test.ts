// The lab's CCM against a real kube-apiserver: Services with the CLB annotations and pods started by
// the lab's kubelet become backends of the emulated CLB with the CCM's arithmetic, after the reconcile
// delay: pods (ENI), every node (Cluster) or the nodes running pods (Local), at the NodePort; wrong annotations are refused with the CCM's Events; a stall holds changes back.
// Each test has its own CLB and Services, so that none sees another's backends.
import {
  CoreV1Api,
  type CoreV1Event,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1ServicePort,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Ccm, startCcm } from '../../src/lab/ccm/index.js';
import { startTestCluster, type TestCluster } from '../../src/lab/cluster/index.js';
import { type Kubelet, startKubelet } from '../../src/lab/kubelet/index.js';
import type { LabNode } from '../../src/lab/kubelet/nodes.js';
import { type Backend, SlbState } from '../../src/lab/slb/state.js';
import { BACKEND_TYPE_ANNOTATION, CLB_ANNOTATIONS } from '../../src/plan/index.js';

const NS = 'istio-system';
const CLUSTER_ID = 'c-lab-ccm';
const DELAY_MS = 400;
const PORTS: V1ServicePort[] = [
  { name: 'http2', port: 80, targetPort: 8080 },
  { name: 'https', port: 443, targetPort: 8443 },
];
const WAIT = { timeout: 10_000, interval: 50 };
/** Three nodes with addresses of their own; the ENI tests' pods run on lab-node, which has no Node object. */
const NODES: LabNode[] = [1, 2, 3].map((i) => ({ name: `node-${i}`, ip: `127.0.19.${i}` }));

let cluster: TestCluster | undefined;
let core: CoreV1Api;
let kubelet: Kubelet | undefined;
let ccm: Ccm | undefined;
const slb = new SlbState();

beforeAll(async () => {
  cluster = await startTestCluster();
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.adminKubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  kubelet = await startKubelet({
    kubeconfig: cluster.adminKubeconfig,
    ipPool: { prefix: '127.0.9.' },
    terminationMs: 200,
    nodes: { list: NODES, region: 'cn-hangzhou' },
  });
  ccm = await startCcm({ kubeconfig: cluster.adminKubeconfig, slb, clusterId: CLUSTER_ID, reconcileDelayMs: DELAY_MS });
});

afterAll(async () => {
  await ccm?.stop();
  await kubelet?.stop();
  await cluster?.stop();
});

/** A CLB with listeners 80 and 443, one vServer group each: `rsp-<name>-80`, `rsp-<name>-443`. */
function addClb(name: string, tags: Record<string, string> = {}) {
  const lb = slb.addLoadBalancer({ id: `lb-${name}`, tags });
  const groups = [80, 443].map((port) =>
    slb.addVServerGroup(lb.id, { id: `rsp-${name}-${port}`, listenerPorts: [port] }),
  );
  return { id: lb.id, groups, vgroupPort: groups.map((group, i) => `${group.id}:${[80, 443][i]}`).join(',') };
}

function annotations(clb: { id: string; vgroupPort: string }, weight: string): Record<string, string> {
  return {
    [CLB_ANNOTATIONS.id]: clb.id,
    [CLB_ANNOTATIONS.forceOverrideListeners]: 'false',
    [CLB_ANNOTATIONS.vgroupPort]: clb.vgroupPort,
    [CLB_ANNOTATIONS.weight]: weight,
  };
}

async function createPods(gateway: string, count: number, from = 0, nodeName = 'lab-node'): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `${gateway}-${from + i}`);
  for (const name of names)
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name, labels: { istio: gateway } },
        spec: { nodeName, containers: [{ name: 'istio-proxy', image: 'proxyv2' }] },
      },
    });
  return names;
}

/** A LoadBalancer Service selecting `istio: <name>`, and its pods; with a traffic policy, node backends. */
async function createGateway(
  name: string,
  serviceAnnotations: Record<string, string>,
  pods: number,
  externalTrafficPolicy?: 'Local' | 'Cluster',
) {
  const annotations = externalTrafficPolicy
    ? { ...serviceAnnotations, [BACKEND_TYPE_ANNOTATION]: 'ecs' }
    : serviceAnnotations;
  await core.createNamespacedService({
    namespace: NS,
    body: {
      metadata: { name, annotations },
      spec: { type: 'LoadBalancer', selector: { istio: name }, ports: PORTS, externalTrafficPolicy },
    },
  });
  return createPods(name, pods);
}

/** The NodePort the API server gave a Service's port. */
async function nodePortOf(name: string, port: number): Promise<number | undefined> {
  const service = await core.readNamespacedService({ namespace: NS, name });
  return service.spec?.ports?.find((p) => p.port === port)?.nodePort;
}

/** `[serverId, port, weight]` of the Service's backends in a group, by serverId. */
function nodeBackendsOf(groupId: string, service: string): [string, number, number][] {
  return (slb.vServerGroups.get(groupId)?.backends ?? [])
    .filter((backend) => backend.description?.endsWith(`/${service}/${NS}/${CLUSTER_ID}`))
    .map((backend): [string, number, number] => [backend.serverId, backend.port, backend.weight])
    .sort(([a], [b]) => a.localeCompare(b));
}

async function annotate(name: string, values: Record<string, string>): Promise<void> {
  await core.patchNamespacedService(
    { namespace: NS, name, body: { metadata: { annotations: values } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

const setWeight = (name: string, weight: string) => annotate(name, { [CLB_ANNOTATIONS.weight]: weight });

/** The weights of the backends this cluster's CCM registered for a Service in a group, in the group's order. */
function weightsOf(groupId: string, service: string): number[] {
  return (slb.vServerGroups.get(groupId)?.backends ?? [])
    .filter((backend) => backend.description?.endsWith(`/${service}/${NS}/${CLUSTER_ID}`))
    .map((backend) => backend.weight);
}

async function eventsOf(service: string): Promise<CoreV1Event[]> {
  const list = await core.listNamespacedEvent({
    namespace: NS,
    fieldSelector: `involvedObject.kind=Service,involvedObject.name=${service}`,
  });
  return list.items;
}

const snapshot = (groupId: string): Backend[] => structuredClone(slb.vServerGroups.get(groupId)?.backends ?? []);

describe('lab CCM', () => {
  it('registers every ready pod in every group with max(1, floor(W / pods)), after the reconcile delay', async () => {
    const clb = addClb('weights');
    // A pass already due (from the CCM's start) would take this change in early, as the CCM coalesces.
    await ccm?.reconcileNow();
    const written = Date.now();
    const pods = await createGateway('gw-weights', annotations(clb, '10'), 3);
    expect(weightsOf('rsp-weights-80', 'gw-weights')).toEqual([]);
    await vi.waitFor(() => expect(weightsOf('rsp-weights-443', 'gw-weights')).toEqual([3, 3, 3]), WAIT);
    expect(Date.now() - written).toBeGreaterThanOrEqual(DELAY_MS);

    for (const [group, servicePort, targetPort] of [
      ['rsp-weights-80', 80, 8080],
      ['rsp-weights-443', 443, 8443],
    ] as const) {
      const backends = [...(slb.vServerGroups.get(group)?.backends ?? [])].sort((a, b) =>
        a.serverId.localeCompare(b.serverId),
      );
      expect(backends).toEqual(
        pods.map((pod) => ({
          serverId: `eni-${pod}`,
          serverIp: kubelet?.ipOf(NS, pod),
          port: targetPort,
          weight: 3,
          type: 'eni',
          description: `k8s/${servicePort}/gw-weights/${NS}/${CLUSTER_ID}`,
        })),
      );
      for (const backend of backends) expect(slb.healthOf(backend)).toBe('normal');
    }
    expect(slb.loadBalancers.get(clb.id)?.tags.get('kubernetes.reused.by.user')).toBe('true');
    // The CCM posts its Event after the write that the weights above show: it may land a moment later.
    const ensured = await vi.waitFor(async () => {
      const events = (await eventsOf('gw-weights')).filter((event) => event.reason === 'EnsuredLoadBalancer');
      expect(events.length).toBeGreaterThanOrEqual(1);
      return events;
    }, WAIT);
    expect(ensured[0]).toMatchObject({ type: 'Normal', source: { component: 'cloud-controller-manager' } });
    // A pass that changes nothing posts nothing.
    await ccm?.reconcileNow();
    expect(await eventsOf('gw-weights')).toHaveLength(ensured.length);
  });

  it('re-weights on a weight change, applies a burst of changes in one pass, and gives every pod 0 for weight 0', async () => {
    const clb = addClb('reweight');
    await createGateway('gw-reweight', annotations(clb, '10'), 3);
    await vi.waitFor(() => expect(weightsOf('rsp-reweight-80', 'gw-reweight')).toEqual([3, 3, 3]), WAIT);

    // Three writes well within one delay: only the last one is ever applied.
    const seen = new Set<number>();
    const sample = () => {
      for (const weight of weightsOf('rsp-reweight-80', 'gw-reweight')) seen.add(weight);
    };
    const sampler = setInterval(sample, 5);
    for (const weight of ['30', '60', '90']) await setWeight('gw-reweight', weight);
    await vi.waitFor(() => expect(weightsOf('rsp-reweight-80', 'gw-reweight')).toEqual([30, 30, 30]), WAIT);
    // waitFor may see the new weights before the sampler's next tick does.
    sample();
    clearInterval(sampler);
    expect([...seen].sort()).toEqual([3, 30]);
    expect(weightsOf('rsp-reweight-443', 'gw-reweight')).toEqual([30, 30, 30]);

    await setWeight('gw-reweight', '0');
    await vi.waitFor(() => expect(weightsOf('rsp-reweight-80', 'gw-reweight')).toEqual([0, 0, 0]), WAIT);
    expect(weightsOf('rsp-reweight-443', 'gw-reweight')).toEqual([0, 0, 0]);
  });

  it('follows pods as they come and go, dividing the weight again', async () => {
    const clb = addClb('pods');
    const pods = await createGateway('gw-pods', annotations(clb, '90'), 3);
    await vi.waitFor(() => expect(weightsOf('rsp-pods-80', 'gw-pods')).toEqual([30, 30, 30]), WAIT);

    await createPods('gw-pods', 1, 3);
    await vi.waitFor(() => expect(weightsOf('rsp-pods-80', 'gw-pods')).toEqual([22, 22, 22, 22]), WAIT);

    for (const name of pods.slice(0, 2)) await core.deleteNamespacedPod({ namespace: NS, name });
    await vi.waitFor(() => expect(weightsOf('rsp-pods-443', 'gw-pods')).toEqual([45, 45]), WAIT);
    const left = (slb.vServerGroups.get('rsp-pods-443')?.backends ?? []).map((backend) => backend.serverId).sort();
    expect(left).toEqual(['eni-gw-pods-2', 'eni-gw-pods-3']);
  });

  it("never touches a user's backends or another cluster's, and removes its own when the Service goes", async () => {
    const clb = addClb('owners');
    const user: Backend = {
      serverId: 'i-userbox',
      port: 80,
      weight: 7,
      type: 'ecs',
      description: 'the old gateway VM',
    };
    const otherCluster: Backend = {
      serverId: 'eni-other',
      serverIp: '10.0.0.9',
      port: 8080,
      weight: 50,
      type: 'eni',
      description: `k8s/80/gw-owners/${NS}/c-other-cluster`,
    };
    slb.setBackends('rsp-owners-80', [user, otherCluster]);
    await createGateway('gw-owners', annotations(clb, '20'), 2);
    await vi.waitFor(() => expect(weightsOf('rsp-owners-80', 'gw-owners')).toEqual([10, 10]), WAIT);
    expect(slb.vServerGroups.get('rsp-owners-80')?.backends.slice(0, 2)).toEqual([user, otherCluster]);

    await core.deleteNamespacedService({ namespace: NS, name: 'gw-owners' });
    await vi.waitFor(
      () => expect(slb.vServerGroups.get('rsp-owners-80')?.backends).toEqual([user, otherCluster]),
      WAIT,
    );
    expect(slb.vServerGroups.get('rsp-owners-443')?.backends).toEqual([]);
  });

  it('refuses a vgroup-port naming a group the CLB does not have: a Warning Event, backends unchanged', async () => {
    const clb = addClb('wrong');
    await createGateway('gw-wrong', annotations(clb, '50'), 2);
    await vi.waitFor(() => expect(weightsOf('rsp-wrong-80', 'gw-wrong')).toEqual([25, 25]), WAIT);
    const before = [snapshot('rsp-wrong-80'), snapshot('rsp-wrong-443')];

    await annotate('gw-wrong', {
      [CLB_ANNOTATIONS.vgroupPort]: 'rsp-wrong-80:80,rsp-missing:443',
      [CLB_ANNOTATIONS.weight]: '100',
    });
    const failed = await vi.waitFor(async () => {
      const event = (await eventsOf('gw-wrong')).find((e) => e.reason === 'SyncLoadBalancerFailed');
      expect(event).toBeDefined();
      return event as CoreV1Event;
    }, WAIT);
    expect(failed).toMatchObject({
      type: 'Warning',
      message: 'Error syncing load balancer [lb-wrong]: can not find vgroupId rsp-missing in lb lb-wrong',
      source: { component: 'cloud-controller-manager' },
    });
    await ccm?.reconcileNow();
    expect([snapshot('rsp-wrong-80'), snapshot('rsp-wrong-443')]).toEqual(before);

    // The same failure again bumps the one Event's count.
    await ccm?.reconcileNow();
    const again = (await eventsOf('gw-wrong')).filter((e) => e.reason === 'SyncLoadBalancerFailed');
    expect(again).toHaveLength(1);
    expect(again[0]?.count).toBeGreaterThanOrEqual(3);

    await annotate('gw-wrong', { [CLB_ANNOTATIONS.vgroupPort]: clb.vgroupPort });
    await vi.waitFor(() => expect(weightsOf('rsp-wrong-443', 'gw-wrong')).toEqual([50, 50]), WAIT);
  });

  it('refuses a CLB tagged as created by Kubernetes until the tag is gone', async () => {
    const clb = addClb('tagged', { 'kubernetes.do.not.delete': 'svc-old' });
    await createGateway('gw-tagged', annotations(clb, '100'), 2);
    const failed = await vi.waitFor(async () => {
      const event = (await eventsOf('gw-tagged')).find((e) => e.reason === 'SyncLoadBalancerFailed');
      expect(event).toBeDefined();
      return event as CoreV1Event;
    }, WAIT);
    expect(failed.message).toBe(
      'Error syncing load balancer [lb-tagged]: the loadbalancer lb-tagged can not be reused, can not reuse loadbalancer created by kubernetes.',
    );
    expect(slb.vServerGroups.get('rsp-tagged-80')?.backends).toEqual([]);

    // A change on the CLB announces itself to no watch: the next resync (here: now) picks it up.
    slb.removeTags(clb.id, ['kubernetes.do.not.delete']);
    await ccm?.reconcileNow();
    expect(weightsOf('rsp-tagged-80', 'gw-tagged')).toEqual([50, 50]);
    const ensured = (await eventsOf('gw-tagged')).filter((e) => e.reason === 'EnsuredLoadBalancer');
    expect(ensured).toHaveLength(1);
  });

  it('applies nothing while stalled, and everything that piled up once un-stalled', async () => {
    const clb = addClb('stall');
    await createGateway('gw-stall', annotations(clb, '20'), 3);
    await vi.waitFor(() => expect(weightsOf('rsp-stall-80', 'gw-stall')).toEqual([6, 6, 6]), WAIT);
    if (!ccm) throw new Error('no CCM');

    ccm.faults.stalled = true;
    await setWeight('gw-stall', '80');
    await createPods('gw-stall', 1, 3);
    await vi.waitFor(() => expect(kubelet?.ipOf(NS, 'gw-stall-3')).toBeDefined(), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 3 * DELAY_MS));
    await ccm.reconcileNow();
    expect(weightsOf('rsp-stall-80', 'gw-stall')).toEqual([6, 6, 6]);

    ccm.faults.stalled = false;
    await vi.waitFor(() => expect(weightsOf('rsp-stall-80', 'gw-stall')).toEqual([20, 20, 20, 20]), WAIT);
  });

  it('keeps the Istio and the ASM gateway side by side in the same groups', async () => {
    const clb = addClb('shared');
    await createGateway('istio-ingressgateway', annotations(clb, '90'), 2);
    await createGateway('istio-ingressgateway-asm', annotations(clb, '10'), 3);
    for (const group of ['rsp-shared-80', 'rsp-shared-443'])
      await vi.waitFor(() => {
        expect(weightsOf(group, 'istio-ingressgateway')).toEqual([45, 45]);
        expect(weightsOf(group, 'istio-ingressgateway-asm')).toEqual([3, 3, 3]);
      }, WAIT);

    const istio = () => snapshot('rsp-shared-80').filter((b) => b.description?.includes('/istio-ingressgateway/'));
    const istioBefore = istio();
    await setWeight('istio-ingressgateway-asm', '90');
    await vi.waitFor(() => expect(weightsOf('rsp-shared-80', 'istio-ingressgateway-asm')).toEqual([30, 30, 30]), WAIT);
    expect(istio()).toEqual(istioBefore);
  });

  it('ENI: a weight smaller than the pod count gives every pod 1, so the side weighs more than it says', async () => {
    const clb = addClb('enismall');
    await createGateway('gw-enismall', annotations(clb, '2'), 3);
    await vi.waitFor(() => expect(weightsOf('rsp-enismall-80', 'gw-enismall')).toEqual([1, 1, 1]), WAIT);
  });

  it('Cluster: every node at the NodePort, max(1, floor(W / nodes)), whether it runs a pod or not', async () => {
    const clb = addClb('cluster');
    await createGateway('gw-cluster', annotations(clb, '50'), 0, 'Cluster');
    await createPods('gw-cluster', 1, 0, 'node-1');
    const [http, https] = [await nodePortOf('gw-cluster', 80), await nodePortOf('gw-cluster', 443)];
    expect(http).toBeGreaterThanOrEqual(30000);
    const every = (port: number | undefined, weight: number) =>
      NODES.map((node): [string, number | undefined, number] => [`i-${node.name}`, port, weight]);
    await vi.waitFor(() => expect(nodeBackendsOf('rsp-cluster-80', 'gw-cluster')).toEqual(every(http, 16)), WAIT);
    expect(nodeBackendsOf('rsp-cluster-443', 'gw-cluster')).toEqual(every(https, 16));
    const backend = slb.vServerGroups.get('rsp-cluster-80')?.backends[0];
    expect(backend).toMatchObject({ type: 'ecs', serverIp: '127.0.19.1' });

    // W = 2 over 3 nodes: 1 each (3 in all); W = 0: every node stays, at 0.
    await setWeight('gw-cluster', '2');
    await vi.waitFor(() => expect(nodeBackendsOf('rsp-cluster-80', 'gw-cluster')).toEqual(every(http, 1)), WAIT);
    await setWeight('gw-cluster', '0');
    await vi.waitFor(() => expect(nodeBackendsOf('rsp-cluster-80', 'gw-cluster')).toEqual(every(http, 0)), WAIT);
  });

  it('Local: the nodes running ready pods, max(1, floor(W × podsOnNode / pods)), following the pods', async () => {
    const clb = addClb('local');
    await createGateway('gw-local', annotations(clb, '90'), 0, 'Local');
    await createPods('gw-local', 3, 0, 'node-1');
    await createPods('gw-local', 1, 3, 'node-2');
    const port = await nodePortOf('gw-local', 80);
    // 4 pods: node-1 with 3 gets floor(90 × 3 / 4) = 67, node-2 with 1 gets 22; node-3 is no backend.
    await vi.waitFor(
      () =>
        expect(nodeBackendsOf('rsp-local-80', 'gw-local')).toEqual([
          ['i-node-1', port, 67],
          ['i-node-2', port, 22],
        ]),
      WAIT,
    );
    // W = 3 over 4 pods: node-1 gets floor(9 / 4) = 2, node-2 max(1, 0) = 1.
    await setWeight('gw-local', '3');
    await vi.waitFor(
      () =>
        expect(nodeBackendsOf('rsp-local-80', 'gw-local')).toEqual([
          ['i-node-1', port, 2],
          ['i-node-2', port, 1],
        ]),
      WAIT,
    );
    // The pod on node-2 goes: node-2 leaves the groups, node-1 has every pod.
    await setWeight('gw-local', '90');
    await core.deleteNamespacedPod({ namespace: NS, name: 'gw-local-3' });
    const https = await nodePortOf('gw-local', 443);
    await vi.waitFor(
      () => expect(nodeBackendsOf('rsp-local-443', 'gw-local')).toEqual([['i-node-1', https, 90]]),
      WAIT,
    );
    await setWeight('gw-local', '0');
    await vi.waitFor(() => expect(nodeBackendsOf('rsp-local-80', 'gw-local')).toEqual([['i-node-1', port, 0]]), WAIT);
  });
});

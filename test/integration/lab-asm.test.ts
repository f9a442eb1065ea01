// The lab's ASM control plane and kubelet against a real kube-apiserver: an IstioGateway becomes its
// Service (`istio-<name>`, with the IstioGateway's ports and serviceAnnotations) and Running pods with
// loopback IPs; replicaCount scales them; a weight gateshift wrote on the Service stays; and with the
// lab's CCM the pods end up as the CLB's backends.
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AsmControlPlane, startAsmControlPlane } from '../../src/lab/asm/index.js';
import { type Ccm, startCcm } from '../../src/lab/ccm/index.js';
import { startTestCluster, type TestCluster } from '../../src/lab/cluster/index.js';
import { type Kubelet, startKubelet } from '../../src/lab/kubelet/index.js';
import { SlbState } from '../../src/lab/slb/state.js';
import { CLB_ANNOTATIONS } from '../../src/plan/index.js';

const NS = 'istio-system';
const GATEWAY = { group: 'istio.alibabacloud.com', version: 'v1beta1', plural: 'istiogateways', namespace: NS };
const PORTS = [
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'HTTP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'HTTPS' },
  { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
];
const WAIT = { timeout: 15_000, interval: 50 };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

let cluster: TestCluster | undefined;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let kubelet: Kubelet | undefined;
let asm: AsmControlPlane | undefined;
let ccm: Ccm | undefined;
const slb = new SlbState();

beforeAll(async () => {
  cluster = await startTestCluster();
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.adminKubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  const kubeconfig = cluster.adminKubeconfig;
  kubelet = await startKubelet({ kubeconfig, ipPool: { prefix: '127.0.8.' }, terminationMs: 200 });
  asm = await startAsmControlPlane({ kubeconfig, resyncMs: 1_000 });
  ccm = await startCcm({ kubeconfig, slb, clusterId: 'c-lab-asm', reconcileDelayMs: 300 });
});

afterAll(async () => {
  await ccm?.stop();
  await asm?.stop();
  await kubelet?.stop();
  await cluster?.stop();
});

function clbAnnotations(loadBalancerId: string, vgroupPort: string, weight: string): Record<string, string> {
  return {
    [CLB_ANNOTATIONS.id]: loadBalancerId,
    [CLB_ANNOTATIONS.forceOverrideListeners]: 'false',
    [CLB_ANNOTATIONS.vgroupPort]: vgroupPort,
    [CLB_ANNOTATIONS.weight]: weight,
  };
}

async function createIstioGateway(name: string, replicaCount: number, serviceAnnotations: Record<string, string>) {
  await custom.createNamespacedCustomObject({
    ...GATEWAY,
    body: {
      apiVersion: 'istio.alibabacloud.com/v1beta1',
      kind: 'IstioGateway',
      metadata: { name, namespace: NS, labels: { 'asm-gateway-type': 'ingress' } },
      spec: { gatewayType: 'ingress', serviceType: 'LoadBalancer', ports: PORTS, replicaCount, serviceAnnotations },
    },
  });
}

async function patchIstioGateway(name: string, spec: Record<string, unknown>): Promise<void> {
  await custom.patchNamespacedCustomObject({ ...GATEWAY, name, body: { spec } }, mergePatch);
}

/** The gateway's pods that are not being deleted. */
async function podsOf(gateway: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace: NS, labelSelector: `istio=${gateway}` });
  return list.items.filter((pod) => !pod.metadata?.deletionTimestamp);
}

async function runningPods(gateway: string, count: number): Promise<V1Pod[]> {
  return vi.waitFor(async () => {
    const pods = await podsOf(gateway);
    expect(pods.map((pod) => pod.status?.phase)).toEqual(Array(count).fill('Running'));
    return pods;
  }, WAIT);
}

const annotationsOf = async (service: string) =>
  (await core.readNamespacedService({ namespace: NS, name: service })).metadata?.annotations ?? {};

describe('lab ASM control plane', () => {
  it('makes an IstioGateway into its Service and Running pods with loopback IPs', async () => {
    const annotations = clbAnnotations('lb-asm', 'rsp-asm-80:80,rsp-asm-443:443', '0');
    await createIstioGateway('ingressgateway-asm', 2, annotations);

    const service = await vi.waitFor(
      () => core.readNamespacedService({ namespace: NS, name: 'istio-ingressgateway-asm' }),
      WAIT,
    );
    expect(service.metadata?.annotations).toMatchObject(annotations);
    expect(service.spec?.type).toBe('LoadBalancer');
    expect(service.spec?.selector).toEqual({ app: 'istio-ingressgateway-asm', istio: 'ingressgateway-asm' });
    expect(
      service.spec?.ports?.map(({ name, port, targetPort, protocol }) => ({ name, port, targetPort, protocol })),
    ).toEqual(PORTS.map((port) => ({ ...port, protocol: 'TCP' })));

    const pods = await runningPods('ingressgateway-asm', 2);
    const ips = pods.map((pod) => pod.status?.podIP ?? '');
    expect(new Set(ips).size).toBe(2);
    for (const pod of pods) {
      expect(pod.status?.podIP).toMatch(/^127\.0\.8\.\d+$/);
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(pod.spec?.nodeName).toBe('lab-node');
      expect(pod.metadata?.labels).toMatchObject({ app: 'istio-ingressgateway-asm', istio: 'ingressgateway-asm' });
      expect(kubelet?.ipOf(NS, pod.metadata?.name ?? '')).toBe(pod.status?.podIP);
    }
  });

  it('scales the pods with replicaCount', async () => {
    await createIstioGateway('scaled', 1, {});
    await runningPods('scaled', 1);
    await patchIstioGateway('scaled', { replicaCount: 3 });
    await runningPods('scaled', 3);
    await patchIstioGateway('scaled', { replicaCount: 1 });
    await runningPods('scaled', 1);
    // The kubelet finishes the deletion: the pods are gone, not only terminating.
    await vi.waitFor(async () => {
      const all = await core.listNamespacedPod({ namespace: NS, labelSelector: 'istio=scaled' });
      expect(all.items).toHaveLength(1);
    }, WAIT);
  });

  it('keeps a weight written on the Service, and applies only what changes in the IstioGateway', async () => {
    const annotations = clbAnnotations('lb-kept', 'rsp-kept-80:80', '0');
    await createIstioGateway('kept', 1, annotations);
    await vi.waitFor(async () => expect(await annotationsOf('istio-kept')).toMatchObject(annotations), WAIT);

    // gateshift shifts traffic on the Service itself.
    await core.patchNamespacedService(
      { namespace: NS, name: 'istio-kept', body: { metadata: { annotations: { [CLB_ANNOTATIONS.weight]: '50' } } } },
      mergePatch,
    );
    await patchIstioGateway('kept', {
      replicaCount: 2,
      serviceAnnotations: { ...annotations, [CLB_ANNOTATIONS.vgroupPort]: 'rsp-kept-80:80,rsp-kept-443:443' },
    });
    await runningPods('kept', 2);
    await vi.waitFor(
      async () =>
        expect(await annotationsOf('istio-kept')).toMatchObject({
          [CLB_ANNOTATIONS.vgroupPort]: 'rsp-kept-80:80,rsp-kept-443:443',
          [CLB_ANNOTATIONS.weight]: '50',
        }),
      WAIT,
    );
    // Resyncs (every second here) leave it too.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await annotationsOf('istio-kept'))[CLB_ANNOTATIONS.weight]).toBe('50');

    // A weight changed in the IstioGateway itself is a change to apply.
    await patchIstioGateway('kept', { serviceAnnotations: { [CLB_ANNOTATIONS.weight]: '100' } });
    await vi.waitFor(async () => expect((await annotationsOf('istio-kept'))[CLB_ANNOTATIONS.weight]).toBe('100'), WAIT);
  });

  it('removes the Service and the pods with the IstioGateway', async () => {
    await createIstioGateway('doomed', 2, {});
    await runningPods('doomed', 2);
    await custom.deleteNamespacedCustomObject({ ...GATEWAY, name: 'doomed' });
    await vi.waitFor(async () => {
      const services = await core.listNamespacedService({ namespace: NS, fieldSelector: 'metadata.name=istio-doomed' });
      expect(services.items).toEqual([]);
      const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'istio=doomed' });
      expect(pods.items).toEqual([]);
    }, WAIT);
  });

  it("puts the gateway's pods behind the CLB through the lab's CCM", async () => {
    const lb = slb.addLoadBalancer({ id: 'lb-behind' });
    for (const port of [80, 443]) slb.addVServerGroup(lb.id, { id: `rsp-behind-${port}`, listenerPorts: [port] });
    await createIstioGateway('behind', 3, clbAnnotations(lb.id, 'rsp-behind-80:80,rsp-behind-443:443', '10'));
    const pods = await runningPods('behind', 3);
    const ips = pods.map((pod) => pod.status?.podIP).sort();
    for (const [group, port] of [
      ['rsp-behind-80', 8080],
      ['rsp-behind-443', 8443],
    ] as const)
      await vi.waitFor(() => {
        const backends = slb.vServerGroups.get(group)?.backends ?? [];
        expect(backends.map((backend) => backend.serverIp).sort()).toEqual(ips);
        expect(backends.every((backend) => backend.weight === 3 && backend.port === port)).toBe(true);
      }, WAIT);
  });
});

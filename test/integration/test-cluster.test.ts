// The test cluster itself: a real kube-apiserver whose admin can do anything, whose worker identity
// has exactly what deploy/rbac.yaml grants, and which serves the Istio and ASM CRDs.
import {
  ApiException,
  AuthenticationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markPodRunning, startTestCluster, type TestCluster } from '../../src/lab/cluster/index.js';

const NAMESPACE = 'istio-system';
const WEIGHT = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-weight';

let cluster: TestCluster | undefined;
let admin: CoreV1Api;
let worker: CoreV1Api;
let workerConfig: KubeConfig;

function load(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

beforeAll(async () => {
  cluster = await startTestCluster();
  admin = load(cluster.adminKubeconfig).makeApiClient(CoreV1Api);
  workerConfig = load(cluster.workerKubeconfig);
  worker = workerConfig.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await cluster?.stop();
});

describe('test cluster', () => {
  it('lets the admin create a namespace, a Service and a Pod', async () => {
    await admin.createNamespace({ body: { metadata: { name: NAMESPACE } } });
    const service = await admin.createNamespacedService({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'istio-ingressgateway', annotations: { [WEIGHT]: '100', team: 'mesh' } },
        spec: { type: 'LoadBalancer', selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80 }] },
      },
    });
    expect(service.spec?.clusterIP).toMatch(/^10\.0\.0\./);
    const pod = await admin.createNamespacedPod({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'istio-ingressgateway-0', labels: { istio: 'ingressgateway' } },
        spec: { nodeName: 'node-a', containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] },
      },
    });
    expect(pod.status?.phase).toBe('Pending');
  });

  it('makes a pod Running and Ready with an IP through the status subresource', async () => {
    if (!cluster) throw new Error('no cluster');
    await markPodRunning(cluster.adminKubeconfig, NAMESPACE, 'istio-ingressgateway-0', '127.0.0.11');
    const pod = await admin.readNamespacedPod({ namespace: NAMESPACE, name: 'istio-ingressgateway-0' });
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.podIP).toBe('127.0.0.11');
    expect(pod.status?.podIPs).toEqual([{ ip: '127.0.0.11' }]);
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.status).toBe('True');
    expect(pod.status?.containerStatuses?.[0]?.ready).toBe(true);
  });

  it('authenticates the worker as its ServiceAccount', async () => {
    const review = await workerConfig.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe('system:serviceaccount:gateshift:gateshift-worker');
  });

  it("lets the worker patch a Service's annotations and list pods", async () => {
    const patched = await worker.patchNamespacedService(
      { namespace: NAMESPACE, name: 'istio-ingressgateway', body: { metadata: { annotations: { [WEIGHT]: '90' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.annotations).toMatchObject({ [WEIGHT]: '90', team: 'mesh' });
    const pods = await worker.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'istio=ingressgateway' });
    expect(pods.items.map((p) => p.status?.podIP)).toEqual(['127.0.0.11']);
  });

  it('refuses the worker anything deploy/rbac.yaml does not grant', async () => {
    expect(await statusOf(worker.deleteNamespacedService({ namespace: NAMESPACE, name: 'istio-ingressgateway' }))).toBe(
      403,
    );
    expect(await statusOf(worker.listNamespacedSecret({ namespace: NAMESPACE }))).toBe(403);
    expect(await statusOf(worker.readNamespacedSecret({ namespace: NAMESPACE, name: 'any' }))).toBe(403);
    // Still there: the delete was refused, not lost.
    expect(await statusOf(admin.readNamespacedService({ namespace: NAMESPACE, name: 'istio-ingressgateway' }))).toBe(
      200,
    );
  });

  it('serves the Istio and ASM CRDs, writable by the worker with server-side apply', async () => {
    const objects = KubernetesObjectApi.makeApiClient(workerConfig);
    const apply = <T extends { apiVersion: string; kind: string }>(object: T) =>
      objects.patch(object, undefined, undefined, 'gateshift-test', true, PatchStrategy.ServerSideApply);
    await apply({
      apiVersion: 'istio.alibabacloud.com/v1beta1',
      kind: 'IstioGateway',
      metadata: { name: 'ingressgateway-asm', namespace: NAMESPACE },
      spec: { gatewayType: 'ingress', ports: [{ name: 'http2', port: 80, targetPort: 80 }] },
    });
    await apply({
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway', namespace: NAMESPACE },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' } }],
      },
    });
    // Stored as v1alpha3, served as v1 too; spec kept as written.
    const custom = workerConfig.makeApiClient(CustomObjectsApi);
    const gateway = await custom.getNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: NAMESPACE,
      plural: 'gateways',
      name: 'bookinfo-gateway',
    });
    expect(gateway.spec.servers[0].port.number).toBe(80);
    const asm = await custom.getNamespacedCustomObject({
      group: 'istio.alibabacloud.com',
      version: 'v1beta1',
      namespace: NAMESPACE,
      plural: 'istiogateways',
      name: 'ingressgateway-asm',
    });
    expect(asm.spec.ports).toEqual([{ name: 'http2', port: 80, targetPort: 80 }]);
  });
});

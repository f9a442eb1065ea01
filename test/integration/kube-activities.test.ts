// The Kubernetes activities against a real kube-apiserver, run as the worker's restricted identity
// (deploy/rbac.yaml); the admin only sets the scene. The "ASM control plane" is the same API server
// reached through a second kubeconfig context, `asm`, with the Gateway copies in their own namespace
// (`asm-bookinfo`, through namespaceMap) so that they never overwrite the source objects.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1ServicePort,
} from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  type ClbAnnotationKey,
  type ClbAnnotationValues,
  compareServicePorts,
  copyGateways,
  ensureIstioGateway,
  type IstioGatewayRequest,
  kubeConfig,
  listGatewayPods,
  patchClbAnnotations,
  readCcmEvents,
  readClbAnnotations,
  serviceRef,
  writeWeightAnnotation,
} from '../../activities/kube/index.js';
import { markPodRunning, startTestCluster, type TestCluster } from '../../src/lab/cluster/index.js';
import { CLB_ANNOTATIONS, type GatewayRef } from '../../src/plan/index.js';
import { freePort } from '../../src/ports.js';

const GATEWAY_NS = 'istio-system';
const SOURCE_NS = 'bookinfo';
const ASM_NS = 'asm-bookinfo';
// Real inputs written by others: Istio's bookinfo networking samples, in the shared fixtures.
const FIXTURES = fileURLToPath(new URL('../../src/lab/bookinfo/', import.meta.url));
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const SOURCE: GatewayRef = {
  namespace: GATEWAY_NS,
  service: 'istio-ingressgateway',
  selector: { istio: 'ingressgateway' },
  workload: 'istio-ingressgateway',
  kubeContext: 'source',
};
const GATEWAY_PORTS: V1ServicePort[] = [
  { name: 'http2', port: 80, targetPort: 8080 },
  { name: 'https', port: 443, targetPort: 8443 },
  { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
];
const CLB_VALUES = {
  id: 'lb-bp1onpskfecegtest',
  forceOverrideListeners: 'false',
  vgroupPort: 'rsp-http:80,rsp-https:443,rsp-status:15021',
  weight: '100',
} satisfies ClbAnnotationValues;
const OTHER_ANNOTATIONS = {
  team: 'mesh',
  'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec': 'slb.s1.small',
};

let cluster: TestCluster | undefined;
let dir: string;
let adminConfig: KubeConfig;
let admin: CoreV1Api;
let adminCustom: CustomObjectsApi;

function clbAnnotations(values: ClbAnnotationValues): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [CLB_ANNOTATIONS[key as ClbAnnotationKey], value]),
  );
}

async function createService(name: string, ports: V1ServicePort[], annotations: Record<string, string> = {}) {
  await admin.createNamespacedService({
    namespace: GATEWAY_NS,
    body: {
      metadata: { name, annotations },
      spec: { type: 'LoadBalancer', selector: { istio: name }, ports },
    },
  });
}

async function serviceVersion(name: string): Promise<string | undefined> {
  return (await admin.readNamespacedService({ namespace: GATEWAY_NS, name })).metadata?.resourceVersion;
}

/** The failure `promise` rejects with, checked to be a typed ApplicationFailure. */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

/** A ServiceAccount that may only read Services: the identity of the forbidden cases. */
async function readOnlyToken(): Promise<string> {
  const rbac = adminConfig.makeApiClient(RbacAuthorizationV1Api);
  const name = 'gateshift-test-readonly';
  await admin.createNamespacedServiceAccount({ namespace: 'gateshift', body: { metadata: { name } } });
  await rbac.createClusterRole({
    body: { metadata: { name }, rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] }] },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: 'gateshift' }],
    },
  });
  const request = await admin.createNamespacedServiceAccountToken({
    name,
    namespace: 'gateshift',
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  return request.status?.token ?? '';
}

/**
 * The worker's kubeconfig with the contexts the tests use: `source` (current) and `asm` for the worker
 * itself, `readonly` for a lesser identity, `unreachable` for a port nothing listens on, `untrusted`
 * for the API server without its CA.
 */
async function writeContexts(workerKubeconfig: string): Promise<string> {
  const worker = parse(readFileSync(workerKubeconfig, 'utf8'));
  const cluster = worker.clusters[0];
  const { 'certificate-authority-data': _ca, ...withoutCa } = cluster.cluster;
  const untrusted = { name: 'untrusted', cluster: withoutCa };
  const closed = {
    ...cluster,
    name: 'closed',
    cluster: { ...cluster.cluster, server: `https://127.0.0.1:${await freePort()}` },
  };
  const context = (name: string, clusterName: string, user: string) => ({
    name,
    context: { cluster: clusterName, user },
  });
  const config = {
    ...worker,
    clusters: [cluster, closed, untrusted],
    users: [...worker.users, { name: 'readonly', user: { token: await readOnlyToken() } }],
    contexts: [
      context('source', cluster.name, 'worker'),
      context('asm', cluster.name, 'worker'),
      context('readonly', cluster.name, 'readonly'),
      context('unreachable', 'closed', 'worker'),
      context('untrusted', 'untrusted', 'worker'),
    ],
    'current-context': 'source',
  };
  const path = join(dir, 'contexts.kubeconfig');
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

/** The bookinfo fixtures into the source namespace, as written, plus a label and kubectl's last-applied note. */
async function createBookinfo(): Promise<Record<string, Record<string, unknown>>> {
  const plurals: Record<string, string> = {
    Gateway: 'gateways',
    VirtualService: 'virtualservices',
    DestinationRule: 'destinationrules',
  };
  const specs: Record<string, Record<string, unknown>> = {};
  for (const file of ['bookinfo-gateway.yaml', 'destination-rule-all.yaml', 'virtual-service-reviews-90-10.yaml']) {
    for (const doc of parseAllDocuments(readFileSync(join(FIXTURES, file), 'utf8'))) {
      const body = doc.toJS();
      if (!body) continue; // a trailing `---`
      const [group, version] = body.apiVersion.split('/');
      body.metadata = { ...body.metadata, labels: { app: 'bookinfo' }, annotations: { [LAST_APPLIED]: '{}' } };
      await adminCustom.createNamespacedCustomObject({
        group,
        version,
        namespace: SOURCE_NS,
        plural: plurals[body.kind] ?? '',
        body,
      });
      specs[`${body.kind}/${body.metadata.name}`] = body.spec;
    }
  }
  return specs;
}

beforeAll(async () => {
  cluster = await startTestCluster();
  dir = mkdtempSync(join(tmpdir(), 'gateshift-kube-'));
  adminConfig = new KubeConfig();
  adminConfig.loadFromFile(cluster.adminKubeconfig);
  admin = adminConfig.makeApiClient(CoreV1Api);
  adminCustom = adminConfig.makeApiClient(CustomObjectsApi);
  for (const name of [GATEWAY_NS, SOURCE_NS, ASM_NS]) await admin.createNamespace({ body: { metadata: { name } } });
  process.env.KUBECONFIG = await writeContexts(cluster.workerKubeconfig);
  process.env.GATESHIFT_ASM_KUBECONTEXT = 'asm';

  await createService(SOURCE.service, GATEWAY_PORTS, { ...clbAnnotations(CLB_VALUES), ...OTHER_ANNOTATIONS });
  await createService('ingressgateway-asm', GATEWAY_PORTS, clbAnnotations({ ...CLB_VALUES, weight: '0' }));
  await createService('contended', [{ port: 80 }]);
  await createService('unannotated', [{ port: 80 }]);
});

afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kubeconfig', () => {
  it('refuses an unknown context, naming the ones there are', async () => {
    const failure = await failureOf(Promise.resolve().then(() => kubeConfig('nowhere')));
    expect(failure.type).toBe('KubeConfigInvalid');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      'kubeconfig context "nowhere" does not exist (contexts: source, asm, readonly, unreachable, untrusted)',
    );
  });

  it('fails for good, without retrying, when the API server cannot be trusted', async () => {
    const failure = await failureOf(readClbAnnotations({ ...serviceRef(SOURCE), context: 'untrusted' }));
    expect(failure).toMatchObject({ type: 'KubeConfigInvalid', nonRetryable: true });
    expect(failure.message).toMatch(
      /\(context untrusted\): cannot connect to the API server as configured: .*certificate/,
    );
  });
});

describe('CLB annotations', () => {
  const ref = serviceRef(SOURCE);

  it('reads the four values, and none from a Service without them', async () => {
    expect(await readClbAnnotations(ref)).toEqual(CLB_VALUES);
    expect(await readClbAnnotations({ namespace: GATEWAY_NS, service: 'unannotated' })).toEqual({});
  });

  it('merge-patches only the given keys, leaves other annotations alone, and is idempotent', async () => {
    const first = await writeWeightAnnotation(ref, 90);
    expect(first).toMatchObject({ changed: true, attempts: 1, before: CLB_VALUES });
    expect(first.after).toEqual({ ...CLB_VALUES, weight: '90' });
    const stored = await admin.readNamespacedService({ namespace: GATEWAY_NS, name: SOURCE.service });
    expect(stored.metadata?.annotations).toEqual({
      ...clbAnnotations({ ...CLB_VALUES, weight: '90' }),
      ...OTHER_ANNOTATIONS,
    });

    const version = await serviceVersion(SOURCE.service);
    const second = await writeWeightAnnotation(ref, 90);
    expect(second).toMatchObject({ changed: false, attempts: 1, before: first.after, after: first.after });
    expect(await serviceVersion(SOURCE.service)).toBe(version);

    const restored = await patchClbAnnotations(ref, { weight: '100', forceOverrideListeners: 'false' });
    expect(restored).toMatchObject({ changed: true, after: CLB_VALUES });
  });

  it('refuses a weight the CCM does not take, before any call', async () => {
    const failure = await failureOf(writeWeightAnnotation(ref, 101));
    expect(failure).toMatchObject({ type: 'KubeInvalidRequest', nonRetryable: true });
  });

  it('retries 409 conflicts: four concurrent writers of different keys all land', async () => {
    const contended = { namespace: GATEWAY_NS, service: 'contended' };
    const keys = Object.keys(CLB_ANNOTATIONS) as ClbAnnotationKey[];
    // Each writer reads, then patches on condition of the resourceVersion it read; writers that read
    // the same version collide, and all but one get a real 409 from the API server and start again.
    let conflicts = 0;
    for (let round = 1; round <= 10 && conflicts === 0; round++) {
      const values: Required<ClbAnnotationValues> = {
        id: `lb-round-${round}`,
        forceOverrideListeners: String(round % 2 === 0),
        vgroupPort: `rsp-${round}:80`,
        weight: String(round),
      };
      const writes = await Promise.all(keys.map((key) => patchClbAnnotations(contended, { [key]: values[key] })));
      expect(writes.map((write) => write.changed)).toEqual([true, true, true, true]);
      expect(await readClbAnnotations(contended)).toEqual(values);
      conflicts = writes.reduce((sum, write) => sum + write.attempts - 1, 0);
    }
    expect(conflicts).toBeGreaterThan(0);
  });

  it('fails for good, naming the Service, when it does not exist', async () => {
    const failure = await failureOf(writeWeightAnnotation({ namespace: GATEWAY_NS, service: 'nope' }, 50));
    expect(failure).toMatchObject({ type: 'KubeNotFound', nonRetryable: true });
    expect(failure.message).toBe('get Service istio-system/nope: not found (services "nope" not found)');
  });

  it('fails for good, naming the verb and resource RBAC lacks, when forbidden', async () => {
    const readonly = { ...ref, context: 'readonly' };
    expect(await readClbAnnotations(readonly)).toEqual(CLB_VALUES);
    const failure = await failureOf(writeWeightAnnotation(readonly, 50));
    expect(failure).toMatchObject({ type: 'KubeForbidden', nonRetryable: true });
    expect(failure.message).toContain(
      'patch Service istio-system/istio-ingressgateway (context readonly): forbidden: ' +
        `the worker's RBAC lacks verb "patch" on resource "services" (apiGroup "")`,
    );
    expect(failure.message).toContain('system:serviceaccount:gateshift:gateshift-test-readonly');
    expect(await readClbAnnotations(ref)).toEqual(CLB_VALUES);
  });

  it('retries a refused connection with backoff, then fails retryably', async () => {
    const started = Date.now();
    const failure = await failureOf(readClbAnnotations({ ...ref, context: 'unreachable' }));
    expect(failure).toMatchObject({ type: 'KubeUnavailable', nonRetryable: false });
    expect(failure.message).toMatch(
      /^get Service istio-system\/istio-ingressgateway \(context unreachable\): API server unreachable: .*ECONNREFUSED/,
    );
    // Five waits of at least 50, 100, 200, 400 and 800 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_550);
  });
});

describe('gateway pods', () => {
  it('lists the pods the selector picks, with IP, readiness, phase, node, images and Deployment', async () => {
    const pod = (name: string, istio: string, nodeName: string, replicaSet?: string) =>
      admin.createNamespacedPod({
        namespace: GATEWAY_NS,
        body: {
          metadata: {
            name,
            labels: { istio, ...(replicaSet ? { 'pod-template-hash': '7c9d5f' } : {}) },
            ownerReferences: replicaSet
              ? [
                  {
                    apiVersion: 'apps/v1',
                    kind: 'ReplicaSet',
                    name: replicaSet,
                    uid: '0b6a3c7e-1f2d-4e5a-9b8c-7d6e5f4a3b2c',
                  },
                ]
              : undefined,
          },
          spec: { nodeName, containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] },
        },
      });
    await pod('istio-ingressgateway-b', 'ingressgateway', 'node-b', 'istio-ingressgateway-7c9d5f');
    await pod('istio-ingressgateway-a', 'ingressgateway', 'node-a');
    await pod('istio-ingressgateway-c', 'ingressgateway', 'node-a');
    await pod('ingressgateway-asm-a', 'ingressgateway-asm', 'node-a');
    if (!cluster) throw new Error('no cluster');
    await markPodRunning(cluster.adminKubeconfig, GATEWAY_NS, 'istio-ingressgateway-a', '127.0.0.21');
    await markPodRunning(cluster.adminKubeconfig, GATEWAY_NS, 'istio-ingressgateway-b', '127.0.0.22');

    const running = (name: string, ip: string, nodeName: string) => ({
      name,
      ip,
      ready: true,
      phase: 'Running',
      nodeName,
      images: { 'istio-proxy': 'istio/proxyv2' },
    });
    expect(await listGatewayPods({ namespace: GATEWAY_NS, selector: SOURCE.selector, context: 'source' })).toEqual([
      { ...running('istio-ingressgateway-a', '127.0.0.21', 'node-a'), deployment: undefined },
      { ...running('istio-ingressgateway-b', '127.0.0.22', 'node-b'), deployment: 'istio-ingressgateway' },
      {
        name: 'istio-ingressgateway-c',
        ip: undefined,
        ready: false,
        phase: 'Pending',
        nodeName: 'node-a',
        images: { 'istio-proxy': 'istio/proxyv2' },
        deployment: undefined,
      },
    ]);
  });

  it('refuses an empty selector, and reports what RBAC lacks', async () => {
    const empty = await failureOf(listGatewayPods({ namespace: GATEWAY_NS, selector: {} }));
    expect(empty).toMatchObject({ type: 'KubeInvalidRequest', nonRetryable: true });
    const forbidden = await failureOf(
      listGatewayPods({ namespace: GATEWAY_NS, selector: SOURCE.selector, context: 'readonly' }),
    );
    expect(forbidden.type).toBe('KubeForbidden');
    expect(forbidden.message).toContain(`lacks verb "list" on resource "pods"`);
  });
});

describe('service ports', () => {
  it('agree between the Istio and the ASM gateway Services', async () => {
    const comparison = await compareServicePorts(serviceRef(SOURCE), {
      namespace: GATEWAY_NS,
      service: 'ingressgateway-asm',
    });
    expect(comparison.ok).toBe(true);
    expect(comparison.differences).toEqual([]);
    expect(comparison.target).toEqual([
      { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
    ]);
  });

  it('differ when a port, a targetPort, a protocol or a name does', async () => {
    await createService('mismatched', [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 9443, protocol: 'UDP' },
      { name: 'metrics', port: 15090 },
    ]);
    const comparison = await compareServicePorts(serviceRef(SOURCE), { namespace: GATEWAY_NS, service: 'mismatched' });
    expect(comparison.ok).toBe(false);
    expect(comparison.differences.map((d) => d.message)).toEqual([
      'port 80: name http2 on the source, http on the target',
      'port 443: targetPort 8443 on the source, 9443 on the target',
      'port 443: protocol TCP on the source, UDP on the target',
      'port 15021: on the source only',
      'port 15090: on the target only',
    ]);
    expect(comparison.differences[1]).toMatchObject({ port: 443, field: 'targetPort', source: 8443, target: 9443 });
  });
});

describe('ASM IstioGateway', () => {
  const request: IstioGatewayRequest = {
    source: serviceRef(SOURCE),
    name: 'ingressgateway-asm',
    namespace: GATEWAY_NS,
    clusterIds: ['c0ffee0123456789'],
    mode: 'apply',
  };
  const read = () =>
    adminCustom.getNamespacedCustomObject({
      group: 'istio.alibabacloud.com',
      version: 'v1beta1',
      namespace: GATEWAY_NS,
      plural: 'istiogateways',
      name: 'ingressgateway-asm',
    });

  it('is created on the ASM context with the Istio gateway ports and CLB annotations at weight 0', async () => {
    const created = await ensureIstioGateway(request);
    expect(created).toMatchObject({ action: 'create', ok: true, context: 'asm' });
    expect(created.diff).toContain(`+ spec.serviceAnnotations["${CLB_ANNOTATIONS.weight}"]: "0"`);
    const stored = await read();
    expect(stored.metadata.labels).toEqual({ 'asm-gateway-type': 'ingress' });
    expect(stored.spec).toEqual({
      gatewayType: 'ingress',
      clusterIds: ['c0ffee0123456789'],
      serviceType: 'LoadBalancer',
      ports: [
        { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
      ],
      serviceAnnotations: clbAnnotations({ ...CLB_VALUES, weight: '0' }),
    });
    expect(stored.metadata.managedFields.map((f: { manager: string }) => f.manager)).toEqual(['gateshift']);
  });

  it('is left alone when it already matches, and verifies', async () => {
    const version = (await read()).metadata.resourceVersion;
    expect(await ensureIstioGateway(request)).toMatchObject({ action: 'unchanged', ok: true, changes: [] });
    expect(await ensureIstioGateway({ ...request, mode: 'verify' })).toMatchObject({ action: 'none', ok: true });
    expect((await read()).metadata.resourceVersion).toBe(version);
  });

  it('verify reports drift without writing; apply repairs it and keeps fields others set', async () => {
    const stored = await read();
    stored.spec.serviceAnnotations[CLB_ANNOTATIONS.weight] = '50';
    stored.spec.ports[1].targetPort = 443;
    stored.spec.replicaCount = 3;
    const drifted = await adminCustom.replaceNamespacedCustomObject({
      group: 'istio.alibabacloud.com',
      version: 'v1beta1',
      namespace: GATEWAY_NS,
      plural: 'istiogateways',
      name: 'ingressgateway-asm',
      body: stored,
    });

    const verified = await ensureIstioGateway({ ...request, mode: 'verify' });
    expect(verified.ok).toBe(false);
    expect(verified.diff).toEqual([
      '~ spec.ports[1].targetPort: 443 → 8443',
      `~ spec.serviceAnnotations["${CLB_ANNOTATIONS.weight}"]: "50" → "0"`,
    ]);
    expect((await read()).metadata.resourceVersion).toBe(drifted.metadata.resourceVersion);

    expect(await ensureIstioGateway(request)).toMatchObject({ action: 'update', ok: true, diff: verified.diff });
    const repaired = await read();
    expect(repaired.spec.ports[1].targetPort).toBe(8443);
    expect(repaired.spec.serviceAnnotations[CLB_ANNOTATIONS.weight]).toBe('0');
    expect(repaired.spec.replicaCount).toBe(3);
  });

  it('refuses to start before the Istio gateway Service carries the CLB annotations', async () => {
    const failure = await failureOf(
      ensureIstioGateway({ ...request, source: { namespace: GATEWAY_NS, service: 'unannotated' } }),
    );
    expect(failure).toMatchObject({ type: 'ClbAnnotationsMissing', nonRetryable: true });
    expect(failure.message).toContain(CLB_ANNOTATIONS.vgroupPort);
  });
});

describe('Gateway, VirtualService and DestinationRule copy', () => {
  let fixtureSpecs: Record<string, Record<string, unknown>>;
  const request = {
    namespaces: [SOURCE_NS],
    sourceContext: 'source',
    sourceSelector: SOURCE.selector,
    asmGatewayName: 'ingressgateway-asm',
    namespaceMap: { [SOURCE_NS]: ASM_NS },
  };
  const asmObjects = async (plural: string) =>
    (
      await adminCustom.listNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: ASM_NS,
        plural,
      })
    ).items as { metadata: Record<string, unknown>; spec: Record<string, unknown> }[];
  const versions = async () =>
    (
      await Promise.all(['gateways', 'virtualservices', 'destinationrules'].map((plural) => asmObjects(plural)))
    ).flatMap((items) => items.map((item) => `${item.metadata.name}@${item.metadata.resourceVersion}`));

  beforeAll(async () => {
    fixtureSpecs = await createBookinfo();
    await adminCustom.createNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: SOURCE_NS,
      plural: 'gateways',
      body: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: { name: 'egress' },
        spec: {
          selector: { istio: 'egressgateway' },
          servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' } }],
        },
      },
    });
  });

  it('dry-runs first: a readable diff of what would be created, and nothing written', async () => {
    const planned = await copyGateways({ ...request, dryRun: true });
    expect(planned).toMatchObject({ dryRun: true, context: 'asm', changed: true });
    expect(planned.objects.map((o) => `${o.kind}/${o.name} ${o.action}`)).toEqual([
      'Gateway/bookinfo-gateway create',
      'DestinationRule/details create',
      'DestinationRule/productpage create',
      'DestinationRule/ratings create',
      'DestinationRule/reviews create',
      'VirtualService/bookinfo create',
      'VirtualService/reviews create',
    ]);
    expect(planned.skipped).toEqual([
      {
        name: 'egress',
        namespace: SOURCE_NS,
        reason: "selects {istio=egressgateway}, not the source gateway's pods {istio=ingressgateway}",
      },
    ]);
    expect(planned.diff).toContain(
      'Gateway asm-bookinfo/bookinfo-gateway: create\n' +
        '  + metadata.labels.app: "bookinfo"\n' +
        '  + spec.selector.istio: "ingressgateway-asm"\n' +
        '  + spec.servers[0].hosts[0]: "*"\n',
    );
    expect(planned.diff).toContain('  + spec.http[0].route[1].weight: 10');
    expect(await versions()).toEqual([]);
  });

  it('copies: Gateway selector rewritten, VirtualServices and DestinationRules unchanged, server metadata left behind', async () => {
    const copied = await copyGateways({ ...request, dryRun: false });
    expect(copied.objects.every((o) => o.action === 'create')).toBe(true);
    expect(copied.objects).toHaveLength(7);

    const [gateway, ...others] = await asmObjects('gateways');
    expect(others).toEqual([]);
    expect(gateway?.spec).toEqual({
      ...fixtureSpecs['Gateway/bookinfo-gateway'],
      selector: { istio: 'ingressgateway-asm' },
    });
    expect(gateway?.metadata.labels).toEqual({ app: 'bookinfo' });
    expect(gateway?.metadata.annotations).toBeUndefined();
    const [sourceGateway] = (
      await adminCustom.listNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: SOURCE_NS,
        plural: 'gateways',
        fieldSelector: 'metadata.name=bookinfo-gateway',
      })
    ).items;
    expect(sourceGateway.spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(gateway?.metadata.uid).not.toBe(sourceGateway.metadata.uid);
    expect(gateway?.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'gateshift' })]);

    for (const [plural, kind] of [
      ['virtualservices', 'VirtualService'],
      ['destinationrules', 'DestinationRule'],
    ] as const) {
      const copies = await asmObjects(plural);
      const expected = Object.entries(fixtureSpecs).filter(([key]) => key.startsWith(`${kind}/`));
      expect(copies.map((c) => [`${kind}/${c.metadata.name}`, c.spec])).toEqual(
        expected.sort(([a], [b]) => a.localeCompare(b)),
      );
    }
  });

  it('is idempotent: a second copy changes nothing', async () => {
    const before = await versions();
    const again = await copyGateways({ ...request, dryRun: false });
    expect(again.changed).toBe(false);
    expect(again.objects.map((o) => o.action)).toEqual(Array(7).fill('unchanged'));
    expect(again.objects.flatMap((o) => o.changes)).toEqual([]);
    expect(await versions()).toEqual(before);
  });

  it('shows a change of the source as an update in the dry run', async () => {
    await adminCustom.patchNamespacedCustomObject(
      {
        group: 'networking.istio.io',
        version: 'v1',
        namespace: SOURCE_NS,
        plural: 'virtualservices',
        name: 'reviews',
        body: [
          { op: 'replace', path: '/spec/http/0/route/0/weight', value: 80 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: 20 },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    const planned = await copyGateways({ ...request, dryRun: true });
    expect(planned.objects.filter((o) => o.action !== 'unchanged').map((o) => `${o.kind}/${o.name}`)).toEqual([
      'VirtualService/reviews',
    ]);
    expect(planned.diff).toContain(
      'VirtualService asm-bookinfo/reviews: update\n' +
        '  ~ spec.http[0].route[0].weight: 90 → 80\n' +
        '  ~ spec.http[0].route[1].weight: 10 → 20',
    );
    const [reviews] = (await asmObjects('virtualservices')).filter((o) => o.metadata.name === 'reviews');
    expect(JSON.stringify(reviews?.spec)).toContain('"weight":90');
  });

  it('fails for good when the namespace does not exist on the ASM side', async () => {
    const failure = await failureOf(
      copyGateways({ ...request, namespaceMap: { [SOURCE_NS]: 'asm-missing' }, dryRun: true }),
    );
    expect(failure).toMatchObject({ type: 'KubeNotFound', nonRetryable: true });
    expect(failure.message).toContain('(context asm): not found (namespaces "asm-missing" not found)');
  });
});

describe('CCM events', () => {
  it('returns the Warning events on the Service, oldest first, since a time when given', async () => {
    const now = Date.now();
    const event = (name: string, service: string, type: string, reason: string, minutesAgo: number) =>
      admin.createNamespacedEvent({
        namespace: GATEWAY_NS,
        body: {
          metadata: { name },
          involvedObject: { apiVersion: 'v1', kind: 'Service', name: service, namespace: GATEWAY_NS },
          type,
          reason,
          message: `${reason} for ${service}`,
          count: 2,
          firstTimestamp: new Date(now - (minutesAgo + 5) * 60_000),
          lastTimestamp: new Date(now - minutesAgo * 60_000),
          source: { component: 'service-controller' },
        },
      });
    await event('asm.1', 'ingressgateway-asm', 'Warning', 'SyncLoadBalancerFailed', 1);
    await event('asm.2', 'ingressgateway-asm', 'Warning', 'UnAvailableLoadBalancer', 120);
    await event('asm.3', 'ingressgateway-asm', 'Normal', 'EnsuredLoadBalancer', 0);
    await event('other.1', SOURCE.service, 'Warning', 'SyncLoadBalancerFailed', 0);

    const ref = { namespace: GATEWAY_NS, service: 'ingressgateway-asm' };
    const all = await readCcmEvents(ref);
    expect(all.map((e) => e.reason)).toEqual(['UnAvailableLoadBalancer', 'SyncLoadBalancerFailed']);
    expect(all[1]).toEqual({
      reason: 'SyncLoadBalancerFailed',
      message: 'SyncLoadBalancerFailed for ingressgateway-asm',
      count: 2,
      lastSeen: new Date(Math.floor((now - 60_000) / 1000) * 1000).toISOString(),
      component: 'service-controller',
    });
    const recent = await readCcmEvents(ref, new Date(now - 3_600_000).toISOString());
    expect(recent.map((e) => e.reason)).toEqual(['SyncLoadBalancerFailed']);
  });
});

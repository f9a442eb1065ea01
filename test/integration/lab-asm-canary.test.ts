// The lab started with the ASM gateway serving (both CLBs at 0/100) one release behind its control
// plane, under load through the CLBs: the canary Deployment comes with the IstioGateway annotation
// (its pod a CLB backend taking live traffic, its Istio metrics told apart by workload and revision)
// and goes without it, a Deployment of its name that ASM did not make is left alone, the faults by
// version and for the canary, and an upgrade through the ASM OpenAPI that rolls every pod within the
// surge and unavailable limits without a failed request, held half-way while stallUpgrade is set.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callAsmApi } from '../../src/lab/asm-api/call.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { summarize } from '../../src/lab/load/index.js';
import { ASM_VERSIONS, CLBS, GATEWAY_NAMESPACE, ROUTE, TARGET_GATEWAY } from '../../src/lab/names.js';
import { get } from '../support/lab-http.js';

const NS = GATEWAY_NAMESPACE;
const MAIN = `istio-${TARGET_GATEWAY}`;
const CANARY = `${MAIN}-canary`;
const FULL_NAME = `${NS}:${TARGET_GATEWAY}`;
const CANARY_ANNOTATION = 'asm.alibabacloud.com/enable-canary-deployment';
const ISTIO_GATEWAY = { group: 'istio.alibabacloud.com', version: 'v1beta1', namespace: NS, plural: 'istiogateways' };
const WAIT = { timeout: 30_000, interval: 100 };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const RPS = 100;
let lab: Lab;
let core: CoreV1Api;
let apps: AppsV1Api;
let istioGateways: CustomObjectsApi;

function admin(path: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config;
}

const asmApi = (action: string, query: Record<string, string>) =>
  callAsmApi(
    {
      endpoint: lab.asmApi.endpoint,
      accessKeyId: lab.workerEnv.ALIBABA_CLOUD_ACCESS_KEY_ID ?? '',
      accessKeySecret: lab.workerEnv.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? '',
    },
    action,
    { ServiceMeshId: lab.meshId, ...query },
  );

async function gatewayStatus(): Promise<{ Status: string; Version: string }> {
  const { body } = await asmApi('DescribeServiceMeshUpgradeStatus', { AllIstioGatewayFullNames: FULL_NAME });
  const detail = body.UpgradeDetail as { GatewayStatusRecord: Record<string, { Status: string; Version: string }> };
  return detail.GatewayStatusRecord[FULL_NAME] ?? { Status: 'absent', Version: '' };
}

async function annotate(value: string | null): Promise<void> {
  await istioGateways.patchNamespacedCustomObject(
    { ...ISTIO_GATEWAY, name: TARGET_GATEWAY, body: { metadata: { annotations: { [CANARY_ANNOTATION]: value } } } },
    mergePatch,
  );
}

/** The pods of one of the gateway's Deployments, terminating ones included. */
async function podsOf(deployment: string): Promise<V1Pod[]> {
  const { items } = await core.listNamespacedPod({ namespace: NS, labelSelector: `istio=${TARGET_GATEWAY}` });
  return items.filter((pod) => pod.metadata?.ownerReferences?.some((owner) => owner.name === deployment));
}

const isReady = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const versionOf = (pod: V1Pod) => pod.metadata?.labels?.['service.istio.io/canonical-revision'];
const imageOf = (pod: V1Pod) => pod.spec?.containers[0]?.image;

/** The vServer groups (of every lab CLB) holding this IP. */
const groupsHolding = (ip: string) =>
  CLBS.filter((clb) =>
    lab.emulator.state.vServerGroups.get(clb.vServerGroupId)?.backends.some((backend) => backend.serverIp === ip),
  ).length;

async function deploymentGone(name: string): Promise<boolean> {
  const { items } = await apps.listNamespacedDeployment({ namespace: NS, fieldSelector: `metadata.name=${name}` });
  return items.length === 0;
}

beforeAll(async () => {
  // A pod network of its own, so that the lab can run beside another one.
  lab = await startLab({ start: 'asm-serving', rps: RPS, podIpPrefix: '127.0.12.' });
  const cluster = admin(lab.adminKubeconfigs.cluster);
  core = cluster.makeApiClient(CoreV1Api);
  apps = cluster.makeApiClient(AppsV1Api);
  istioGateways = admin(lab.adminKubeconfigs.asm).makeApiClient(CustomObjectsApi);
});

afterAll(async () => {
  await lab?.stop();
});

describe('the lab with the ASM gateway serving', () => {
  it('starts with every CLB on the ASM gateway, its pods at 1.20.6.29 in a Deployment, its control plane at 1.22.6.29', async () => {
    expect(lab.effectiveTargetShares()).toEqual(Object.fromEntries(CLBS.map((clb) => [clb.id, 100])));
    const deployment = await apps.readNamespacedDeployment({ namespace: NS, name: MAIN });
    expect(deployment.status).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3 });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(
      `registry-cn-hangzhou.ack.aliyuncs.com/acs/proxyv2:${ASM_VERSIONS.gateway}`,
    );
    const pods = await podsOf(MAIN);
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(imageOf(pod)).toBe(`registry-cn-hangzhou.ack.aliyuncs.com/acs/proxyv2:${ASM_VERSIONS.gateway}`);
      expect(versionOf(pod)).toBe(ASM_VERSIONS.gateway);
      expect(pod.metadata?.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Deployment', name: MAIN, uid: deployment.metadata?.uid }),
      ]);
    }
    expect(await gatewayStatus()).toEqual({ Status: 'notStart', Version: ASM_VERSIONS.gateway, Message: '' });
    const { body } = await asmApi('DescribeUpgradeVersion', {});
    expect(body.Version).toMatchObject({ IstioOperatorVersion: `v${ASM_VERSIONS.controlPlane}-gaaaaaaaa-aliyun` });
    const before = lab.servedByVersion();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(lab.versionShares(before)).toMatchObject({ [ASM_VERSIONS.gateway]: 1 });
  });

  it('leaves alone a Deployment of the canary name that ASM did not make, and makes no canary then', async () => {
    const labels = { app: 'someone-else' };
    const foreign = await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: CANARY, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
        },
      },
    });
    await annotate('true');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const kept = await apps.readNamespacedDeployment({ namespace: NS, name: CANARY });
    expect(kept.metadata?.resourceVersion).toBe(foreign.metadata?.resourceVersion);
    const canaryPods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'asm.alibabacloud.com/canary' });
    expect(canaryPods.items).toEqual([]);
    await annotate(null);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await deploymentGone(CANARY)).toBe(false);
    await apps.deleteNamespacedDeployment({ namespace: NS, name: CANARY });
    await vi.waitFor(async () => expect(await deploymentGone(CANARY)).toBe(true), WAIT);
  });

  it('keeps a canary that never gets Ready out of the CLBs, and fails the requests of a faulted version', async () => {
    await lab.faults.set({ canaryNeverReady: true });
    await annotate('true');
    const [pod] = await vi.waitFor(async () => {
      const pods = await podsOf(CANARY);
      expect(pods.map((candidate) => candidate.status?.phase)).toEqual(['Running']);
      return pods;
    }, WAIT);
    const ip = pod?.status?.podIP ?? '';
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await podsOf(CANARY)).filter(isReady)).toEqual([]);
    expect(groupsHolding(ip)).toBe(0);
    expect((await apps.readNamespacedDeployment({ namespace: NS, name: CANARY })).status?.readyReplicas ?? 0).toBe(0);

    // Served 503 by the version the fault names, straight from the pod (no traffic reaches it yet).
    await lab.faults.set({ versionErrorRatio: { version: ASM_VERSIONS.controlPlane, ratio: 1 } });
    expect((await get(`http://${ip}:8080${ROUTE.path}`, ROUTE.host)).status).toBe(503);
    await lab.faults.set({ versionErrorRatio: null, canaryNeverReady: false });
    expect((await get(`http://${ip}:8080${ROUTE.path}`, ROUTE.host)).status).toBe(200);
    await vi.waitFor(() => expect(groupsHolding(ip)).toBe(CLBS.length), WAIT);

    await annotate(null);
    await vi.waitFor(async () => expect(await deploymentGone(CANARY)).toBe(true), WAIT);
    expect(groupsHolding(ip)).toBe(0);
  });

  it('runs the canary behind the CLBs while annotated, with Istio metrics by workload and revision, and drains it without a failed request once not', async () => {
    const started = Math.floor(Date.now() / 1000);
    await annotate('true');
    const deployment = await vi.waitFor(async () => {
      const found = await apps.readNamespacedDeployment({ namespace: NS, name: CANARY });
      expect(found.status).toMatchObject({ replicas: 1, readyReplicas: 1, updatedReplicas: 1 });
      return found;
    }, WAIT);
    expect(deployment.metadata?.labels).toMatchObject({ istio: TARGET_GATEWAY, 'asm.alibabacloud.com/canary': 'true' });
    expect(deployment.spec?.replicas).toBe(1);
    const [pod] = await podsOf(CANARY);
    const ip = pod?.status?.podIP ?? '';
    expect(pod?.metadata?.labels).toMatchObject({
      app: MAIN,
      istio: TARGET_GATEWAY,
      'asm.alibabacloud.com/canary': 'true',
      'service.istio.io/canonical-revision': ASM_VERSIONS.controlPlane,
    });
    expect(imageOf(pod as V1Pod)).toBe(
      `registry-cn-hangzhou.ack.aliyuncs.com/acs/proxyv2:${ASM_VERSIONS.controlPlane}`,
    );
    await vi.waitFor(() => expect(groupsHolding(ip)).toBe(CLBS.length), WAIT);

    const since = lab.servedByVersion();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // One canary pod beside three: a quarter of the backends' weight.
    expect(lab.versionShares(since)[ASM_VERSIONS.controlPlane]).toBeGreaterThan(0.1);

    const query = 'sum by (source_workload, source_canonical_revision) (istio_requests_total{reporter="source"})';
    const series = await vi.waitFor(async () => {
      const url = new URL('/api/v1/query', lab.prometheusUrl);
      url.searchParams.set('query', query);
      const answer = (await (await fetch(url)).json()) as { data: { result: { metric: Record<string, string> }[] } };
      const found = answer.data.result.map((result) => result.metric);
      expect(found).toContainEqual({ source_workload: CANARY, source_canonical_revision: ASM_VERSIONS.controlPlane });
      return found;
    }, WAIT);
    expect(series).toContainEqual({ source_workload: MAIN, source_canonical_revision: ASM_VERSIONS.gateway });

    await annotate(null);
    await vi.waitFor(async () => expect(await deploymentGone(CANARY)).toBe(true), WAIT);
    expect(await podsOf(CANARY)).toEqual([]);
    expect(groupsHolding(ip)).toBe(0);
    const record = lab.load?.snapshot();
    if (!record) throw new Error('no load');
    const window = summarize(record, started, Math.floor(Date.now() / 1000));
    expect(window.requests).toBeGreaterThan(0);
    expect(window.failures).toBe(0);
  });

  it('upgrades every pod to the control plane version through the ASM OpenAPI, held half-way while stalled, within the rolling limits and without a failed request', async () => {
    const started = Math.floor(Date.now() / 1000);
    await annotate('true');
    await vi.waitFor(async () => expect((await podsOf(CANARY)).filter(isReady)).toHaveLength(1), WAIT);
    const { body } = await asmApi('DescribeUpgradeVersion', {});
    const expectedVersion = (body.Version as { IstioOperatorVersion: string }).IstioOperatorVersion;
    const upgrade = (extra: Record<string, string> = {}) =>
      asmApi('UpgradeMeshEditionPartially', {
        ASMGatewayContinue: 'true',
        UpgradeGatewayRecords: FULL_NAME,
        ExpectedVersion: expectedVersion,
        ...extra,
      });

    expect((await upgrade({ PreCheck: 'true' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await gatewayStatus()).toMatchObject({ Status: 'notStart' });
    expect((await podsOf(MAIN)).map(versionOf)).toEqual(Array(3).fill(ASM_VERSIONS.gateway));

    // Watch the main Deployment's pods through the whole roll: 25%/25% of 3 is a surge of 1, none unavailable.
    let most = 0;
    let fewestReady = Number.POSITIVE_INFINITY;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const pods = await podsOf(MAIN);
        most = Math.max(most, pods.filter((pod) => !pod.metadata?.deletionTimestamp).length);
        fewestReady = Math.min(fewestReady, pods.filter(isReady).length);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    await lab.faults.set({ stallUpgrade: true });
    expect((await upgrade()).status).toBe(200);
    expect(await gatewayStatus()).toMatchObject({ Status: 'upgrading', Version: ASM_VERSIONS.gateway });
    await vi.waitFor(async () => {
      const versions = (await podsOf(MAIN)).filter(isReady).map(versionOf);
      expect(versions.filter((version) => version === ASM_VERSIONS.controlPlane)).toHaveLength(2);
    }, WAIT);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await gatewayStatus()).toMatchObject({ Status: 'upgrading' });
    expect((await podsOf(MAIN)).map(versionOf)).toContain(ASM_VERSIONS.gateway);
    // A second call while upgrading changes nothing.
    expect((await upgrade()).status).toBe(200);

    await lab.faults.set({ stallUpgrade: false });
    await vi.waitFor(
      async () =>
        expect(await gatewayStatus()).toEqual({
          Status: 'finished',
          Version: ASM_VERSIONS.controlPlane,
          Message: 'success',
        }),
      { ...WAIT, timeout: 60_000 },
    );
    watching = false;
    await watch;
    const pods = await podsOf(MAIN);
    expect(pods.map(versionOf)).toEqual(Array(3).fill(ASM_VERSIONS.controlPlane));
    expect(pods.map(imageOf)).toEqual(
      Array(3).fill(`registry-cn-hangzhou.ack.aliyuncs.com/acs/proxyv2:${ASM_VERSIONS.controlPlane}`),
    );
    const deployment = await apps.readNamespacedDeployment({ namespace: NS, name: MAIN });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(imageOf(pods[0] as V1Pod));
    expect(deployment.status).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3 });
    expect(most).toBe(4);
    expect(fewestReady).toBeGreaterThanOrEqual(3);
    expect((await upgrade()).status).toBe(200);
    expect(await gatewayStatus()).toMatchObject({ Status: 'finished' });

    await annotate(null);
    await vi.waitFor(async () => expect(await deploymentGone(CANARY)).toBe(true), WAIT);
    const record = lab.load?.snapshot();
    if (!record) throw new Error('no load');
    const ended = Math.floor(Date.now() / 1000);
    const window = summarize(record, started, ended);
    // The load went on at its rate the whole time (however fast the roll was): the zero below means something.
    expect(window.requests).toBeGreaterThanOrEqual(Math.floor(RPS * (ended - started) * 0.8));
    expect(window.failures).toBe(0);
    expect(window.share).toEqual({ [TARGET_GATEWAY]: 1 });
  });
});

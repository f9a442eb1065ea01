// A healthy world as the ASM procedure leaves it just before the first weight moves: the Istio gateway
// Service (weight 100) and the ASM gateway Service (weight 0) with the same ports and CLB annotations;
// 2 Istio and 3 ASM gateway pods, Running with loopback IPs and answering the bookinfo route; each CLB
// in the SLB emulator with listeners 80 and 443, one vServer group per listener, every pod a healthy
// backend with the CCM's weights; the bookinfo Gateway, VirtualServices and DestinationRules on the
// source cluster and their copies (Gateway selecting the ASM gateway) on the ASM control plane.
// There is no CCM: applyCcm plays it, with its real arithmetic (ENI backends, as on a Terway cluster).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, type V1ServicePort } from '@kubernetes/client-node';
import { AsmClient } from '../../activities/asm/client.js';
import { ClbClient } from '../../activities/clb/client.js';
import type { RetryPolicy } from '../../activities/cloud/retry.js';
import type { DriverDependencies } from '../../activities/drivers/index.js';
import { markPodRunning, startTestCluster, type TestCluster } from '../../src/lab/cluster/index.js';
import { bookinfoObjects, putObjects } from '../../src/lab/kube/bookinfo.js';
import { writeWorkerKubeconfig } from '../../src/lab/kube/worker-kubeconfig.js';
import { type SlbEmulator, startSlbEmulator } from '../../src/lab/slb/server.js';
import type { Backend } from '../../src/lab/slb/state.js';
import {
  buildPlan,
  CLB_ANNOTATIONS,
  formatVgroupPort,
  type MigrationInput,
  type MigrationPlan,
  parseVgroupPort,
  perBackendWeight,
} from '../../src/plan/index.js';
import { type Answer, selfSignedCertificate, startGatewayPods } from './gateway-pods.js';

export const GATEWAY_NS = 'istio-system';
export const ROUTES_NS = 'bookinfo';
export const HOST = 'bookinfo.example.com';
const CLUSTER_ID = 'c-gateshift-scene';
export const SOURCE_SERVICE = 'istio-ingressgateway';
export const TARGET_SERVICE = 'istio-ingressgateway-asm';
const REGION = 'cn-hangzhou';
const SELECTORS = { source: { istio: 'ingressgateway' }, target: { istio: 'ingressgateway-asm' } };
const ACCESS_KEY_ID = 'LTAI5tSceneAccessKey';
const ACCESS_KEY_SECRET = 'scene-secret-0123456789abcdef';

type Side = 'source' | 'target';

export interface SceneClb {
  id: string;
  sourceService: string;
  targetService: string;
  groups: { id: string; port: number }[];
}

export interface ScenePod {
  name: string;
  ip: string;
  side: Side;
}

export interface SceneOptions {
  /** CLBs in front of the gateways, each with its own pair of Services; default 1. */
  clbs?: number;
  /** Also start an ASM control plane (a second API server) holding the migrated Gateway copies. */
  asmControlPlane?: boolean;
  /**
   * The raw cluster, before the ASM procedure: the CLB as the CCM created it for the Istio gateway
   * (tagged, modification protection on, each listener on a group the CCM created, k8s/…, holding the
   * Istio pods), the plan's groups the user's own, empty and unused; the source Service without CLB
   * annotations (with one of its own), no ASM gateway Service or pods, no copies on ASM; the plan
   * prepares it (prepare.fixClb).
   */
  raw?: boolean;
}

/** The annotation of its own the raw source Service carries, which the preparation must keep. */
export const OWN_ANNOTATION = { 'example.com/owner': 'platform-team' };

/** The tags and protection the CCM leaves on a CLB it created for a Service. */
export const CCM_CLB_TAGS = {
  'kubernetes.do.not.delete': 'a1b2c3d4e5f6istioingressgateway',
  'ack.aliyun.com': CLUSTER_ID,
};
export const CCM_PROTECTION_REASON = 'managed by ack';

export interface AsmScene {
  /** The data-plane cluster: gateway Services and pods, and the source Gateways. */
  cluster: TestCluster;
  emulator: SlbEmulator;
  clbs: SceneClb[];
  pods: ScenePod[];
  /** The ports every gateway pod serves: the Services' targetPorts and the backends' ports. */
  podPorts: { http: number; https: number };
  /** Host → answer of every ASM gateway pod; change it to make the target lose a route. */
  targetRoutes: Record<string, Answer>;
  /** The same for the Istio gateway's pods. */
  sourceRoutes: Record<string, Answer>;
  plan: MigrationPlan;
  /** What the worker reads from its environment: kubeconfig (contexts `source`, `asm`), SLB endpoint, keys. */
  env: Record<string, string>;
  /** Admin client of the data-plane cluster. */
  admin: CoreV1Api;
  /** Admin client of the ASM control plane, when there is one. */
  asmCustom?: CustomObjectsApi;
  /** Creates on the ASM control plane the migrated copy of every bookinfo object that is missing or differs. */
  copyRoutingToAsm(): Promise<void>;
  stop(): Promise<void>;
}

function clbAnnotations(clb: SceneClb, weight: string): Record<string, string> {
  return {
    [CLB_ANNOTATIONS.id]: clb.id,
    [CLB_ANNOTATIONS.forceOverrideListeners]: 'false',
    [CLB_ANNOTATIONS.vgroupPort]: formatVgroupPort(clb.groups),
    [CLB_ANNOTATIONS.weight]: weight,
  };
}

/** Sets the variables, returns what puts them back as they were. */
export function setEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** A CLB client per region, as the worker keeps them, with a retry policy fit for tests. */
export function clbClients(retry: Partial<RetryPolicy>): (regionId: string) => ClbClient {
  const clients = new Map<string, ClbClient>();
  return (regionId) => {
    const client = clients.get(regionId) ?? new ClbClient({ regionId, retry });
    clients.set(regionId, client);
    return client;
  };
}

/** The worker's cloud clients for the drivers, with a retry policy fit for tests. */
export function cloudClients(retry: Partial<RetryPolicy>): DriverDependencies {
  return { clbClient: clbClients(retry), asmClient: (regionId) => new AsmClient({ regionId, retry }) };
}

function sceneClbs(count: number): SceneClb[] {
  return Array.from({ length: count }, (_, i) => {
    const name = ['public', 'intranet'][i] ?? `extra${i}`;
    const suffix = i === 0 ? '' : `-${name}`;
    return {
      id: `lb-bp1scene${name}`,
      sourceService: `${SOURCE_SERVICE}${suffix}`,
      targetService: `${TARGET_SERVICE}${suffix}`,
      groups: [
        { id: `rsp-bp1${name}http`, port: 80 },
        { id: `rsp-bp1${name}https`, port: 443 },
      ],
    };
  });
}

const backendId = (ip: string) => `eni-${ip.replaceAll('.', '')}`;

/** As the CCM names a group it creates for a Service port (and the backends it registers). */
const ccmGroupName = (port: number, service: string) => `k8s/${port}/${service}/${GATEWAY_NS}/${CLUSTER_ID}`;

/** The raw scene's group the CCM created for the listener of a planned (user's) group. */
export const ccmGroupId = (plannedGroupId: string) => `${plannedGroupId}-ccm`;

/**
 * The cloud controller manager's pass over every scene CLB: for each Service with the CLB
 * annotations, its Ready pods become the ENI backends of each group in its vgroup-port annotation,
 * port = targetPort, weight = max(1, floor(W / pods)) (0 when W is 0). Backends of other Services and
 * backends the CCM does not own are left alone.
 */
export async function applyCcm(scene: AsmScene): Promise<void> {
  const { items: services } = await scene.admin.listNamespacedService({ namespace: GATEWAY_NS });
  for (const service of services) {
    const annotations = service.metadata?.annotations ?? {};
    const clb = scene.clbs.find((candidate) => candidate.id === annotations[CLB_ANNOTATIONS.id]);
    const vgroupPort = annotations[CLB_ANNOTATIONS.vgroupPort];
    if (!clb || !vgroupPort) continue;
    const name = service.metadata?.name ?? '';
    const selector = Object.entries(service.spec?.selector ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const { items } = await scene.admin.listNamespacedPod({ namespace: GATEWAY_NS, labelSelector: selector });
    const ips = items
      .filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .flatMap((pod) => (pod.status?.podIP ? [pod.status.podIP] : []));
    const annotated = annotations[CLB_ANNOTATIONS.weight];
    const weight = annotated === undefined ? 100 : perBackendWeight(Number(annotated), ips.length);
    for (const group of parseVgroupPort(vgroupPort)) {
      const servicePort = service.spec?.ports?.find((port) => port.port === group.port);
      const description = ccmGroupName(group.port, name);
      const mine: Backend[] = ips.map((ip) => ({
        serverId: backendId(ip),
        serverIp: ip,
        port: Number(servicePort?.targetPort ?? group.port),
        weight,
        type: 'eni',
        description,
      }));
      const others = scene.emulator.state
        .requireVServerGroup(group.id)
        .backends.filter((backend) => backend.description !== description);
      scene.emulator.state.setBackends(group.id, [...others, ...mine]);
    }
  }
}

function adminOf(cluster: TestCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.adminKubeconfig);
  return kc;
}

/** The worker's kubeconfig: its ServiceAccount on the data plane (`source`) and on the ASM control plane (`asm`). */
function workerKubeconfigFile(dir: string, cluster: TestCluster, asm?: TestCluster): string {
  const path = join(dir, 'worker.kubeconfig');
  writeWorkerKubeconfig(
    path,
    { source: cluster.workerKubeconfig, ...(asm && { asm: asm.workerKubeconfig }) },
    'source',
  );
  return path;
}

export async function startAsmScene(options: SceneOptions = {}): Promise<AsmScene> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'gateshift-scene-'));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    const started = await Promise.allSettled([
      startTestCluster(),
      options.asmControlPlane ? startTestCluster() : undefined,
    ]);
    for (const result of started) if (result.status === 'fulfilled' && result.value) stops.push(result.value.stop);
    const [cluster, asm] = started.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    if (!cluster) throw new Error('no test cluster');
    const emulator = await startSlbEmulator({ accessKeys: { [ACCESS_KEY_ID]: ACCESS_KEY_SECRET } });
    stops.push(() => emulator.stop());

    const pods: ScenePod[] = [
      ...['127.0.1.1', '127.0.1.2'].map((ip, i) => ({ name: `${SOURCE_SERVICE}-${i}`, ip, side: 'source' as const })),
      ...(options.raw ? [] : ['127.0.2.1', '127.0.2.2', '127.0.2.3']).map((ip, i) => ({
        name: `${TARGET_SERVICE}-${i}`,
        ip,
        side: 'target' as const,
      })),
    ];
    // One routes object per gateway, shared by its pods: the servers read it on every request.
    const routes = { source: { [HOST]: 200 as Answer }, target: { [HOST]: 200 as Answer } };
    const servers = await startGatewayPods(
      pods.map((pod) => ({ ip: pod.ip, routes: routes[pod.side] })),
      selfSignedCertificate([HOST]),
    );
    stops.push(() => servers.stop());

    const adminConfig = adminOf(cluster);
    const admin = adminConfig.makeApiClient(CoreV1Api);
    const adminCustom = adminConfig.makeApiClient(CustomObjectsApi);
    const asmCustom = asm && adminOf(asm).makeApiClient(CustomObjectsApi);
    for (const namespace of [GATEWAY_NS, ROUTES_NS])
      await admin.createNamespace({ body: { metadata: { name: namespace } } });
    if (asm)
      for (const namespace of [GATEWAY_NS, ROUTES_NS])
        await adminOf(asm)
          .makeApiClient(CoreV1Api)
          .createNamespace({ body: { metadata: { name: namespace } } });

    // The Services' targetPorts are the ports the pod servers listen on, so backends and probes agree.
    const ports: V1ServicePort[] = [
      { name: 'http2', port: 80, targetPort: servers.httpPort, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: servers.httpsPort, protocol: 'TCP' },
    ];
    const clbs = sceneClbs(options.clbs ?? 1);
    for (const clb of clbs) {
      emulator.state.addLoadBalancer({ id: clb.id, regionId: REGION, name: `gateshift-${clb.id}` });
      if (options.raw)
        for (const group of clb.groups) {
          const port = ports.find((candidate) => candidate.port === group.port);
          const description = ccmGroupName(group.port, clb.sourceService);
          emulator.state.addVServerGroup(clb.id, {
            id: ccmGroupId(group.id),
            name: description,
            listenerPorts: [group.port],
            backends: pods
              .filter((pod) => pod.side === 'source')
              .map((pod) => ({
                serverId: backendId(pod.ip),
                serverIp: pod.ip,
                port: Number(port?.targetPort),
                weight: 100,
                type: 'eni',
                description,
              })),
          });
        }
      // Raw: the user's own groups, empty, no listener forwards to them yet.
      for (const group of clb.groups)
        emulator.state.addVServerGroup(clb.id, { id: group.id, listenerPorts: options.raw ? [] : [group.port] });
      if (options.raw) {
        emulator.state.setTags(clb.id, CCM_CLB_TAGS);
        emulator.state.setModificationProtection(clb.id, 'ConsoleProtection', CCM_PROTECTION_REASON);
      }
      const sides = options.raw
        ? ([['source', clb.sourceService, OWN_ANNOTATION]] as const)
        : ([
            ['source', clb.sourceService, clbAnnotations(clb, '100')],
            ['target', clb.targetService, clbAnnotations(clb, '0')],
          ] as const);
      for (const [side, service, annotations] of sides)
        await admin.createNamespacedService({
          namespace: GATEWAY_NS,
          body: {
            metadata: { name: service, annotations },
            spec: { type: 'LoadBalancer', selector: SELECTORS[side], ports },
          },
        });
    }
    for (const pod of pods) {
      await admin.createNamespacedPod({
        namespace: GATEWAY_NS,
        body: {
          metadata: { name: pod.name, labels: SELECTORS[pod.side] },
          spec: { containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] },
        },
      });
      await markPodRunning(cluster.adminKubeconfig, GATEWAY_NS, pod.name, pod.ip);
    }

    await putObjects(adminCustom, ROUTES_NS, bookinfoObjects());
    const copyRoutingToAsm = async () => {
      if (asmCustom) await putObjects(asmCustom, ROUTES_NS, bookinfoObjects(SELECTORS.target.istio));
    };
    if (!options.raw) await copyRoutingToAsm();

    const input: MigrationInput = {
      title: 'istio → asm (scene)',
      traffic: {
        kind: 'clb-annotation',
        source: { namespace: GATEWAY_NS, service: SOURCE_SERVICE, selector: SELECTORS.source, kubeContext: 'source' },
        target: { namespace: GATEWAY_NS, service: TARGET_SERVICE, selector: SELECTORS.target, kubeContext: 'source' },
        loadBalancers: clbs.map((clb) => ({
          id: clb.id,
          region: REGION,
          vServerGroups: clb.groups,
          sourceService: clb.sourceService,
          targetService: clb.targetService,
        })),
        gatewayNamespaces: [ROUTES_NS],
        ...(options.raw && { prepare: { fixClb: true, asmGateway: { asmContext: 'asm' } } }),
      },
      routes: [{ host: HOST, path: '/productpage', port: servers.httpPort }],
    };
    const scene: AsmScene = {
      cluster,
      emulator,
      clbs,
      pods,
      podPorts: { http: servers.httpPort, https: servers.httpsPort },
      targetRoutes: routes.target,
      sourceRoutes: routes.source,
      plan: buildPlan(input),
      env: {
        KUBECONFIG: workerKubeconfigFile(dir, cluster, asm),
        ...(asm && { GATESHIFT_ASM_KUBECONTEXT: 'asm' }),
        GATESHIFT_SLB_ENDPOINT: emulator.endpoint,
        GATESHIFT_SLB_PROTOCOL: 'http',
        ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
      },
      admin,
      asmCustom,
      copyRoutingToAsm,
      stop,
    };
    await applyCcm(scene);
    return scene;
  } catch (error) {
    await stop();
    throw error;
  }
}

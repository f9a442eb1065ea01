// The lab: a world of real servers (two kube-apiservers with etcd — the cluster and the ASM control
// plane —, Prometheus) and small simulators (the CLB API and its data plane, the CCM, the kubelet,
// the ASM control plane and its OpenAPI, the gateways, a load generator), in which gateshift migrates
// real HTTP traffic or canary-upgrades the ASM gateway. One function starts it and stops it; tests
// and the demo use it, the product never does.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import type { BackendMode } from '../plan/weights.js';
import { LAB_NODE } from './asm/gateway-workload.js';
import { startAsmControlPlane } from './asm/index.js';
import { type AsmApiEmulator, startAsmApiEmulator } from './asm-api/server.js';
import { gatewayFullName } from './asm-api/state.js';
import { startCcm } from './ccm/index.js';
import { clbRegistration } from './ccm/registration.js';
import { applyManifests } from './cluster/apply.js';
import { startClusterPair } from './cluster/index.js';
import { createLabFaults, type LabFaults } from './faults.js';
import { METRICS_PATH } from './gateway/index.js';
import { startGatewayRuntime } from './gateway-runtime.js';
import { writeWorkerKubeconfig } from './kube/worker-kubeconfig.js';
import { startKubeProxy } from './kube-proxy/index.js';
import { startKubelet } from './kubelet/index.js';
import type { LabNode } from './kubelet/nodes.js';
import { type Load, type LongLivedOptions, startLoad } from './load/index.js';
import {
  ASM_MESH_ID,
  ASM_VERSIONS,
  CLBS,
  CLUSTER_ID,
  GATEWAY_NAMESPACE,
  type LabClb,
  RAW_CLB,
  REGION,
  ROUTE,
  SOURCE_GATEWAY,
  TARGET_GATEWAY,
} from './names.js';
import { startPrometheus } from './prometheus.js';
import { type ClbProxy, startClbProxy } from './proxy/index.js';
import { addLoadBalancers, buildScene, restoreWeights } from './scene.js';
import { effectiveTargetShares, versionShares } from './shares.js';
import { type SlbEmulator, startSlbEmulator } from './slb/server.js';

/**
 * Where the lab starts: `istio-serving` (default), before a migration: the CLBs at 100/0 on the Istio
 * gateway, the ASM gateway at its control plane's version. `asm-serving`, before a gateway canary
 * upgrade: the CLBs at 0/100 on the ASM gateway, which runs ASM_VERSIONS.gateway (status notStart)
 * while its control plane runs ASM_VERSIONS.controlPlane. `raw`, before the ASM procedure: the Istio
 * gateway's Service without CLB annotations on the CLB the CCM created for it (RAW_CLB, tagged, read-only
 * mode on, its listener on the CCM's k8s/… group) plus an empty vServer group of the user's own for the
 * listener, no ASM gateway, no routing on ASM; the migration's preparation does steps 1 to 3.
 */
export type LabStart = 'istio-serving' | 'asm-serving' | 'raw';

/**
 * 2% of the requests over 8 keep-alive connections per CLB that live up to 45 s (longer than two of the
 * demo's phases): at 0/100 some opened while the source still had weight, so it serves them until they
 * close and the drain step waits (at most 45 s after 0/100, then the drain's window and `for`).
 */
export const LAB_LONG_LIVED: LongLivedOptions = { share: 0.02, connections: 8, maxAgeMs: 45_000 };

/** The worker's RBAC for the gateway canary driver, which the lab grants in both clusters when the ASM gateway serves. */
const ASM_CANARY_RBAC = fileURLToPath(new URL('../../deploy/rbac/asm-gateway-canary.yaml', import.meta.url));

export interface LabOptions {
  start?: LabStart;
  sourcePods?: number;
  targetPods?: number;
  /** Requests per second of the load generator over both CLBs; 0: no load. */
  rps?: number;
  /** The load's long-lived keep-alive connections (which a CLB weight of 0 does not move); false: none. */
  longLived?: LongLivedOptions | false;
  /** From an annotation change to the CLB's new backend weights; default 500 ms. */
  ccmDelayMs?: number;
  routeMissingOnTarget?: boolean;
  /**
   * The first three octets of the pods' loopback IPs, e.g. `127.0.10.` (default): two labs at once need
   * two. The lab's three nodes take .201 to .203 of it.
   */
  podIpPrefix?: string;
  /**
   * What the CCM makes the CLB backends: `eni` (default) the pods; `cluster` every node, `local` the
   * nodes running the gateway's pods, each node forwarding its NodePorts to the pods.
   */
  backendMode?: BackendMode;
  log?: (line: string) => void;
}

export interface Lab {
  /** What the gateshift worker needs in its environment to reach the lab (kubeconfig, CLB and ASM APIs, Prometheus). */
  workerEnv: Record<string, string>;
  emulator: SlbEmulator;
  /** The ASM OpenAPI emulator: its state holds the mesh (versions, upgrades), its faults the API's. */
  asmApi: AsmApiEmulator;
  /** The lab's ASM instance id (ServiceMeshId). */
  meshId: string;
  /** Admin kubeconfig files of the data-plane cluster and of the ASM control plane, for tests that play someone else. */
  adminKubeconfigs: { cluster: string; asm: string };
  proxies: ClbProxy[];
  load?: Load;
  prometheusUrl: string;
  faults: LabFaults;
  /** The target gateway's share of each CLB's backend weights right now, in percent. */
  effectiveTargetShares(): Record<string, number>;
  /** Requests the gateway pods answered so far, by version (`1.20.6.29`, …; `latest` for the Istio gateway), pods gone included. */
  servedByVersion(): Record<string, number>;
  /** Each version's share (0..1) of the requests answered since `since` (an earlier servedByVersion()), or since the start. */
  versionShares(since?: Record<string, number>): Record<string, number>;
  /** Puts every CLB back to 100/0 (as an operator would before a new migration) and waits for the CCM. */
  restoreSource(): Promise<void>;
  stop(): Promise<void>;
}

function kubeConfig(path: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config;
}

/** Node names and addresses: the node the ASM gateway's pods run on, and two more. */
function labNodes(prefix: string): LabNode[] {
  return [LAB_NODE, `${LAB_NODE}-2`, `${LAB_NODE}-3`].map((name, i) => ({ name, ip: `${prefix}${201 + i}` }));
}

/** Until every CLB's group has each gateway's backends: every pod (ENI), or some node of each (node modes). */
async function untilRegistered(
  emulator: SlbEmulator,
  clbs: readonly LabClb[],
  pods: number,
  mode: BackendMode,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  const registered = (clb: LabClb) => {
    // The raw lab's group appears once the CCM has created the CLB.
    const backends = emulator.state.vServerGroups.get(clb.vServerGroupId)?.backends ?? [];
    if (mode === 'eni') return backends.length >= pods;
    const of = (service: string) => backends.some((backend) => backend.description?.includes(`/${service}/`));
    return of(clb.sourceService) && of(clb.targetService);
  };
  while (!clbs.every(registered)) {
    if (Date.now() > deadline) throw new Error('the CCM did not register every gateway as CLB backends');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const log = options.log ?? (() => {});
  const asmServing = options.start === 'asm-serving';
  const raw = options.start === 'raw';
  const clbs = raw ? [RAW_CLB] : CLBS;
  const sourcePods = options.sourcePods ?? 2;
  const targetPods = options.targetPods ?? 3;
  const backendMode = options.backendMode ?? 'eni';
  const ipPrefix = options.podIpPrefix ?? '127.0.10.';
  const nodes = labNodes(ipPrefix);
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'gateshift-lab-'));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    log('starting the cluster and the ASM control plane (kube-apiserver + etcd each)');
    const [cluster, asm] = await startClusterPair(stops);

    const accessKeyId = `LTAI${randomBytes(8).toString('hex')}`;
    const accessKeySecret = randomBytes(15).toString('hex');
    const emulator = await startSlbEmulator({ accessKeys: { [accessKeyId]: accessKeySecret } });
    stops.push(() => emulator.stop());
    if (!raw) addLoadBalancers(emulator.state);
    const asmApi = await startAsmApiEmulator({ accessKeys: { [accessKeyId]: accessKeySecret } });
    stops.push(() => asmApi.stop());
    // The ASM gateway is made at the mesh's first version; with the ASM gateway serving, step 1 of its
    // canary upgrade (the control plane's own upgrade) is done.
    const mesh = asmApi.state.addMesh({
      id: ASM_MESH_ID,
      version: asmServing ? ASM_VERSIONS.gateway : ASM_VERSIONS.controlPlane,
    });
    mesh.addGateway(gatewayFullName(GATEWAY_NAMESPACE, TARGET_GATEWAY));
    mesh.upgradeControlPlane(ASM_VERSIONS.controlPlane);
    if (asmServing)
      for (const config of [cluster.adminKubeconfig, asm.adminKubeconfig])
        await applyManifests(kubeConfig(config), [ASM_CANARY_RBAC]);

    log(
      raw
        ? 'building the scene: the Istio gateway and its un-annotated Service (the CCM creates its CLB), bookinfo routes'
        : 'building the scene: gateways, Services with CLB annotations, IstioGateway, bookinfo routes',
    );
    const kubelet = await startKubelet({
      kubeconfig: cluster.adminKubeconfig,
      ipPool: { prefix: ipPrefix, last: 200 },
      nodes: { list: nodes, region: REGION },
      readinessProbes: true,
      // The proxies' drain: the ASM control plane removes a retired pod as soon as the CCM dropped it.
      terminationMs: 10_000,
    });
    stops.push(() => kubelet.stop());
    const ccm = await startCcm({
      kubeconfig: cluster.adminKubeconfig,
      slb: emulator.state,
      clusterId: CLUSTER_ID,
      reconcileDelayMs: options.ccmDelayMs ?? 500,
      ...(raw && { createClbsIn: REGION }),
    });
    stops.push(() => ccm.stop());
    const kubeProxy = await startKubeProxy({ kubeconfig: cluster.adminKubeconfig, nodes });
    stops.push(() => kubeProxy.stop());
    const asmControlPlane = await startAsmControlPlane({
      kubeconfig: asm.adminKubeconfig,
      clusterKubeconfig: cluster.adminKubeconfig,
      mesh: { state: mesh, faults: asmApi.faults },
      // With node backends a pod takes traffic through its node as soon as it is a ready endpoint, and
      // none once it is not: Ready is registered, as without a registry.
      registry:
        backendMode === 'eni'
          ? clbRegistration(
              emulator.state,
              clbs.map((clb) => clb.vServerGroupId),
            )
          : undefined,
    });
    stops.push(() => asmControlPlane.stop());
    await buildScene(kubeConfig(cluster.adminKubeconfig), kubeConfig(asm.adminKubeconfig), {
      sourcePods,
      targetPods,
      routeMissingOnTarget: options.routeMissingOnTarget,
      targetServing: asmServing,
      raw,
      backendMode,
      nodes: nodes.map((node) => node.name),
    });
    const targetsFile = join(dir, 'gateway-targets.json');
    const gateways = await startGatewayRuntime({
      cluster: { config: kubeConfig(cluster.adminKubeconfig), kubeconfig: cluster.adminKubeconfig },
      asm: { kubeconfig: asm.adminKubeconfig },
      targetsFile,
    });
    stops.push(() => gateways.stop());
    // The raw lab has no ASM gateway yet: the migration's preparation creates it.
    const pods = raw ? sourcePods : sourcePods + targetPods;
    await gateways.untilRunning(pods);
    if (raw) {
      await untilRegistered(emulator, [{ ...RAW_CLB, vServerGroupId: RAW_CLB.ccmVServerGroupId }], pods, backendMode);
      // The user's part of the procedure: an empty vServer group of their own for the listener.
      emulator.state.addVServerGroup(RAW_CLB.id, { id: RAW_CLB.vServerGroupId, name: RAW_CLB.userGroupName });
    } else await untilRegistered(emulator, clbs, pods, backendMode);

    log('starting Prometheus (scraping every gateway pod each second) and the CLB proxies');
    const prometheus = await startPrometheus({ targetsFile, metricsPath: METRICS_PATH });
    stops.push(() => prometheus.stop());
    const proxies: ClbProxy[] = [];
    for (const clb of clbs) {
      const proxy = await startClbProxy({
        slb: emulator.state,
        loadBalancerId: clb.id,
        listenerPort: clb.listenerPort,
      });
      proxies.push(proxy);
      stops.push(() => proxy.stop());
    }
    const rps = options.rps ?? 200;
    const load =
      rps > 0
        ? startLoad({
            targets: proxies.map((proxy) => ({ url: `http://127.0.0.1:${proxy.port}${ROUTE.path}`, host: ROUTE.host })),
            rps,
            ...(options.longLived !== false && { longLived: options.longLived ?? LAB_LONG_LIVED }),
          })
        : undefined;
    if (load) stops.push(() => load.stop());

    const workerKubeconfig = join(dir, 'worker.kubeconfig');
    writeWorkerKubeconfig(
      workerKubeconfig,
      { cluster: cluster.workerKubeconfig, asm: asm.workerKubeconfig },
      'cluster',
    );
    const faults = createLabFaults({
      gateways,
      emulator,
      asmApi,
      ccm,
      cluster,
      asmAdminKubeconfig: asm.adminKubeconfig,
    });
    log(
      `lab ready: ${sourcePods} Istio and ${raw ? 'no' : targetPods} ASM gateway pods behind ${clbs.length} CLB(s) (${backendMode} backends)` +
        ` (${asmServing ? 'ASM' : 'Istio'} serving${raw ? ', raw: not prepared' : ''}), ${rps} requests/s`,
    );
    return {
      workerEnv: {
        KUBECONFIG: workerKubeconfig,
        GATESHIFT_ASM_KUBECONTEXT: 'asm',
        GATESHIFT_SLB_ENDPOINT: emulator.endpoint,
        GATESHIFT_SLB_PROTOCOL: 'http',
        GATESHIFT_ASM_ENDPOINT: asmApi.endpoint,
        GATESHIFT_ASM_PROTOCOL: 'http',
        GATESHIFT_LAB_ASM_MESH_ID: ASM_MESH_ID,
        ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret,
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
        PROMETHEUS_URL: prometheus.url,
      },
      emulator,
      asmApi,
      meshId: ASM_MESH_ID,
      adminKubeconfigs: { cluster: cluster.adminKubeconfig, asm: asm.adminKubeconfig },
      proxies,
      load,
      prometheusUrl: prometheus.url,
      faults,
      effectiveTargetShares: () => effectiveTargetShares(emulator, clbs),
      servedByVersion: () => gateways.servedByVersion(),
      versionShares: (since) => versionShares(gateways.servedByVersion(), since),
      async restoreSource() {
        await restoreWeights(kubeConfig(cluster.adminKubeconfig), clbs);
        const deadline = Date.now() + 30_000;
        while (Object.values(effectiveTargetShares(emulator, clbs)).some((share) => share !== 0)) {
          if (Date.now() > deadline) throw new Error('the CCM did not restore 100/0');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { SOURCE_GATEWAY, TARGET_GATEWAY };

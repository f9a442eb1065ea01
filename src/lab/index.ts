// The lab: a world of real servers (two kube-apiservers with etcd — the cluster and the ASM control
// plane —, Prometheus) and small simulators (the CLB API and its data plane, the CCM, the kubelet,
// the ASM control plane, the gateways, a load generator), in which gateshift migrates real HTTP
// traffic. One function starts it and stops it; tests and the demo use it, the product never does.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { effectiveShares } from '../plan/weights.js';
import { startAsmControlPlane } from './asm/index.js';
import { startCcm } from './ccm/index.js';
import { startTestCluster, type TestCluster } from './cluster/index.js';
import { createLabFaults, type LabFaults } from './faults.js';
import { startGatewayRuntime } from './gateway-runtime.js';
import { writeWorkerKubeconfig } from './kube/worker-kubeconfig.js';
import { startKubelet } from './kubelet/index.js';
import { type Load, startLoad } from './load/index.js';
import { CLBS, CLUSTER_ID, GATEWAY_NAMESPACE, ROUTE, SOURCE_GATEWAY, TARGET_GATEWAY } from './names.js';
import { startPrometheus } from './prometheus.js';
import { type ClbProxy, startClbProxy } from './proxy/index.js';
import { addLoadBalancers, buildScene, restoreWeights } from './scene.js';
import { type SlbEmulator, startSlbEmulator } from './slb/server.js';

export interface LabOptions {
  sourcePods?: number;
  targetPods?: number;
  /** Requests per second of the load generator over both CLBs; 0: no load. */
  rps?: number;
  /** From an annotation change to the CLB's new backend weights; default 500 ms. */
  ccmDelayMs?: number;
  routeMissingOnTarget?: boolean;
  log?: (line: string) => void;
}

export interface Lab {
  /** What the gateshift worker needs in its environment to reach the lab (kubeconfig, CLB API, Prometheus). */
  workerEnv: Record<string, string>;
  emulator: SlbEmulator;
  proxies: ClbProxy[];
  load?: Load;
  prometheusUrl: string;
  faults: LabFaults;
  /** The target gateway's share of each CLB's backend weights right now, in percent. */
  effectiveTargetShares(): Record<string, number>;
  /** Puts every CLB back to 100/0 (as an operator would before a new migration) and waits for the CCM. */
  restoreSource(): Promise<void>;
  stop(): Promise<void>;
}

function kubeConfig(path: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config;
}

async function untilRegistered(emulator: SlbEmulator, pods: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (CLBS.some((clb) => emulator.state.requireVServerGroup(clb.vServerGroupId).backends.length < pods)) {
    if (Date.now() > deadline) throw new Error('the CCM did not register every gateway pod as a CLB backend');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function effectiveTargetShares(emulator: SlbEmulator): Record<string, number> {
  return Object.fromEntries(
    CLBS.map((clb) => {
      const backends = emulator.state.requireVServerGroup(clb.vServerGroupId).backends;
      const weightOf = (service: string) =>
        backends
          .filter((backend) => backend.description?.includes(`/${service}/${GATEWAY_NAMESPACE}/`))
          .reduce((sum, backend) => sum + backend.weight, 0);
      return [clb.id, effectiveShares(weightOf(clb.sourceService), weightOf(clb.targetService)).target];
    }),
  );
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const log = options.log ?? (() => {});
  const sourcePods = options.sourcePods ?? 2;
  const targetPods = options.targetPods ?? 3;
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'gateshift-lab-'));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    log('starting the cluster and the ASM control plane (kube-apiserver + etcd each)');
    const clusters = await Promise.allSettled([startTestCluster(), startTestCluster()]);
    for (const result of clusters) if (result.status === 'fulfilled') stops.push(result.value.stop);
    const [cluster, asm] = clusters.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    }) as [TestCluster, TestCluster];

    const accessKeyId = `LTAI${randomBytes(8).toString('hex')}`;
    const accessKeySecret = randomBytes(15).toString('hex');
    const emulator = await startSlbEmulator({ accessKeys: { [accessKeyId]: accessKeySecret } });
    stops.push(() => emulator.stop());
    addLoadBalancers(emulator.state);

    log('building the scene: gateways, Services with CLB annotations, IstioGateway, bookinfo routes');
    const kubelet = await startKubelet({ kubeconfig: cluster.adminKubeconfig, ipPool: { prefix: '127.0.10.' } });
    stops.push(() => kubelet.stop());
    const ccm = await startCcm({
      kubeconfig: cluster.adminKubeconfig,
      slb: emulator.state,
      clusterId: CLUSTER_ID,
      reconcileDelayMs: options.ccmDelayMs ?? 500,
    });
    stops.push(() => ccm.stop());
    const asmControlPlane = await startAsmControlPlane({
      kubeconfig: asm.adminKubeconfig,
      clusterKubeconfig: cluster.adminKubeconfig,
    });
    stops.push(() => asmControlPlane.stop());
    await buildScene(kubeConfig(cluster.adminKubeconfig), kubeConfig(asm.adminKubeconfig), {
      sourcePods,
      targetPods,
      routeMissingOnTarget: options.routeMissingOnTarget,
    });
    const gateways = await startGatewayRuntime({
      cluster: { config: kubeConfig(cluster.adminKubeconfig), kubeconfig: cluster.adminKubeconfig },
      asm: { kubeconfig: asm.adminKubeconfig },
      expectedPods: sourcePods + targetPods,
    });
    stops.push(() => gateways.stop());
    await untilRegistered(emulator, sourcePods + targetPods);

    log('starting Prometheus (scraping every gateway pod each second) and the CLB proxies');
    const prometheus = await startPrometheus({
      scrapeTargets: gateways.metricsTargets,
      metricsPath: '/stats/prometheus',
    });
    stops.push(() => prometheus.stop());
    const proxies: ClbProxy[] = [];
    for (const clb of CLBS) {
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
          })
        : undefined;
    if (load) stops.push(() => load.stop());

    const workerKubeconfig = join(dir, 'worker.kubeconfig');
    writeWorkerKubeconfig(
      workerKubeconfig,
      { cluster: cluster.workerKubeconfig, asm: asm.workerKubeconfig },
      'cluster',
    );
    const faults = createLabFaults({ gateways, emulator, ccm, cluster, asmAdminKubeconfig: asm.adminKubeconfig });
    log(
      `lab ready: ${sourcePods} Istio and ${targetPods} ASM gateway pods behind ${CLBS.length} CLBs, ${rps} requests/s`,
    );
    return {
      workerEnv: {
        KUBECONFIG: workerKubeconfig,
        GATESHIFT_ASM_KUBECONTEXT: 'asm',
        GATESHIFT_SLB_ENDPOINT: emulator.endpoint,
        GATESHIFT_SLB_PROTOCOL: 'http',
        ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret,
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
        PROMETHEUS_URL: prometheus.url,
      },
      emulator,
      proxies,
      load,
      prometheusUrl: prometheus.url,
      faults,
      effectiveTargetShares: () => effectiveTargetShares(emulator),
      async restoreSource() {
        await restoreWeights(kubeConfig(cluster.adminKubeconfig));
        const deadline = Date.now() + 30_000;
        while (Object.values(effectiveTargetShares(emulator)).some((share) => share !== 0)) {
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

// Runs a gateway pod simulator on the IP of every started gateway pod of the data-plane cluster, for
// as long as the pod lives: it starts once the kubelet gave the pod its IP (its readiness probe then
// passes), drains once the pod is being deleted, and stops once the pod is gone. The Istio gateway's
// pods route by the cluster's Gateway and VirtualService resources, the ASM gateway's by the ASM
// control plane's, as their Envoys would be configured. Istio's source_workload is the pod's
// Deployment and source_canonical_revision its version label.
import { rename, writeFile } from 'node:fs/promises';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { ownerDeployment } from './asm/gateway-deployment.js';
import { CANARY_LABEL, REVISION_LABEL, STATUS_PORT } from './asm/gateway-workload.js';
import { type GatewayPod, RouteTable, startGatewayPod, watchRoutes } from './gateway/index.js';
import { type GatewayFaultRules, noFaultRules, podFaults } from './gateway-fault-rules.js';
import { type Informer, startInformer } from './kube/informer.js';
import { errorMessage, type LabLogger, silentLogger } from './kube/logger.js';
import { startReconcileLoop } from './kube/reconcile-loop.js';
import { isStarted } from './kubelet/pod-status.js';
import { CONTAINER_PORT, GATEWAY_NAMESPACE, SOURCE_GATEWAY, TARGET_GATEWAY } from './names.js';

/** How long a pod's requests in flight may take once the pod is gone. */
const STOP_DRAIN_MS = 1_000;

export interface GatewayRuntimeOptions {
  cluster: { config: KubeConfig; kubeconfig: string };
  asm: { kubeconfig: string };
  /** Where the host:port of every running pod's metrics go, as a Prometheus file_sd target list. */
  targetsFile: string;
  logger?: LabLogger;
}

export interface GatewayRuntime {
  /** The pods of one gateway (`ingressgateway` or `ingressgateway-asm`) running now. */
  of(gateway: string): GatewayPod[];
  /** Replaces the fault rules; running pods and those started later follow them. */
  setFaults(rules: GatewayFaultRules): void;
  /** Answers given so far by version (the pods' canonical revision), pods already gone included. */
  servedByVersion(): Record<string, number>;
  /** Resolves once this many pods run (rejects after 60 s). */
  untilRunning(pods: number): Promise<void>;
  stop(): Promise<void>;
}

interface RunningPod {
  pod: GatewayPod;
  gateway: string;
  revision: string;
  canary: boolean;
}

const revisionOf = (pod: V1Pod) => pod.metadata?.labels?.[REVISION_LABEL] ?? 'latest';

async function writeTargets(file: string, targets: string[]): Promise<void> {
  // Written aside and renamed, so that Prometheus never reads half a file.
  await writeFile(`${file}.next`, JSON.stringify([{ targets }]));
  await rename(`${file}.next`, file);
}

export async function startGatewayRuntime(options: GatewayRuntimeOptions): Promise<GatewayRuntime> {
  const logger = options.logger ?? silentLogger;
  const tables: Record<string, RouteTable> = { [SOURCE_GATEWAY]: new RouteTable(), [TARGET_GATEWAY]: new RouteTable() };
  const running = new Map<string, RunningPod>();
  const stopping = new Set<Promise<void>>();
  const retiredServed: Record<string, number> = {};
  let rules = noFaultRules();
  let pods: Informer<V1Pod> | undefined;
  let targets = '';
  await writeTargets(options.targetsFile, []);

  const start = async (pod: V1Pod) => {
    const labels = pod.metadata?.labels ?? {};
    const gateway = labels.istio ?? '';
    const routing = tables[gateway];
    if (!routing) return;
    const revision = revisionOf(pod);
    const canary = labels[CANARY_LABEL] === 'true';
    const started = await startGatewayPod({
      ip: pod.status?.podIP ?? '',
      ports: [CONTAINER_PORT],
      podName: pod.metadata?.name ?? '',
      gateway: {
        name: gateway,
        namespace: GATEWAY_NAMESPACE,
        workload: ownerDeployment(pod) ?? `istio-${gateway}`,
        revision,
        labels,
      },
      routing,
      metricsPort: STATUS_PORT,
    });
    Object.assign(started.faults, podFaults(rules, { gateway, revision, canary }));
    running.set(pod.metadata?.uid ?? '', { pod: started, gateway, revision, canary });
  };

  const retire = (uid: string, entry: RunningPod) => {
    running.delete(uid);
    retiredServed[entry.revision] = (retiredServed[entry.revision] ?? 0) + entry.pod.answered;
    const stopped = entry.pod.stop({ drainMs: STOP_DRAIN_MS }).finally(() => stopping.delete(stopped));
    stopping.add(stopped);
  };

  const pass = async () => {
    const current = pods?.list(GATEWAY_NAMESPACE) ?? [];
    const failures: string[] = [];
    for (const pod of current) {
      const uid = pod.metadata?.uid ?? '';
      const entry = running.get(uid);
      if (entry && pod.metadata?.deletionTimestamp) entry.pod.drain();
      if (entry || pod.metadata?.deletionTimestamp || !isStarted(pod)) continue;
      await start(pod).catch((error: unknown) => failures.push(`${pod.metadata?.name}: ${errorMessage(error)}`));
    }
    const uids = new Set(current.map((pod) => pod.metadata?.uid));
    for (const [uid, entry] of running) if (!uids.has(uid)) retire(uid, entry);
    const next = [...running.values()].map((entry) => `${entry.pod.ip}:${STATUS_PORT}`).sort();
    if (next.join() !== targets) {
      targets = next.join();
      await writeTargets(options.targetsFile, next);
    }
    if (failures.length > 0) throw new Error(`gateway pods: ${failures.join('; ')}`);
  };
  const loop = startReconcileLoop({ name: 'gateways', pass, delayMs: 10, resyncMs: 2_000, logger });

  const watches = await Promise.all([
    watchRoutes(options.cluster.kubeconfig, undefined, tables[SOURCE_GATEWAY] as RouteTable),
    watchRoutes(options.asm.kubeconfig, undefined, tables[TARGET_GATEWAY] as RouteTable),
  ]);
  const stop = async () => {
    await pods?.stop();
    await loop.stop();
    for (const [uid, entry] of running) retire(uid, entry);
    await Promise.all([...stopping, ...watches.map((stopWatch) => stopWatch())]);
  };
  try {
    const core = options.cluster.config.makeApiClient(CoreV1Api);
    pods = await startInformer<V1Pod>({
      kubeConfig: options.cluster.config,
      path: `/api/v1/namespaces/${GATEWAY_NAMESPACE}/pods`,
      labelSelector: 'istio',
      list: () => core.listNamespacedPod({ namespace: GATEWAY_NAMESPACE, labelSelector: 'istio' }),
      onChange: () => loop.trigger(),
      logger,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  loop.trigger();

  return {
    of: (gateway) => [...running.values()].filter((entry) => entry.gateway === gateway).map((entry) => entry.pod),
    setFaults(next) {
      rules = next;
      for (const entry of running.values()) Object.assign(entry.pod.faults, podFaults(rules, entry));
    },
    servedByVersion() {
      const served = { ...retiredServed };
      for (const entry of running.values()) served[entry.revision] = (served[entry.revision] ?? 0) + entry.pod.answered;
      return served;
    },
    async untilRunning(count) {
      const deadline = Date.now() + 60_000;
      while (running.size < count) {
        if (Date.now() > deadline) throw new Error(`only ${running.size} of ${count} gateway pods run`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop,
  };
}

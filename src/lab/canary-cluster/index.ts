// The canary-cluster lab: two real kube-apiservers (the source and the target cluster), each with
// ingress gateway pods and a productpage backend stamping its cluster; the source gateway splits the
// bookinfo route by the VirtualService's weights per request and forwards the ServiceEntry host to the
// target cluster's ingress; the source cluster's istiod answers on its debug port what it pushed to each
// gateway pod and what each ACKed; Prometheus scrapes the source gateway pods; a load generator sends
// the route through them. Tests and the demo use it; the product never does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { applyManifests } from '../cluster/apply.js';
import { startClusterPair } from '../cluster/index.js';
import { METRICS_PATH } from '../gateway/pod.js';
import { writeWorkerKubeconfig } from '../kube/worker-kubeconfig.js';
import { type Load, startLoad } from '../load/index.js';
import { startPrometheus } from '../prometheus.js';
import { type Backend, startBackend } from './backend.js';
import { watchMeshConfig } from './config-watch.js';
import { startIstiodDebug } from './istiod-debug.js';
import { type MeshGateway, startMeshGateway } from './mesh-gateway.js';
import {
  APP_NAMESPACE,
  CLUSTERS,
  GATEWAY_PORT,
  GATEWAY_WORKLOAD,
  INGRESS_NAMESPACE,
  ISTIOD,
  LOCAL,
  REMOTE,
  ROUTE,
  STATUS_PORT,
} from './names.js';
import { applyBookinfo, createIngressService, createIstioPod } from './scene.js';

const VIRTUALSERVICE_RBAC = fileURLToPath(new URL('../../../deploy/rbac/virtualservice.yaml', import.meta.url));

export interface CanaryClusterLabOptions {
  /** Source gateway pods; default 3. */
  sourcePods?: number;
  /** Requests per second through the source gateway pods; 0: no load. */
  rps?: number;
  /** From a VirtualService or ServiceEntry change to a gateway pod applying it; default 1 s. */
  propagationDelayMs?: number;
  /** The first three octets of the lab's loopback IPs (default `127.0.20.`): two labs at once need two. */
  ipPrefix?: string;
  log?: (line: string) => void;
}

export interface CanaryClusterLab {
  /** KUBECONFIG (contexts `source`, current, and `target`, as the worker's ServiceAccount) and PROMETHEUS_URL. */
  workerEnv: Record<string, string>;
  adminKubeconfigs: Record<'source' | 'target', string>;
  prometheusUrl: string;
  load?: Load;
  /** The source cluster's ingress gateway pods: their faults (a pod that never picks up config). */
  sourceGateways: MeshGateway[];
  /** The target cluster's backend: its faults (5xx ratio, latency). */
  targetBackend: Backend;
  /** The target ingress address (its Service's load balancer). */
  targetIngress: string;
  /** The source cluster's istiod debug address (its pod's IP, port 15014). */
  istiodUrl: string;
  /** The remote destination's weight each source gateway pod applies now, by pod: the effective target share. */
  effectiveTargetShares(): Record<string, number>;
  stop(): Promise<void>;
}

function kubeConfig(path: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config;
}

export async function startCanaryClusterLab(options: CanaryClusterLabOptions = {}): Promise<CanaryClusterLab> {
  const log = options.log ?? (() => {});
  const prefix = options.ipPrefix ?? '127.0.20.';
  const sourcePods = options.sourcePods ?? 3;
  const propagationDelayMs = options.propagationDelayMs ?? 1_000;
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'gateshift-canary-cluster-'));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    log('starting the source and the target cluster (kube-apiserver + etcd each)');
    const [source, target] = await startClusterPair(stops);
    const sourceConfig = kubeConfig(source.adminKubeconfig);
    const targetConfig = kubeConfig(target.adminKubeconfig);
    await applyManifests(sourceConfig, [VIRTUALSERVICE_RBAC]);

    log('building both clusters: bookinfo Gateway and VirtualService, gateway pods, backends');
    const backendIp = { source: `${prefix}21`, target: `${prefix}41` };
    const backends: Record<string, Backend> = {};
    for (const cluster of [CLUSTERS.source, CLUSTERS.target]) {
      const backend = await startBackend({
        ip: backendIp[cluster],
        port: LOCAL.port,
        cluster,
        podName: `productpage-${cluster}-0`,
      });
      stops.push(() => backend.stop());
      backends[cluster] = backend;
    }
    const services = (cluster: 'source' | 'target') => ({
      [`${LOCAL.host}.${APP_NAMESPACE}.svc.cluster.local`]: { ip: backendIp[cluster], port: LOCAL.port },
    });
    const gateway = async (cluster: 'source' | 'target', index: number, ip: string) => {
      const podName = `${GATEWAY_WORKLOAD}-${cluster}-${index}`;
      const pod = await startMeshGateway({
        ip,
        podName,
        workload: GATEWAY_WORKLOAD,
        namespace: INGRESS_NAMESPACE,
        ports: { traffic: GATEWAY_PORT, status: STATUS_PORT },
        services: services(cluster),
        propagationDelayMs,
      });
      stops.push(() => pod.stop());
      return pod;
    };
    const sourceGateways: MeshGateway[] = [];
    for (let i = 0; i < sourcePods; i++) sourceGateways.push(await gateway('source', i, `${prefix}${11 + i}`));
    const targetGateway = await gateway('target', 0, `${prefix}31`);

    for (const [config, pods] of [
      [sourceConfig, sourceGateways],
      [targetConfig, [targetGateway]],
    ] as const) {
      await applyBookinfo(config);
      const stopWatch = await watchMeshConfig(config, (mesh) => {
        for (const pod of pods) pod.push(mesh);
      });
      stops.push(stopWatch);
    }
    for (const pod of sourceGateways) await createIstioPod(sourceConfig, source.adminKubeconfig, pod.podName, pod.ip);
    await createIstioPod(targetConfig, target.adminKubeconfig, targetGateway.podName, targetGateway.ip);
    const istiodIp = `${prefix}5`;
    const istiod = await startIstiodDebug({
      ip: istiodIp,
      port: ISTIOD.port,
      namespace: INGRESS_NAMESPACE,
      proxies: sourceGateways,
      listenerPort: GATEWAY_PORT,
      istioVersion: ISTIOD.version,
    });
    stops.push(() => istiod.stop());
    await createIstioPod(sourceConfig, source.adminKubeconfig, ISTIOD.pod, istiodIp, 'istiod');
    await createIngressService(targetConfig, targetGateway.ip);
    // The first config reaches the pods after one propagation delay.
    await new Promise((resolve) => setTimeout(resolve, propagationDelayMs + 200));

    log('starting Prometheus (scraping every gateway pod each second)');
    const prometheus = await startPrometheus({
      scrapeTargets: [...sourceGateways, targetGateway].map((pod) => `${pod.ip}:${STATUS_PORT}`),
      metricsPath: METRICS_PATH,
    });
    stops.push(() => prometheus.stop());

    const rps = options.rps ?? 200;
    const load =
      rps > 0
        ? startLoad({
            targets: sourceGateways.map((pod) => ({
              url: `http://${pod.ip}:${GATEWAY_PORT}${ROUTE.path}`,
              host: ROUTE.host,
            })),
            rps,
          })
        : undefined;
    if (load) stops.push(() => load.stop());

    const workerKubeconfig = join(dir, 'worker.kubeconfig');
    writeWorkerKubeconfig(
      workerKubeconfig,
      { source: source.workerKubeconfig, target: target.workerKubeconfig },
      'source',
    );
    log(`lab ready: ${sourcePods} source gateway pods, target ingress at ${targetGateway.ip}, ${rps} requests/s`);
    return {
      workerEnv: { KUBECONFIG: workerKubeconfig, PROMETHEUS_URL: prometheus.url },
      adminKubeconfigs: { source: source.adminKubeconfig, target: target.adminKubeconfig },
      prometheusUrl: prometheus.url,
      load,
      sourceGateways,
      targetBackend: backends.target as Backend,
      targetIngress: targetGateway.ip,
      istiodUrl: `http://${istiodIp}:${ISTIOD.port}`,
      effectiveTargetShares: () =>
        Object.fromEntries(sourceGateways.map((pod) => [pod.podName, pod.applied().weightOf(REMOTE.host)])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Runs a gateway pod simulator on the IP of every Running gateway pod of the data-plane cluster. The
// Istio gateway's pods route by the cluster's Gateway and VirtualService resources, the ASM gateway's
// by the ASM control plane's, as their Envoys would be configured.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { type GatewayPod, RouteTable, startGatewayPod, watchRoutes } from './gateway/index.js';
import { CONTAINER_PORT, GATEWAY_NAMESPACE, SOURCE_GATEWAY, TARGET_GATEWAY } from './names.js';

export const METRICS_PORT = 15020;

export interface GatewayRuntime {
  pods: GatewayPod[];
  /** The pods of one gateway (`ingressgateway` or `ingressgateway-asm`). */
  of(gateway: string): GatewayPod[];
  /** host:port of every pod's /stats/prometheus, for Prometheus. */
  metricsTargets: string[];
  stop(): Promise<void>;
}

async function runningGatewayPods(cluster: KubeConfig, expected: number) {
  const core = cluster.makeApiClient(CoreV1Api);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { items } = await core.listNamespacedPod({ namespace: GATEWAY_NAMESPACE, labelSelector: 'istio' });
    const running = items.filter((pod) => pod.status?.phase === 'Running' && pod.status.podIP);
    if (running.length >= expected) return running;
    if (Date.now() > deadline) throw new Error(`only ${running.length} of ${expected} gateway pods are Running`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function startGatewayRuntime(options: {
  cluster: { config: KubeConfig; kubeconfig: string };
  asm: { kubeconfig: string };
  expectedPods: number;
}): Promise<GatewayRuntime> {
  const tables = { [SOURCE_GATEWAY]: new RouteTable(), [TARGET_GATEWAY]: new RouteTable() };
  const watches = await Promise.all([
    watchRoutes(options.cluster.kubeconfig, undefined, tables[SOURCE_GATEWAY]),
    watchRoutes(options.asm.kubeconfig, undefined, tables[TARGET_GATEWAY]),
  ]);
  const pods: GatewayPod[] = [];
  const byGateway = new Map<string, GatewayPod[]>();
  try {
    for (const pod of await runningGatewayPods(options.cluster.config, options.expectedPods)) {
      const labels = pod.metadata?.labels ?? {};
      const name = labels.istio ?? '';
      const routing = tables[name as keyof typeof tables];
      if (!routing) continue;
      const started = await startGatewayPod({
        ip: pod.status?.podIP as string,
        ports: [CONTAINER_PORT],
        podName: pod.metadata?.name ?? '',
        gateway: { name, namespace: GATEWAY_NAMESPACE, workload: `istio-${name}`, labels },
        routing,
        metricsPort: METRICS_PORT,
      });
      pods.push(started);
      byGateway.set(name, [...(byGateway.get(name) ?? []), started]);
    }
  } catch (error) {
    await Promise.all([...pods.map((pod) => pod.stop()), ...watches.map((stop) => stop())]);
    throw error;
  }
  return {
    pods,
    of: (gateway) => byGateway.get(gateway) ?? [],
    metricsTargets: pods.map((pod) => `${pod.ip}:${METRICS_PORT}`),
    async stop() {
      await Promise.all(pods.map((pod) => pod.stop({ drainMs: 1000 })));
      await Promise.all(watches.map((stop) => stop()));
    },
  };
}

// The objects of both clusters: the bookinfo Gateway and VirtualService (Istio's sample), the ingress
// gateway pods (Running with their loopback IPs, as a kubelet would report them), and in the target
// cluster the ingress Service with its load balancer address.
import { readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';
import { markPodRunning } from '../cluster/index.js';
import { APP_NAMESPACE, GATEWAY_LABELS, GATEWAY_PORT, INGRESS_NAMESPACE, TARGET_INGRESS_SERVICE } from './names.js';

const BOOKINFO = new URL('../bookinfo/bookinfo-gateway.yaml', import.meta.url);

const bookinfoObjects = () =>
  YAML.parseAllDocuments(readFileSync(BOOKINFO, 'utf8')).map(
    (document) => document.toJSON() as { kind: string; metadata: Record<string, unknown> },
  );

export async function applyBookinfo(kubeConfig: KubeConfig): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  for (const name of [INGRESS_NAMESPACE, APP_NAMESPACE])
    await core.createNamespace({ body: { metadata: { name } } }).catch(() => {});
  for (const object of bookinfoObjects()) {
    const plural = object.kind === 'Gateway' ? 'gateways' : 'virtualservices';
    await custom.createNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1beta1',
      plural,
      namespace: APP_NAMESPACE,
      body: {
        ...object,
        apiVersion: 'networking.istio.io/v1beta1',
        metadata: { ...object.metadata, namespace: APP_NAMESPACE },
      },
    });
  }
}

/** A gateway pod object, Running and Ready at `ip`. */
export async function createGatewayPod(kubeConfig: KubeConfig, kubeconfigFile: string, name: string, ip: string) {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedPod({
    namespace: INGRESS_NAMESPACE,
    body: {
      metadata: { name, labels: GATEWAY_LABELS },
      spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.6' }] },
    },
  });
  await markPodRunning(kubeconfigFile, INGRESS_NAMESPACE, name, ip);
}

/** The target ingress Service, its load balancer at `ip` as the cloud's controller would report it. */
export async function createIngressService(kubeConfig: KubeConfig, ip: string): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedService({
    namespace: INGRESS_NAMESPACE,
    body: {
      metadata: { name: TARGET_INGRESS_SERVICE },
      spec: { type: 'LoadBalancer', selector: GATEWAY_LABELS, ports: [{ name: 'http2', port: GATEWAY_PORT }] },
    },
  });
  await core.replaceNamespacedServiceStatus({
    namespace: INGRESS_NAMESPACE,
    name: TARGET_INGRESS_SERVICE,
    body: {
      ...(await core.readNamespacedService({ namespace: INGRESS_NAMESPACE, name: TARGET_INGRESS_SERVICE })),
      status: { loadBalancer: { ingress: [{ ip }] } },
    },
  });
}

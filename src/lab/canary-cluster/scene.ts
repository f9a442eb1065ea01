// The objects of both clusters: the bookinfo Gateway and VirtualService (Istio's sample), the ingress
// gateway pods and the source cluster's istiod pod (Running with their loopback IPs, as a kubelet would
// report them), and in the target cluster the ingress Service with its load balancer address.
import { readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';
import { markPodRunning } from '../cluster/index.js';
import {
  APP_NAMESPACE,
  GATEWAY_LABELS,
  GATEWAY_PORT,
  INGRESS_NAMESPACE,
  ISTIOD,
  TARGET_INGRESS_SERVICE,
} from './names.js';

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

/** A gateway pod (or, `istiod`, the istiod pod) object in the ingress namespace, Running and Ready at `ip`. */
export async function createIstioPod(
  kubeConfig: KubeConfig,
  kubeconfigFile: string,
  name: string,
  ip: string,
  role: 'gateway' | 'istiod' = 'gateway',
) {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const [labels, container, image] =
    role === 'gateway' ? [GATEWAY_LABELS, 'istio-proxy', 'proxyv2'] : [ISTIOD.labels, 'discovery', 'pilot'];
  await core.createNamespacedPod({
    namespace: INGRESS_NAMESPACE,
    body: {
      metadata: { name, labels },
      spec: { containers: [{ name: container, image: `docker.io/istio/${image}:${ISTIOD.version}` }] },
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

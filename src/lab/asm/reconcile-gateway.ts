// Brings one IstioGateway's Service and pods in the data-plane cluster to what it asks for, and
// removes those whose IstioGateway is gone.
import { type CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { type LabLogger, statusOf } from '../kube/logger.js';
import {
  gatewayPod,
  gatewayServiceName,
  gatewayServiceSpec,
  type IstioGateway,
  initialAnnotations,
  OWNER_LABEL,
  samePorts,
  serviceAnnotationPatch,
} from './gateway-workload.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function readService(core: CoreV1Api, namespace: string, name: string): Promise<V1Service | undefined> {
  try {
    return await core.readNamespacedService({ namespace, name });
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function ensureService(core: CoreV1Api, gateway: IstioGateway, logger: LabLogger): Promise<void> {
  const { namespace, name: gatewayName } = gateway.metadata;
  const name = gatewayServiceName(gatewayName);
  const spec = gatewayServiceSpec(gateway);
  const annotations = gateway.spec?.serviceAnnotations ?? {};
  const current = await readService(core, namespace, name);
  if (!current) {
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: {
          name,
          namespace,
          labels: { ...spec.selector, [OWNER_LABEL]: gatewayName },
          annotations: initialAnnotations(annotations),
        },
        spec,
      },
    });
    logger.info(`asm: created Service ${namespace}/${name}`);
    return;
  }
  const body: { metadata?: object; spec?: object } = {};
  const annotationPatch = serviceAnnotationPatch(current.metadata?.annotations, annotations);
  if (annotationPatch) body.metadata = { annotations: annotationPatch };
  const currentPorts = current.spec?.ports ?? [];
  if (!samePorts(currentPorts, spec.ports ?? []) || current.spec?.type !== spec.type) {
    // Keep the node ports the API server gave out for the ports that stay.
    const ports = (spec.ports ?? []).map((port) => {
      const nodePort = currentPorts.find((p) => p.port === port.port)?.nodePort;
      return nodePort && spec.type !== 'ClusterIP' ? { ...port, nodePort } : port;
    });
    body.spec = { type: spec.type, ports };
  }
  if (!body.metadata && !body.spec) return;
  await core.patchNamespacedService({ namespace, name, body }, mergePatch);
  logger.info(
    `asm: updated Service ${namespace}/${name}${body.metadata ? ' annotations' : ''}${body.spec ? ' ports' : ''}`,
  );
}

const createdAt = (pod: V1Pod) => new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
const newestFirst = (a: V1Pod, b: V1Pod) =>
  createdAt(b) - createdAt(a) || (b.metadata?.name ?? '').localeCompare(a.metadata?.name ?? '');

async function ensurePods(core: CoreV1Api, gateway: IstioGateway, logger: LabLogger): Promise<void> {
  const { namespace, name } = gateway.metadata;
  const replicas = gateway.spec?.replicaCount ?? 1;
  const list = await core.listNamespacedPod({ namespace, labelSelector: `${OWNER_LABEL}=${name}` });
  const alive = list.items.filter((pod) => !pod.metadata?.deletionTimestamp).sort(newestFirst);
  for (let i = alive.length; i < replicas; i++) {
    const pod = await core.createNamespacedPod({ namespace, body: gatewayPod(gateway) });
    logger.info(`asm: created pod ${namespace}/${pod.metadata?.name}`);
  }
  for (const pod of alive.slice(0, Math.max(0, alive.length - replicas))) {
    await deleteIgnoringAbsence(() => core.deleteNamespacedPod({ namespace, name: pod.metadata?.name ?? '' }));
    logger.info(`asm: deleted pod ${namespace}/${pod.metadata?.name}`);
  }
}

async function deleteIgnoringAbsence(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

export async function reconcileGateway(core: CoreV1Api, gateway: IstioGateway, logger: LabLogger): Promise<void> {
  await ensureService(core, gateway, logger);
  await ensurePods(core, gateway, logger);
}

/** Deletes the Services and pods made for IstioGateways that no longer exist (in `namespace`, or anywhere). */
export async function removeOrphans(
  core: CoreV1Api,
  gateways: readonly IstioGateway[],
  namespace: string | undefined,
  logger: LabLogger,
): Promise<void> {
  const labelSelector = OWNER_LABEL;
  const exists = (object: V1Service | V1Pod) =>
    gateways.some(
      (gateway) =>
        gateway.metadata.namespace === object.metadata?.namespace &&
        gateway.metadata.name === object.metadata?.labels?.[OWNER_LABEL],
    );
  const [services, pods] = await Promise.all([
    namespace
      ? core.listNamespacedService({ namespace, labelSelector })
      : core.listServiceForAllNamespaces({ labelSelector }),
    namespace ? core.listNamespacedPod({ namespace, labelSelector }) : core.listPodForAllNamespaces({ labelSelector }),
  ]);
  for (const service of services.items.filter((item) => !exists(item))) {
    const { name = '', namespace: ns = '' } = service.metadata ?? {};
    await deleteIgnoringAbsence(() => core.deleteNamespacedService({ name, namespace: ns }));
    logger.info(`asm: deleted Service ${ns}/${name}`);
  }
  for (const pod of pods.items.filter((item) => !exists(item) && !item.metadata?.deletionTimestamp)) {
    const { name = '', namespace: ns = '' } = pod.metadata ?? {};
    await deleteIgnoringAbsence(() => core.deleteNamespacedPod({ name, namespace: ns }));
    logger.info(`asm: deleted pod ${ns}/${name}`);
  }
}

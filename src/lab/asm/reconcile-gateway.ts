// Brings one IstioGateway's Service, Deployments and pods in the data-plane cluster to what it asks
// for, and removes those whose IstioGateway is gone.
import {
  type CoreV1Api,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { gatewayFullName, type Mesh } from '../asm-api/state.js';
import { ignoringAbsence } from '../kube/absence.js';
import type { LabLogger } from '../kube/logger.js';
import { canaryDeploymentName, gatewayDeploymentPlans, ownerDeployment } from './gateway-deployment.js';
import {
  DEFAULT_VERSION,
  gatewayServiceName,
  gatewayServiceSpec,
  type IstioGateway,
  initialAnnotations,
  OWNER_LABEL,
  samePorts,
  serviceAnnotationPatch,
} from './gateway-workload.js';
import {
  type DeploymentContext,
  type DeploymentOutcome,
  reconcileDeployment,
  removeDeployment,
} from './reconcile-deployment.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function ensureService(core: CoreV1Api, gateway: IstioGateway, logger: LabLogger): Promise<void> {
  const { namespace, name: gatewayName } = gateway.metadata;
  const name = gatewayServiceName(gatewayName);
  const spec = gatewayServiceSpec(gateway);
  const annotations = gateway.spec?.serviceAnnotations ?? {};
  const current = await ignoringAbsence(() => core.readNamespacedService({ namespace, name }));
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

async function podsByDeployment(core: CoreV1Api, gateway: IstioGateway): Promise<Map<string, V1Pod[]>> {
  const { namespace, name } = gateway.metadata;
  const list = await core.listNamespacedPod({ namespace, labelSelector: `${OWNER_LABEL}=${name}` });
  const byDeployment = new Map<string, V1Pod[]>();
  for (const pod of list.items) {
    const owner = ownerDeployment(pod);
    if (owner) byDeployment.set(owner, [...(byDeployment.get(owner) ?? []), pod]);
  }
  return byDeployment;
}

/** The mesh the control plane serves: gateway versions and upgrades, and the fault that holds a roll. */
export interface ControlPlaneMesh {
  state: Mesh;
  faults?: { stallUpgrade: boolean };
}

export interface GatewayContext extends DeploymentContext {
  mesh?: ControlPlaneMesh;
}

const settled = (outcome: DeploymentOutcome) => outcome === 'done' || outcome === 'foreign';

/**
 * Brings the gateway's Service and Deployments (main, and canary while annotated) one step closer to
 * what it asks for, and reports an upgrade finished once every main pod runs the new version. True
 * when nothing is under way any more.
 */
export async function reconcileGateway(context: GatewayContext, gateway: IstioGateway): Promise<boolean> {
  const { namespace, name } = gateway.metadata;
  await ensureService(context.core, gateway, context.logger);
  const mesh = context.mesh?.state;
  const record = mesh?.addGateway(gatewayFullName(namespace, name));
  const version = record ? (record.upgradingTo ?? record.version) : DEFAULT_VERSION;
  const plans = gatewayDeploymentPlans(gateway, version, mesh?.version ?? DEFAULT_VERSION);
  const pods = await podsByDeployment(context.core, gateway);
  const podsOf = (deployment: string) => pods.get(deployment) ?? [];
  const stalled = Boolean(record?.upgradingTo && context.mesh?.faults?.stallUpgrade);
  const main = await reconcileDeployment(context, gateway, plans.main, podsOf(plans.main.workload.deployment), stalled);
  if (main === 'done' && record?.upgradingTo) {
    mesh?.finishUpgrade(record);
    context.logger.info(`asm: gateway ${namespace}/${name} upgraded to ${version}`);
  }
  const canaryName = canaryDeploymentName(name);
  const canary = plans.canary
    ? await reconcileDeployment(context, gateway, plans.canary, podsOf(canaryName))
    : (await removeDeployment(context, gateway, canaryName, podsOf(canaryName)))
      ? 'done'
      : 'wait';
  return settled(main) && settled(canary);
}

/** Deletes the Services, Deployments and pods made for IstioGateways that no longer exist (in `namespace`, or anywhere). */
export async function removeOrphans(
  { core, apps, logger }: DeploymentContext,
  gateways: readonly IstioGateway[],
  namespace: string | undefined,
): Promise<void> {
  const labelSelector = OWNER_LABEL;
  const orphan = (object: KubernetesObject) =>
    !object.metadata?.deletionTimestamp &&
    !gateways.some(
      (gateway) =>
        gateway.metadata.namespace === object.metadata?.namespace &&
        gateway.metadata.name === object.metadata?.labels?.[OWNER_LABEL],
    );
  const [services, deployments, pods] = await Promise.all([
    namespace
      ? core.listNamespacedService({ namespace, labelSelector })
      : core.listServiceForAllNamespaces({ labelSelector }),
    namespace
      ? apps.listNamespacedDeployment({ namespace, labelSelector })
      : apps.listDeploymentForAllNamespaces({ labelSelector }),
    namespace ? core.listNamespacedPod({ namespace, labelSelector }) : core.listPodForAllNamespaces({ labelSelector }),
  ]);
  const remove = async (
    kind: string,
    items: KubernetesObject[],
    send: (name: string, ns: string) => Promise<unknown>,
  ) => {
    for (const item of items.filter(orphan)) {
      const { name = '', namespace: ns = '' } = item.metadata ?? {};
      await ignoringAbsence(() => send(name, ns));
      logger.info(`asm: deleted ${kind} ${ns}/${name}`);
    }
  };
  await remove('Service', services.items, (name, ns) => core.deleteNamespacedService({ name, namespace: ns }));
  await remove('Deployment', deployments.items, (name, ns) => apps.deleteNamespacedDeployment({ name, namespace: ns }));
  await remove('pod', pods.items, (name, ns) => core.deleteNamespacedPod({ name, namespace: ns }));
}

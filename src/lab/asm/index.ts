// The lab's ASM control plane: for every IstioGateway (istio.alibabacloud.com/v1beta1) it keeps the
// gateway's Service, Deployment and pods in the data-plane cluster as the IstioGateway asks (the
// canary Deployment while it carries asm.alibabacloud.com/enable-canary-deployment: "true"), rolls
// the pods to a new version when the ASM OpenAPI starts an upgrade, and removes it all when the
// IstioGateway goes. The lab's kubelet then starts the pods.
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, type KubernetesListObject } from '@kubernetes/client-node';
import { gatewayFullName } from '../asm-api/state.js';
import { type Informer, startInformer } from '../kube/informer.js';
import { errorMessage, type LabLogger, silentLogger } from '../kube/logger.js';
import { startReconcileLoop } from '../kube/reconcile-loop.js';
import type { IstioGateway } from './gateway-workload.js';
import type { BackendRegistry } from './reconcile-deployment.js';
import { type ControlPlaneMesh, type GatewayContext, reconcileGateway, removeOrphans } from './reconcile-gateway.js';

export { CANARY_ANNOTATION, canaryDeploymentName } from './gateway-deployment.js';
export {
  CANARY_LABEL,
  gatewaySelector,
  gatewayServiceName,
  LAB_NODE,
  proxyImage,
  REVISION_LABEL,
} from './gateway-workload.js';
export type { BackendRegistry } from './reconcile-deployment.js';
export type { ControlPlaneMesh } from './reconcile-gateway.js';

const GROUP = 'istio.alibabacloud.com';
const VERSION = 'v1beta1';
const PLURAL = 'istiogateways';
const POLL_MS = 150;

export interface AsmControlPlaneOptions {
  /** An admin kubeconfig file of the ASM control plane, where the IstioGateways are. */
  kubeconfig: string;
  /** An admin kubeconfig file of the data-plane cluster, where the Services and pods go; default the same. */
  clusterKubeconfig?: string;
  /** Only IstioGateways of this namespace; default every namespace. */
  namespace?: string;
  /** A pass at least this often, so that deleted pods come back; default 5 s. */
  resyncMs?: number;
  /** The mesh whose versions the gateways run and whose upgrades roll them; without one every pod runs DEFAULT_VERSION. */
  mesh?: ControlPlaneMesh;
  /** Whether the CLBs hold a pod: a rolling update waits for them; without one, Ready is enough. */
  registry?: BackendRegistry;
  logger?: LabLogger;
}

export interface AsmControlPlane {
  stop(): Promise<void>;
}

function loadKubeConfig(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

export async function startAsmControlPlane(options: AsmControlPlaneOptions): Promise<AsmControlPlane> {
  const logger = options.logger ?? silentLogger;
  const controlPlane = loadKubeConfig(options.kubeconfig);
  const custom = controlPlane.makeApiClient(CustomObjectsApi);
  const cluster = loadKubeConfig(options.clusterKubeconfig ?? options.kubeconfig);
  const context: GatewayContext = {
    core: cluster.makeApiClient(CoreV1Api),
    apps: cluster.makeApiClient(AppsV1Api),
    logger,
    registry: options.registry,
    mesh: options.mesh,
  };
  const { namespace } = options;
  let gateways: Informer<IstioGateway> | undefined;
  let poll: NodeJS.Timeout | undefined;

  const pass = async () => {
    const all = gateways?.list(namespace) ?? [];
    const failures: string[] = [];
    let busy = false;
    for (const gateway of all) {
      try {
        busy = !(await reconcileGateway(context, gateway)) || busy;
      } catch (error) {
        failures.push(`${gateway.metadata.namespace}/${gateway.metadata.name}: ${errorMessage(error)}`);
      }
    }
    await removeOrphans(context, all, namespace);
    forgetRemoved(all);
    // Pods starting or draining move with the kubelet and the CCM, whose changes reach no informer here.
    if (busy) poll = setTimeout(() => loop.trigger(), POLL_MS);
    if (failures.length > 0) throw new Error(failures.join('; '));
  };
  /** The gateways this control plane has seen: those whose IstioGateway went leave the mesh. */
  const seen = new Set<string>();
  const forgetRemoved = (all: readonly IstioGateway[]) => {
    const present = new Set(all.map((gateway) => gatewayFullName(gateway.metadata.namespace, gateway.metadata.name)));
    for (const fullName of seen) {
      if (present.has(fullName)) continue;
      options.mesh?.state.removeGateway(fullName);
      seen.delete(fullName);
    }
    for (const fullName of present) seen.add(fullName);
  };
  const loop = startReconcileLoop({ name: 'asm', pass, delayMs: 100, resyncMs: options.resyncMs ?? 5_000, logger });

  const stop = async () => {
    clearTimeout(poll);
    await gateways?.stop();
    await loop.stop();
  };
  try {
    gateways = await startInformer<IstioGateway>({
      kubeConfig: controlPlane,
      path: namespace
        ? `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`
        : `/apis/${GROUP}/${VERSION}/${PLURAL}`,
      list: async () =>
        (namespace
          ? await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL })
          : await custom.listClusterCustomObject({
              group: GROUP,
              version: VERSION,
              plural: PLURAL,
            })) as KubernetesListObject<IstioGateway>,
      onChange: () => loop.trigger(),
      logger,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  loop.trigger();
  return { stop };
}

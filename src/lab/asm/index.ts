// The lab's ASM control plane: for every IstioGateway (istio.alibabacloud.com/v1beta1) it keeps the
// gateway's Service and pods in the data-plane cluster as the IstioGateway asks, and removes them
// when it goes. The lab's kubelet then starts the pods.
import { CoreV1Api, CustomObjectsApi, KubeConfig, type KubernetesListObject } from '@kubernetes/client-node';
import { type Informer, startInformer } from '../kube/informer.js';
import { errorMessage, type LabLogger, silentLogger } from '../kube/logger.js';
import { startReconcileLoop } from '../kube/reconcile-loop.js';
import type { IstioGateway } from './gateway-workload.js';
import { reconcileGateway, removeOrphans } from './reconcile-gateway.js';

export { gatewaySelector, gatewayServiceName, LAB_NODE } from './gateway-workload.js';

const GROUP = 'istio.alibabacloud.com';
const VERSION = 'v1beta1';
const PLURAL = 'istiogateways';

export interface AsmControlPlaneOptions {
  /** An admin kubeconfig file of the ASM control plane, where the IstioGateways are. */
  kubeconfig: string;
  /** An admin kubeconfig file of the data-plane cluster, where the Services and pods go; default the same. */
  clusterKubeconfig?: string;
  /** Only IstioGateways of this namespace; default every namespace. */
  namespace?: string;
  /** A pass at least this often, so that deleted pods come back; default 5 s. */
  resyncMs?: number;
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
  const core = loadKubeConfig(options.clusterKubeconfig ?? options.kubeconfig).makeApiClient(CoreV1Api);
  const { namespace } = options;
  let gateways: Informer<IstioGateway> | undefined;

  const pass = async () => {
    const all = gateways?.list(namespace) ?? [];
    const failures: string[] = [];
    for (const gateway of all) {
      try {
        await reconcileGateway(core, gateway, logger);
      } catch (error) {
        failures.push(`${gateway.metadata.namespace}/${gateway.metadata.name}: ${errorMessage(error)}`);
      }
    }
    await removeOrphans(core, all, namespace, logger);
    if (failures.length > 0) throw new Error(failures.join('; '));
  };
  const loop = startReconcileLoop({ name: 'asm', pass, delayMs: 100, resyncMs: options.resyncMs ?? 5_000, logger });

  const stop = async () => {
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

// Keeps a RouteTable in sync with the Gateway and VirtualService resources of every namespace of one
// cluster. While the API server is away the table keeps what it last saw, as Envoy keeps its last
// configuration; the lab's informer relists when it is back.
import { CustomObjectsApi, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { type Informer, startInformer } from '../kube/informer.js';
import { silentLogger } from '../kube/logger.js';
import type { RouteTable } from './routes.js';

const GROUP = 'networking.istio.io';
const VERSION = 'v1beta1';

/** Resolves once both resources were listed (rejects when a first list fails); returns stop. */
export async function watchRoutes(
  kubeconfigPath: string,
  context: string | undefined,
  table: RouteTable,
): Promise<() => Promise<void>> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  if (context) kubeConfig.setCurrentContext(context);
  const api = kubeConfig.makeApiClient(CustomObjectsApi);

  const watch = async (plural: string, apply: (objects: readonly KubernetesObject[]) => void) => {
    // Changes that arrive with the first list are applied once it is complete.
    let informer: Informer<KubernetesObject> | undefined;
    informer = await startInformer<KubernetesObject>({
      kubeConfig,
      path: `/apis/${GROUP}/${VERSION}/${plural}`,
      list: () => api.listClusterCustomObject({ group: GROUP, version: VERSION, plural }),
      onChange: () => {
        if (informer) apply(informer.list());
      },
      logger: silentLogger,
    });
    apply(informer.list());
    return informer;
  };
  const started = await Promise.allSettled([
    watch('gateways', (objects) => table.setGateways(objects)),
    watch('virtualservices', (objects) => table.setVirtualServices(objects)),
  ]);
  const informers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(informers.map((informer) => informer.stop()));
    throw failed.reason;
  }
  return async () => {
    await Promise.all(informers.map((informer) => informer.stop()));
  };
}

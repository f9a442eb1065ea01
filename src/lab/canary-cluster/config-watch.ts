// istiod's part: watches a cluster's VirtualServices and ServiceEntries and pushes the resulting mesh
// config to every gateway pod of the cluster on each change (each pod applies it after its delay).
import { CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { type Informer, startInformer } from '../kube/informer.js';
import { silentLogger } from '../kube/logger.js';
import { MeshConfig } from './mesh-config.js';

const GROUP = 'networking.istio.io';
const VERSION = 'v1beta1';

export async function watchMeshConfig(
  kubeConfig: KubeConfig,
  push: (config: MeshConfig) => void,
): Promise<() => Promise<void>> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const informers: Partial<Record<string, Informer<KubernetesObject>>> = {};
  const changed = () => {
    const { virtualservices, serviceentries } = informers;
    if (virtualservices && serviceentries) push(MeshConfig.from(virtualservices.list(), serviceentries.list()));
  };
  try {
    for (const plural of ['virtualservices', 'serviceentries']) {
      informers[plural] = await startInformer<KubernetesObject>({
        kubeConfig,
        path: `/apis/${GROUP}/${VERSION}/${plural}`,
        list: () => api.listClusterCustomObject({ group: GROUP, version: VERSION, plural }),
        onChange: changed,
        logger: silentLogger,
      });
    }
  } catch (error) {
    await Promise.all(Object.values(informers).map((informer) => informer?.stop()));
    throw error;
  }
  changed();
  return async () => {
    await Promise.all(Object.values(informers).map((informer) => informer?.stop()));
  };
}

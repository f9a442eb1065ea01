// The VirtualService as the driver reads and edits it: one conditional merge patch of `spec.http` with
// the resourceVersion read, so a write in between fails with 409 and the edit starts again from a fresh
// read, never overwriting what another writer did. Nothing is written when the edit changes nothing.
import { isDeepStrictEqual } from 'node:util';
import { CustomObjectsApi, PatchStrategy } from '@kubernetes/client-node';
import type { VirtualServiceTraffic } from '../../../src/plan/index.js';
import { kubeConfig } from '../../kube/config.js';
import { kubeFailure } from '../../kube/errors.js';
import { getObject, type KubeObject, type ObjectRef } from '../../kube/objects.js';
import { once, withKubeRetries } from '../../kube/request.js';
import { VIRTUAL_SERVICES } from '../../kube/resources.js';
import { movedRoutes, type VirtualServiceSpec } from './routes.js';

export function virtualServiceRef(traffic: VirtualServiceTraffic): ObjectRef {
  const { namespace, name } = traffic.virtualService;
  return { resource: VIRTUAL_SERVICES, namespace, name, context: traffic.kubeContext };
}

export const virtualServiceName = (traffic: VirtualServiceTraffic) =>
  `VirtualService ${traffic.virtualService.namespace}/${traffic.virtualService.name}`;

export async function readVirtualService(traffic: VirtualServiceTraffic): Promise<KubeObject> {
  const object = await getObject(virtualServiceRef(traffic));
  if (!object)
    throw kubeFailure('KubeNotFound', `${virtualServiceName(traffic)} does not exist: check traffic.virtualService`);
  return object;
}

export const specOf = (object: KubeObject) => (object.spec ?? {}) as VirtualServiceSpec;

/** The moved routes' indexes; their problems (a route missing, two local destinations, …) are thrown. */
export function movedIndexes(traffic: VirtualServiceTraffic, spec: VirtualServiceSpec): number[] {
  const { indexes, problems } = movedRoutes(spec, traffic);
  if (problems.length > 0)
    throw kubeFailure('KubeInvalidRequest', `${virtualServiceName(traffic)}: ${problems.join('; ')}`);
  return indexes;
}

export interface SpecEdit {
  /** The spec as stored after the edit. */
  spec: VirtualServiceSpec;
  indexes: number[];
  changed: boolean;
}

/** Applies `edit` to the moved routes of the stored spec, conditionally on its resourceVersion. */
export async function editVirtualService(
  traffic: VirtualServiceTraffic,
  edit: (spec: VirtualServiceSpec, indexes: number[]) => VirtualServiceSpec | Promise<VirtualServiceSpec>,
): Promise<SpecEdit> {
  const ref = virtualServiceRef(traffic);
  const api = kubeConfig(ref.context).makeApiClient(CustomObjectsApi);
  const where = {
    group: ref.resource.group,
    version: ref.resource.version,
    plural: ref.resource.plural,
    namespace: ref.namespace,
    name: ref.name,
  };
  const { value } = await withKubeRetries(async () => {
    const current = (await once({ verb: 'get', ...ref }, (options) =>
      api.getNamespacedCustomObject(where, options),
    )) as KubeObject;
    const spec = specOf(current);
    const indexes = movedIndexes(traffic, spec);
    let next: VirtualServiceSpec;
    try {
      next = await edit(spec, indexes);
    } catch (error) {
      // The route is not as the edit needs it (e.g. no remote destination yet): no retry changes that.
      throw kubeFailure('KubeInvalidRequest', `${virtualServiceName(traffic)}: ${(error as Error).message}`);
    }
    if (isDeepStrictEqual(next.http, spec.http)) return { spec, indexes, changed: false };
    const body = { metadata: { resourceVersion: current.metadata.resourceVersion }, spec: { http: next.http } };
    const patched = (await once(
      { verb: 'patch', ...ref },
      (options) => api.patchNamespacedCustomObject({ ...where, body }, options),
      PatchStrategy.MergePatch,
    )) as KubeObject;
    if (!isDeepStrictEqual(specOf(patched).http, next.http))
      throw kubeFailure(
        'KubeWriteNotConfirmed',
        `patch ${virtualServiceName(traffic)}: the API server stored other routes than written`,
      );
    return { spec: specOf(patched), indexes, changed: true };
  });
  return value;
}

// One annotation of a custom object (the IstioGateway's canary switch), set or removed as an absolute
// desired state: read, conditional merge patch, read-back; nothing written when it already holds.
import { CustomObjectsApi, PatchStrategy } from '@kubernetes/client-node';
import { kubeConfig } from './config.js';
import { kubeFailure } from './errors.js';
import type { ObjectRef } from './objects.js';
import { once, withKubeRetries } from './request.js';

export interface AnnotationWrite {
  before?: string;
  after?: string;
  changed: boolean;
}

/** `value` null removes the annotation; every other annotation and field stays as it is. */
export async function setObjectAnnotation(ref: ObjectRef, key: string, value: string | null): Promise<AnnotationWrite> {
  const api = kubeConfig(ref.context).makeApiClient(CustomObjectsApi);
  const target = { group: ref.resource.group, version: ref.resource.version, plural: ref.resource.plural };
  const where = { ...target, namespace: ref.namespace, name: ref.name };
  const annotationOf = (object: { metadata?: { annotations?: Record<string, string> } }) =>
    object.metadata?.annotations?.[key];
  const { value: write } = await withKubeRetries(async () => {
    const current = await once({ verb: 'get', ...ref }, (options) => api.getNamespacedCustomObject(where, options));
    const before = annotationOf(current);
    if ((before ?? null) === value) return { before, after: before, changed: false };
    // The resourceVersion makes the patch conditional: a write in between fails with 409 and the
    // attempt starts again from a fresh read.
    const body = { metadata: { resourceVersion: current.metadata?.resourceVersion, annotations: { [key]: value } } };
    const patched = await once(
      { verb: 'patch', ...ref },
      (options) => api.patchNamespacedCustomObject({ ...where, body }, options),
      PatchStrategy.MergePatch,
    );
    const after = annotationOf(patched);
    if ((after ?? null) !== value)
      throw kubeFailure(
        'KubeWriteNotConfirmed',
        `patch ${ref.resource.kind} ${ref.namespace}/${ref.name}: the API server stored ${after === undefined ? 'no' : `"${after}" for the`} annotation ${key}`,
      );
    return { before, after, changed: true };
  });
  return write;
}

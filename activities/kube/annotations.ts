// The four CLB annotations of a gateway Service: read them, and write some of them with a JSON merge
// patch that touches nothing else.
import { PatchStrategy } from '@kubernetes/client-node';
import { CLB_ANNOTATIONS, clbAnnotation } from '../../src/plan/index.js';
import { type KubeCall, kubeFailure } from './errors.js';
import { once, withKubeRetries } from './request.js';
import { SERVICES } from './resources.js';
import { coreApi, readService, type ServiceRef } from './service.js';

export type ClbAnnotationKey = keyof typeof CLB_ANNOTATIONS;
/** Values by short name (`weight`, `vgroupPort`, ...); a missing key is a missing annotation. */
export type ClbAnnotationValues = Partial<Record<ClbAnnotationKey, string>>;

export interface ClbAnnotationsWrite {
  service: ServiceRef;
  /** The four annotations as they were before the write. */
  before: ClbAnnotationValues;
  /** The four annotations as the API server stored them. */
  after: ClbAnnotationValues;
  /** false when the Service already carried every value and nothing was written. */
  changed: boolean;
  /** Read-and-write attempts it took; more than one after a conflict or a transient failure. */
  attempts: number;
}

const KEYS = Object.keys(CLB_ANNOTATIONS) as ClbAnnotationKey[];

/** The values the CCM reads: the `alibaba-cloud-` key, else the legacy `alicloud-` one. */
function clbValues(annotations: Record<string, string> | undefined): ClbAnnotationValues {
  const values: ClbAnnotationValues = {};
  for (const key of KEYS) {
    const value = clbAnnotation(annotations, CLB_ANNOTATIONS[key]);
    if (value !== undefined) values[key] = value;
  }
  return values;
}

export async function readClbAnnotations(ref: ServiceRef): Promise<ClbAnnotationValues> {
  return clbValues((await readService(ref)).metadata?.annotations);
}

/** Sets the given annotations, leaves every other annotation and field as it is; idempotent. */
export async function patchClbAnnotations(ref: ServiceRef, values: ClbAnnotationValues): Promise<ClbAnnotationsWrite> {
  const keys = KEYS.filter((key) => values[key] !== undefined);
  const call = (verb: KubeCall['verb']): KubeCall => ({
    verb,
    resource: SERVICES,
    namespace: ref.namespace,
    name: ref.service,
    context: ref.context,
  });
  const core = coreApi(ref.context);
  const { value, attempts } = await withKubeRetries(async () => {
    const current = await once(call('get'), (options) =>
      core.readNamespacedService({ namespace: ref.namespace, name: ref.service }, options),
    );
    const before = clbValues(current.metadata?.annotations);
    if (keys.every((key) => before[key] === values[key])) return { before, after: before, changed: false };
    // The resourceVersion makes the patch conditional, so `before` is exactly what it replaced: a write
    // in between fails with 409 and the whole attempt starts again from a fresh read.
    const body = {
      metadata: {
        resourceVersion: current.metadata?.resourceVersion,
        annotations: Object.fromEntries(keys.map((key) => [CLB_ANNOTATIONS[key], values[key]])),
      },
    };
    const patched = await once(
      call('patch'),
      (options) => core.patchNamespacedService({ namespace: ref.namespace, name: ref.service, body }, options),
      PatchStrategy.MergePatch,
    );
    // The patch answers with the object as stored: the read-back, with no other writer in between.
    const after = clbValues(patched.metadata?.annotations);
    const missed = keys.filter((key) => after[key] !== values[key]);
    if (missed.length)
      throw kubeFailure(
        'KubeWriteNotConfirmed',
        `patch Service ${ref.namespace}/${ref.service}: the API server stored other values for ${missed.map((key) => CLB_ANNOTATIONS[key]).join(', ')} (a mutating webhook?)`,
      );
    return { before, after, changed: true };
  });
  return { service: ref, ...value, attempts };
}

/** Sets the CLB weight annotation (an integer 0..100) of one Service. */
export async function writeWeightAnnotation(ref: ServiceRef, weight: number): Promise<ClbAnnotationsWrite> {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100)
    throw kubeFailure(
      'KubeInvalidRequest',
      `weight for Service ${ref.namespace}/${ref.service} must be an integer from 0 to 100, not ${weight}`,
    );
  return patchClbAnnotations(ref, { weight: String(weight) });
}

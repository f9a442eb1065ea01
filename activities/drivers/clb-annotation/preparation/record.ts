// What a preparation action found before it changed anything, kept as an annotation on the source
// Service, so that its undo (later, maybe from another worker) restores exactly that. The first attempt
// writes the record; a retry finds it and keeps it, since by then the world already holds its changes.
import { PatchStrategy } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import type { ClbTraffic, Json } from '../../../../src/plan/index.js';
import { kubeRequest } from '../../../kube/request.js';
import { SERVICES } from '../../../kube/resources.js';
import { coreApi, readService, type ServiceRef, serviceRef } from '../../../kube/service.js';

const RECORD_PREFIX = 'gateshift.io/';

/** The CLB being prepared and the Service its records live on, the source's (prepare takes one CLB). */
export function preparedClb(traffic: ClbTraffic) {
  const [lb] = traffic.loadBalancers;
  if (!lb) throw ApplicationFailure.nonRetryable('the plan names no CLB', 'InvalidPlan');
  return { lb, source: serviceRef(traffic.source, lb.sourceService) };
}

export async function readRecord<T extends Json>(ref: ServiceRef, key: string): Promise<T | undefined> {
  const value = (await readService(ref)).metadata?.annotations?.[RECORD_PREFIX + key];
  return value === undefined ? undefined : (JSON.parse(value) as T);
}

/** A merge patch of the Service's annotations: a null value removes the key. */
export async function patchAnnotations(ref: ServiceRef, annotations: Record<string, string | null>): Promise<void> {
  await kubeRequest(
    { verb: 'patch', resource: SERVICES, namespace: ref.namespace, name: ref.service, context: ref.context },
    (options) =>
      coreApi(ref.context).patchNamespacedService(
        { namespace: ref.namespace, name: ref.service, body: { metadata: { annotations } } },
        options,
      ),
    PatchStrategy.MergePatch,
  );
}

/** Keeps `found` unless an earlier attempt recorded the state before it; returns the record that holds. */
export async function recordOnce<T extends Json>(ref: ServiceRef, key: string, found: T): Promise<T> {
  const earlier = await readRecord<T>(ref, key);
  if (earlier !== undefined) return earlier;
  await patchAnnotations(ref, { [RECORD_PREFIX + key]: JSON.stringify(found) });
  return found;
}

export const dropRecord = (ref: ServiceRef, key: string) => patchAnnotations(ref, { [RECORD_PREFIX + key]: null });

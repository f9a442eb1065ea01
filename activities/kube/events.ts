// The cloud controller manager reports what it could not do to a Service's CLB (a vgroup-port naming a
// vServer group that does not exist, a CLB still tagged as not reusable, ...) only as Warning Events.
import { kubeRequest } from './request.js';
import { EVENTS } from './resources.js';
import { coreApi, type ServiceRef } from './service.js';

export interface CcmEvent {
  /** e.g. SyncLoadBalancerFailed, UnAvailableLoadBalancer */
  reason: string;
  message: string;
  count: number;
  /** ISO time the event was last seen. */
  lastSeen?: string;
  /** The reporting component, e.g. service-controller or nlb-controller. */
  component?: string;
}

/** The Warning Events on the Service, oldest first; only those last seen at or after `since` (ISO time) when given. */
export async function readCcmEvents(ref: ServiceRef, since?: string): Promise<CcmEvent[]> {
  const fieldSelector = `involvedObject.kind=Service,involvedObject.name=${ref.service},type=Warning`;
  const call = { verb: 'list', resource: EVENTS, namespace: ref.namespace, context: ref.context } as const;
  const list = await kubeRequest(call, (options) =>
    coreApi(ref.context).listNamespacedEvent({ namespace: ref.namespace, fieldSelector }, options),
  );
  const from = since === undefined ? undefined : Date.parse(since);
  return list.items
    .map((event) => {
      const last = event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp;
      return {
        reason: event.reason ?? '',
        message: event.message ?? '',
        count: event.series?.count ?? event.count ?? 1,
        lastSeen: last ? new Date(last).toISOString() : undefined,
        component: event.reportingComponent || event.source?.component || undefined,
      };
    })
    .filter((event) => from === undefined || (event.lastSeen !== undefined && Date.parse(event.lastSeen) >= from))
    .sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
}

// Events on a Service as the CCM's event recorder posts them: the same reason and message again
// bumps the count and last timestamp of the one Event instead of creating another.
import { randomBytes } from 'node:crypto';
import { type CoreV1Api, PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { statusOf } from '../kube/logger.js';

export const CCM_COMPONENT = 'cloud-controller-manager';

export interface ServiceEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ServiceEventRecorder {
  record(service: V1Service, event: ServiceEvent): Promise<void>;
}

export function serviceEventRecorder(core: CoreV1Api): ServiceEventRecorder {
  /** `uid|type|reason|message` → the Event's name and count. */
  const posted = new Map<string, { name: string; count: number }>();
  return {
    async record(service, { type, reason, message }) {
      const namespace = service.metadata?.namespace ?? 'default';
      const key = [service.metadata?.uid, type, reason, message].join('|');
      const now = new Date();
      const previous = posted.get(key);
      if (previous) {
        const count = previous.count + 1;
        try {
          await core.patchNamespacedEvent(
            { name: previous.name, namespace, body: { count, lastTimestamp: now.toISOString() } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
          posted.set(key, { name: previous.name, count });
          return;
        } catch (error) {
          // Deleted meanwhile (or expired): post a new one.
          if (statusOf(error) !== 404) throw error;
        }
      }
      const name = `${service.metadata?.name}.${now.getTime().toString(16)}${randomBytes(4).toString('hex')}`;
      await core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Service',
            name: service.metadata?.name,
            namespace,
            uid: service.metadata?.uid,
            resourceVersion: service.metadata?.resourceVersion,
          },
          type,
          reason,
          message,
          source: { component: CCM_COMPONENT },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
      posted.set(key, { name, count: 1 });
    },
  };
}

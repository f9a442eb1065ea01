// The status a kubelet reports for a pod whose containers all started and passed readiness.
import type { V1Pod } from '@kubernetes/client-node';

const CONDITIONS = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'];

/** The lab's nodes all live on this host. */
export const HOST_IP = '127.0.0.1';

/** As JSON for a merge patch of pods/status, timestamps in whole seconds as the API keeps them. */
export function runningStatus(pod: V1Pod, ip: string, now: Date): Record<string, unknown> {
  const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    phase: 'Running',
    hostIP: HOST_IP,
    podIP: ip,
    podIPs: [{ ip }],
    startTime: time,
    conditions: CONDITIONS.map((type) => ({ type, status: 'True', lastTransitionTime: time })),
    containerStatuses: (pod.spec?.containers ?? []).map((container) => ({
      name: container.name,
      image: container.image ?? '',
      imageID: '',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: time } },
    })),
  };
}

/** Running and Ready with an IP. */
export function isRunningReady(pod: V1Pod): boolean {
  const status = pod.status;
  return (
    status?.phase === 'Running' &&
    Boolean(status.podIP) &&
    (status.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True')
  );
}

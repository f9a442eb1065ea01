// The status a kubelet reports for a pod whose containers all started, ready or not (readiness).
import type { V1Pod } from '@kubernetes/client-node';

/** The lab's nodes all live on this host. */
export const HOST_IP = '127.0.0.1';

const timestamp = (now: Date) => now.toISOString().replace(/\.\d+Z$/, 'Z');

/** The conditions and container statuses of a started pod, as JSON for a merge patch of pods/status. */
export function readinessStatus(pod: V1Pod, ready: boolean, now: Date): Record<string, unknown> {
  const time = timestamp(now);
  const startedAt = pod.status?.startTime ? timestamp(new Date(pod.status.startTime)) : time;
  const readiness = ready ? 'True' : 'False';
  return {
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: startedAt },
      { type: 'Initialized', status: 'True', lastTransitionTime: startedAt },
      { type: 'ContainersReady', status: readiness, lastTransitionTime: time },
      { type: 'Ready', status: readiness, lastTransitionTime: time },
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((container) => ({
      name: container.name,
      image: container.image ?? '',
      imageID: '',
      ready,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
    })),
  };
}

/** As JSON for a merge patch of pods/status, timestamps in whole seconds as the API keeps them. */
export function runningStatus(pod: V1Pod, ip: string, now: Date, ready = true): Record<string, unknown> {
  const started = { ...pod, status: { ...pod.status, startTime: now } };
  return {
    phase: 'Running',
    hostIP: HOST_IP,
    podIP: ip,
    podIPs: [{ ip }],
    startTime: timestamp(now),
    ...readinessStatus(started, ready, now),
  };
}

/** Running with an IP: its containers started. */
export function isStarted(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && Boolean(pod.status.podIP);
}

export function isReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

/** Running and Ready with an IP. */
export function isRunningReady(pod: V1Pod): boolean {
  return isStarted(pod) && isReady(pod);
}

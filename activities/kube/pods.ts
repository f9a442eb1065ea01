// The pods of a gateway, found by its label selector, with what the CLB and the probes need of them.
import type { GatewayRef } from '../../src/plan/index.js';
import { kubeFailure } from './errors.js';
import { kubeRequest } from './request.js';
import { PODS } from './resources.js';
import { coreApi } from './service.js';

export interface GatewayPodsRef {
  namespace: string;
  selector: GatewayRef['selector'];
  context?: string;
}

export interface GatewayPod {
  name: string;
  /** Absent until the pod has been given an address. */
  ip?: string;
  /** Running, Ready condition true, and not being deleted. */
  ready: boolean;
  phase: string;
  nodeName?: string;
}

export async function listGatewayPods(ref: GatewayPodsRef): Promise<GatewayPod[]> {
  const labelSelector = Object.entries(ref.selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  if (!labelSelector)
    throw kubeFailure(
      'KubeInvalidRequest',
      `gateway pods in ${ref.namespace}: an empty selector would select every pod of the namespace`,
    );
  const call = { verb: 'list', resource: PODS, namespace: ref.namespace, context: ref.context } as const;
  const list = await kubeRequest(call, (options) =>
    coreApi(ref.context).listNamespacedPod({ namespace: ref.namespace, labelSelector }, options),
  );
  return list.items
    .map((pod) => {
      const phase = pod.status?.phase ?? 'Unknown';
      const readyCondition = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      return {
        name: pod.metadata?.name ?? '',
        ip: pod.status?.podIP || undefined,
        ready: phase === 'Running' && readyCondition && !pod.metadata?.deletionTimestamp,
        phase,
        nodeName: pod.spec?.nodeName,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

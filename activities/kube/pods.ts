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
  /** The image of each container, by container name. */
  images: Record<string, string>;
  /** The Deployment the pod belongs to (directly, or through its ReplicaSet), when it has one. */
  deployment?: string;
}

/** A ReplicaSet of Deployment `d` is `d-<pod-template-hash>`. */
function deploymentOf(
  owner: { kind?: string; name?: string } | undefined,
  hash: string | undefined,
): string | undefined {
  if (owner?.kind === 'Deployment') return owner.name;
  if (owner?.kind === 'ReplicaSet' && owner.name && hash && owner.name.endsWith(`-${hash}`))
    return owner.name.slice(0, -hash.length - 1);
  return undefined;
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
        images: Object.fromEntries(
          (pod.spec?.containers ?? []).map((container) => [container.name, container.image ?? '']),
        ),
        deployment: deploymentOf(pod.metadata?.ownerReferences?.[0], pod.metadata?.labels?.['pod-template-hash']),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

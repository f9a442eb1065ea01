// The labels of the pods of a namespace, whatever they are: what a pre-flight shows next to a gateway
// selector that matches no pod, so the operator sees which labels are there instead.
import { kubeRequest } from './request.js';
import { PODS } from './resources.js';
import { coreApi } from './service.js';

export interface LabelledPod {
  name: string;
  labels: Record<string, string>;
}

/** Up to `limit` pods of the namespace with their labels. */
export async function namespacePodLabels(namespace: string, context?: string, limit = 200): Promise<LabelledPod[]> {
  const call = { verb: 'list', resource: PODS, namespace, context } as const;
  const list = await kubeRequest(call, (options) => coreApi(context).listNamespacedPod({ namespace, limit }, options));
  return list.items.map((pod) => ({ name: pod.metadata?.name ?? '', labels: pod.metadata?.labels ?? {} }));
}

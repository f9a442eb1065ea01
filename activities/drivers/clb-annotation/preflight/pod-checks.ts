// The gateways' pods, found by the input's selectors: a selector that matches no pod is told apart from
// pods that are not ready, and shown the labels the namespace's pods do carry. The other items work on
// the ready pods found here; when there are none, they say they could not be checked and why.
import type { ChecklistItem } from '../../../../src/api/records.js';
import type { GatewayRef } from '../../../../src/plan/index.js';
import { fail, pass, unchecked } from '../../../checklist.js';
import { explainUnchecked, type Unchecked } from '../../../checklist-causes.js';
import { type LabelledPod, namespacePodLabels } from '../../../kube/namespace-pods.js';
import { listGatewayPods } from '../../../kube/pods.js';
import { readyTarget } from '../../../probe/gateway-pods.js';
import type { ProbeTarget } from '../../../probe/types.js';
import type { ReadyPods } from '../gateway-backends.js';
import type { Side } from './fields.js';

/** The ready pods of a gateway (with the nodes they run on), or why they are not known. */
export type PodsFound = { item: ChecklistItem } & ({ ready: ProbeTarget; placed: ReadyPods } | { missing: Unchecked });

const selectorText = (selector: Record<string, string>) =>
  Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

/** "pods in istio-system carry istio=ingressgateway (2 pods), istio=pilot (1 pod)", or a few label sets. */
export function nearbyLabels(namespace: string, selector: Record<string, string>, pods: LabelledPod[]): string {
  if (pods.length === 0) return `there is no pod in ${namespace} at all`;
  const counts = new Map<string, number>();
  for (const pod of pods)
    for (const key of Object.keys(selector))
      if (key in pod.labels) {
        const label = `${key}=${pod.labels[key]}`;
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
  if (counts.size > 0)
    return `pods in ${namespace} carry ${[...counts].map(([label, n]) => `${label} (${n} pod${n === 1 ? '' : 's'})`).join(', ')}`;
  const shown = pods.slice(0, 3).map((pod) => `${pod.name} (${selectorText(pod.labels) || 'no labels'})`);
  return `no pod in ${namespace} has the label ${Object.keys(selector).join(', ')}; pods there: ${shown.join('; ')}${pods.length > 3 ? `; and ${pods.length - 3} more` : ''}`;
}

export async function gatewayPodsReady(side: Side, gateway: GatewayRef): Promise<PodsFound> {
  const item = `${side} gateway has ready pods`;
  const selector = selectorText(gateway.selector);
  const where = `${gateway.namespace}${gateway.kubeContext ? ` (context ${gateway.kubeContext})` : ''}`;
  const checkInput = `check traffic.${side}.selector (${selector}) and traffic.${side}.namespace (${gateway.namespace}) in the input`;
  try {
    const pods = await listGatewayPods({
      namespace: gateway.namespace,
      selector: gateway.selector,
      context: gateway.kubeContext,
    });
    const ready = readyTarget(gateway, pods);
    if (pods.length === 0) {
      const nearby = nearbyLabels(
        gateway.namespace,
        gateway.selector,
        await namespacePodLabels(gateway.namespace, gateway.kubeContext),
      );
      const why = `no pod in ${where} matches ${selector}: ${nearby}`;
      return {
        item: fail(item, why, checkInput),
        missing: { cause: `no ${side} pod`, why: `no pod matches traffic.${side}.selector` },
      };
    }
    if (ready.pods.length === 0) {
      const states = pods.map((pod) => `${pod.name} (${pod.phase}, not ready)`).join(', ');
      return {
        item: fail(
          item,
          `${pods.length} pod(s) match ${selector}, none is ready: ${states}`,
          `wait for the ${side} gateway's pods to be Ready: kubectl -n ${gateway.namespace} get pods -l ${selector}`,
        ),
        missing: { cause: `no ready ${side} pod`, why: `no ${side} gateway pod is ready` },
      };
    }
    return {
      item: pass(item, `${ready.pods.length} of ${pods.length} pod(s) matching ${selector} ready`),
      ready,
      placed: pods.flatMap((pod) => (pod.ready && pod.ip ? [{ ip: pod.ip, nodeName: pod.nodeName }] : [])),
    };
  } catch (error) {
    const why = explainUnchecked(error, { notFound: checkInput });
    return {
      item: unchecked(item, why.cause, why.why, why.fix ?? 'start again once the API server answers'),
      missing: why,
    };
  }
}

/** The item for a check that needs pods it does not have. */
export function withoutPods(item: string, found: { missing: Unchecked }, side: Side, resource?: string): ChecklistItem {
  const { cause, why } = found.missing;
  return unchecked(
    item,
    cause,
    `${why} (see "${side} gateway has ready pods")`,
    `fix "${side} gateway has ready pods" first`,
    resource,
  );
}

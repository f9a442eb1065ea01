// The preparation's last step, awaited before the first shift (invariant 3): both Services carry the
// annotations (100 and 0), the ASM gateway's pods are ready, registered and healthy in every vServer
// group, the routing is on ASM, and every route answers on each ASM gateway pod as on the Istio pods.
import type { ChecklistItem } from '../../../../src/api/records.js';
import type { ClbTraffic, RouteProbe } from '../../../../src/plan/index.js';
import type { ClbClient } from '../../../clb/client.js';
import type { ConditionState } from '../../../contracts.js';
import { serviceRef } from '../../../kube/service.js';
import { backendsHealthy } from '../preflight/clb-checks.js';
import { clbFields } from '../preflight/fields.js';
import { gatewayPodsReady } from '../preflight/pod-checks.js';
import { gatewaysMigrated, routesAnswer } from '../preflight/route-checks.js';
import { annotationsInPlace } from '../preflight/service-checks.js';

export async function prepared(
  clbClient: (regionId: string) => ClbClient,
  traffic: ClbTraffic,
  routes: RouteProbe[],
): Promise<ConditionState> {
  const [source, target] = await Promise.all([
    gatewayPodsReady('source', traffic.source),
    gatewayPodsReady('target', traffic.target),
  ]);
  const items: ChecklistItem[] = [source.item, target.item];
  for (const [index, lb] of traffic.loadBalancers.entries()) {
    const fields = clbFields(traffic, index);
    const targetRef = serviceRef(traffic.target, lb.targetService);
    items.push(
      ...(await annotationsInPlace('source', serviceRef(traffic.source, lb.sourceService), lb, fields, '100', true)),
    );
    items.push(...(await annotationsInPlace('target', targetRef, lb, fields, '0', true)));
    items.push(...(await backendsHealthy('target', clbClient(lb.region), lb, fields, target, targetRef)));
  }
  items.push(...(await gatewaysMigrated(traffic)), ...(await routesAnswer(routes, source, target)));
  return checklistState(items, 'the ASM gateway is a healthy backend at weight 0 and answers every route');
}

/** Met when every item passes; else what is still open, item by item. */
export function checklistState(items: ChecklistItem[], whenMet: string): ConditionState {
  const open = items.filter((item) => !item.ok);
  return {
    met: open.length === 0,
    message:
      open.length === 0
        ? `${items.length} checks pass: ${whenMet}`
        : open.map((item) => `${item.item}: ${item.why}`).join('; '),
  };
}

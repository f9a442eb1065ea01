// The CLB driver's pre-flight: every precondition of the ASM procedure, checked before any weight moves
// (invariant 3). It returns the whole checklist (item, pass/fail, why, how to fix); the migration stops
// before its first write when any item fails.
import type { ChecklistItem } from '../../../../src/api/records.js';
import type { ClbTraffic, MigrationPlan } from '../../../../src/plan/index.js';
import { fail } from '../../../checklist.js';
import type { ClbClient } from '../../../clb/client.js';
import { serviceRef } from '../../../kube/service.js';
import { gatewayPods } from '../../../probe/gateway-pods.js';
import { clbReusable, listenersCovered, targetBackendsHealthy } from './clb-checks.js';
import { gatewaysMigrated, routesAnswer } from './route-checks.js';
import { annotationsInPlace, portsMatch } from './service-checks.js';

export async function clbPreflight(
  clbClient: (regionId: string) => ClbClient,
  plan: MigrationPlan & { traffic: ClbTraffic },
  progress: (items: ChecklistItem[]) => void,
): Promise<ChecklistItem[]> {
  const { traffic } = plan;
  const items: ChecklistItem[] = [];
  const add = (more: ChecklistItem[]) => {
    items.push(...more);
    progress(items);
  };

  let targetIps: string[] = [];
  try {
    targetIps = (await gatewayPods(traffic.target)).pods.map((pod) => pod.ip);
  } catch (error) {
    add([
      fail(
        'target gateway pods listed',
        error instanceof Error ? error.message : String(error),
        'let the worker list pods in the target namespace',
      ),
    ]);
  }

  const comparedPorts = new Set<string>();
  for (const lb of traffic.loadBalancers) {
    const client = clbClient(lb.region);
    const source = serviceRef(traffic.source, lb.sourceService);
    const target = serviceRef(traffic.target, lb.targetService);
    add(await clbReusable(client, lb));
    add(await listenersCovered(client, lb));
    add(await annotationsInPlace('source', source, lb, '100'));
    add(await annotationsInPlace('target', target, lb, '0'));
    const pair = `${source.namespace}/${source.service}→${target.namespace}/${target.service}`;
    if (!comparedPorts.has(pair)) {
      comparedPorts.add(pair);
      add(await portsMatch(source, target));
    }
    add(await targetBackendsHealthy(client, lb, targetIps));
  }
  add(await gatewaysMigrated(traffic));
  add(await routesAnswer(traffic, plan.routes));
  return items;
}

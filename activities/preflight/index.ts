// The pre-flight: every precondition of the ASM procedure, checked before any weight moves
// (invariant 3). It returns the whole checklist (item, pass/fail, why, how to fix) for the status
// query and the CLI; the migration stops before its first write when any item fails.
import { Context } from '@temporalio/activity';
import type { ClbClient } from '../clb/client.js';
import type { ChecklistItem, PreflightReport, PreflightRequest } from '../contracts.js';
import { serviceRef } from '../kube/service.js';
import { gatewayPods } from '../probe-routes.js';
import { clbReusable, listenersCovered, targetBackendsHealthy } from './clb-checks.js';
import { fail } from './items.js';
import { gatewaysMigrated, routesAnswer } from './route-checks.js';
import { annotationsInPlace, portsMatch } from './service-checks.js';

export function createPreflight(clbClient: (regionId: string) => ClbClient) {
  return async function preflight({ plan }: PreflightRequest): Promise<PreflightReport> {
    const context = Context.current();
    const items: ChecklistItem[] = [];
    const add = (more: ChecklistItem[]) => {
      items.push(...more);
      context.heartbeat({ checked: items.length });
    };

    let targetIps: string[] = [];
    try {
      targetIps = (await gatewayPods(plan.target)).pods.map((pod) => pod.ip);
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
    for (const lb of plan.loadBalancers) {
      const client = clbClient(lb.region);
      const source = serviceRef(plan.source, lb.sourceService);
      const target = serviceRef(plan.target, lb.targetService);
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
    add(await gatewaysMigrated(plan));
    add(await routesAnswer(plan));
    return { ok: items.every((item) => item.ok), items };
  };
}

// The CLB driver's pre-flight: every precondition of the ASM procedure, checked before any weight moves
// (invariant 3). It returns the whole checklist (item, pass/warn/fail/unchecked, why, how to fix); the
// migration stops before its first write when any item is not ok.
import type { ChecklistItem } from '../../../../src/api/records.js';
import type { ClbTraffic, MigrationPlan } from '../../../../src/plan/index.js';
import type { ClbClient } from '../../../clb/client.js';
import { serviceRef } from '../../../kube/service.js';
import { preflightBeforePreparation } from './before-preparation.js';
import { currentPrefix, listenersWeighBackends, weightsParse, weightUpdatesOn } from './ccm-hazards.js';
import { backendsHealthy, clbReusable, listenersCovered } from './clb-checks.js';
import { clbFields } from './fields.js';
import { gatewayPodsReady } from './pod-checks.js';
import { gatewaysMigrated, routesAnswer } from './route-checks.js';
import { annotationsInPlace, portsMatch } from './service-checks.js';
import { type ClbLayouts, readLayouts, sharesAsWeightsSay, weightsCoverBackends } from './share-checks.js';

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
  if (traffic.prepare) {
    await preflightBeforePreparation(clbClient, traffic, add);
    return items;
  }

  const [source, target] = await Promise.all([
    gatewayPodsReady('source', traffic.source),
    gatewayPodsReady('target', traffic.target),
  ]);
  add([source.item, target.item]);

  const comparedPorts = new Set<string>();
  const layouts: ClbLayouts[] = [];
  for (const [index, lb] of traffic.loadBalancers.entries()) {
    const client = clbClient(lb.region);
    const fields = clbFields(traffic, index);
    const sourceRef = serviceRef(traffic.source, lb.sourceService);
    const targetRef = serviceRef(traffic.target, lb.targetService);
    const reusable = await clbReusable(client, lb, fields);
    add(reusable);
    // The SLB API answered about this CLB: it exists, so annotations naming it may be proposed.
    const confirmed = reusable.every((item) => item.status !== 'unchecked');
    add(await listenersCovered(client, lb, fields));
    add(await listenersWeighBackends(client, lb, fields));
    add(await annotationsInPlace('source', sourceRef, lb, fields, '100', confirmed));
    add(await annotationsInPlace('target', targetRef, lb, fields, '0', confirmed));
    const pair = `${sourceRef.namespace}/${sourceRef.service}→${targetRef.namespace}/${targetRef.service}`;
    if (!comparedPorts.has(pair)) {
      comparedPorts.add(pair);
      const services = { refs: { source: sourceRef, target: targetRef }, fields };
      add(await weightsParse(services));
      add(await weightUpdatesOn(services));
      add(await currentPrefix(services));
      add(await portsMatch(sourceRef, targetRef));
    }
    add(await backendsHealthy('target', client, lb, fields, target, targetRef));
    const read = await readLayouts(client, lb, { source: sourceRef, target: targetRef }, source, target);
    if (read) layouts.push(read);
  }
  add([sharesAsWeightsSay(plan, layouts, source, target), weightsCoverBackends(plan, layouts, source, target)]);
  add(await gatewaysMigrated(traffic));
  add(await routesAnswer(plan.routes, source, target));
  return items;
}

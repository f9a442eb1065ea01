// Step 3 of the ASM procedure: the Gateway resources select the ASM gateway, and the ASM gateway's
// pods answer the configured routes the way the Istio gateway's do, with the route's Host header
// sent straight to each pod IP.

import type { ChecklistItem } from '../../../../src/api/records.js';
import type { ClbTraffic, GatewayRef, RouteProbe } from '../../../../src/plan/index.js';
import { fail, guarded, pass } from '../../../checklist.js';
import { copyGateways } from '../../../kube/copy-gateways.js';
import { gatewayPods } from '../../../probe/gateway-pods.js';
import { probePods } from '../../../probe/probe-pods.js';

/** The ASM gateway's name: the `istio` label its pods carry, which the copied Gateways select. */
export function asmGatewayName(target: GatewayRef): string {
  return target.selector.istio ?? target.service;
}

export async function gatewaysMigrated(traffic: ClbTraffic): Promise<ChecklistItem[]> {
  const item = 'Gateway resources select the ASM gateway on the ASM control plane';
  const namespaces = traffic.gatewayNamespaces;
  const fix = `copy the Gateways of ${namespaces.join(', ')} to ASM with spec.selector.istio: ${asmGatewayName(traffic.target)}, and their VirtualServices and DestinationRules unchanged`;
  return guarded(item, fix, async () => {
    const dryRun = await copyGateways({
      namespaces,
      sourceContext: traffic.source.kubeContext,
      sourceSelector: traffic.source.selector,
      asmGatewayName: asmGatewayName(traffic.target),
      dryRun: true,
    });
    const gateways = dryRun.objects.filter((object) => object.kind === 'Gateway');
    if (gateways.length === 0)
      return fail(item, `no Gateway in ${namespaces.join(', ')} selects the source gateway's pods`, fix);
    // An unchanged object is one heading line with no changes under it: only the others tell what to fix.
    const differences = dryRun.diff
      .split('\n')
      .filter((line) => !/^\S.*: unchanged$/.test(line))
      .join('\n');
    return dryRun.changed
      ? fail(item, `the ASM control plane differs from the source cluster:\n${differences}`, fix)
      : pass(
          item,
          `${gateways.length} Gateway(s) and their routes are on ASM, selecting istio: ${asmGatewayName(traffic.target)}`,
        );
  });
}

export async function routesAnswer(traffic: ClbTraffic, routes: RouteProbe[]): Promise<ChecklistItem[]> {
  const item = 'ASM gateway pods answer every route like the Istio gateway';
  if (routes.length === 0)
    return [fail(item, 'no route to probe is configured', 'list the routes the gateways serve under `routes`')];
  return guarded(item, 'copy the VirtualService of each failing route to ASM and check its Gateway', async () => {
    const [target, source] = await Promise.all([gatewayPods(traffic.target), gatewayPods(traffic.source)]);
    const report = await probePods({ target, compareWith: source, routes: routes });
    return report.ok
      ? pass(
          item,
          `${routes.length} route(s) on ${target.pods.length} pod(s): expected status, same class as the source`,
        )
      : fail(
          item,
          report.message ?? 'a probe failed',
          'copy the VirtualService of each failing route to ASM and check its Gateway',
        );
  });
}

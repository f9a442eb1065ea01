// Step 3 of the ASM procedure: the Gateway resources select the ASM gateway, and the ASM gateway's
// pods answer the configured routes the way the Istio gateway's do, with the route's Host header
// sent straight to each pod IP.

import type { ChecklistItem } from '../../../../src/api/records.js';
import { type ClbTraffic, copiedGatewayName, type RouteProbe } from '../../../../src/plan/index.js';
import { fail, guarded, pass } from '../../../checklist.js';
import { copyGateways } from '../../../kube/copy-gateways.js';
import { probePods } from '../../../probe/probe-pods.js';
import { routeLabel } from '../../../probe/send-probe.js';
import type { ProbeResult } from '../../../probe/types.js';
import { type PodsFound, withoutPods } from './pod-checks.js';

export async function gatewaysMigrated(traffic: ClbTraffic): Promise<ChecklistItem[]> {
  const item = 'Gateway resources select the ASM gateway on the ASM control plane';
  const namespaces = traffic.gatewayNamespaces;
  const fix = `copy the Gateways of ${namespaces.join(', ')} to ASM with spec.selector.istio: ${copiedGatewayName(traffic)}, and their VirtualServices and DestinationRules unchanged`;
  const namespacesField = `traffic.gatewayNamespaces (${namespaces.join(', ')})`;
  return guarded(
    item,
    'start again once both API servers answer',
    async () => {
      const dryRun = await copyGateways({
        namespaces,
        sourceContext: traffic.source.kubeContext,
        sourceSelector: traffic.source.selector,
        asmGatewayName: copiedGatewayName(traffic),
        asmContext: traffic.prepare?.asmGateway.asmContext,
        dryRun: true,
      });
      const gateways = dryRun.objects.filter((object) => object.kind === 'Gateway');
      if (gateways.length === 0)
        return fail(
          item,
          `no Gateway in ${namespaces.join(', ')} selects the source gateway's pods`,
          `check ${namespacesField} and traffic.source.selector in the input: list the namespaces of the Gateways that serve the source gateway`,
        );
      // An unchanged object is one heading line with no changes under it: only the others tell what to fix.
      const differences = dryRun.diff
        .split('\n')
        .filter((line) => !/^\S.*: unchanged$/.test(line))
        .join('\n');
      return dryRun.changed
        ? fail(item, `the ASM control plane differs from the source cluster:\n${differences}`, fix)
        : pass(
            item,
            `${gateways.length} Gateway(s) and their routes are on ASM, selecting istio: ${copiedGatewayName(traffic)}`,
          );
    },
    undefined,
    { notFound: `check ${namespacesField} in the input` },
  );
}

/** Routes that fail on the source gateway too: the route is wrong (or the Istio gateway's answer), not ASM. */
function wrongRoutes(
  routes: RouteProbe[],
  baseline: ProbeResult[],
): { index: number; label: string; answers: string }[] {
  return routes.flatMap((route, index) => {
    const label = routeLabel(route);
    const answers = baseline.filter((result) => result.route === label);
    if (answers.length === 0 || answers.some((result) => result.ok)) return [];
    const seen = [
      ...new Set(answers.map((result) => (result.status === undefined ? result.error : `HTTP ${result.status}`))),
    ];
    return [{ index, label, answers: seen.join(', ') }];
  });
}

export async function routesAnswer(
  routes: RouteProbe[],
  source: PodsFound,
  target: PodsFound,
): Promise<ChecklistItem[]> {
  // Validation requires at least one route for this driver.
  const item = 'ASM gateway pods answer every route like the Istio gateway';
  if ('missing' in target) return [withoutPods(item, target, 'target')];
  if ('missing' in source) return [withoutPods(item, source, 'source')];
  const copy = 'copy the VirtualService of each failing route to ASM and check its Gateway';
  return guarded(item, 'start again once the gateway pods answer', async () => {
    const report = await probePods({ target: target.ready, compareWith: source.ready, routes });
    if (report.ok)
      return pass(
        item,
        `${routes.length} route(s) on ${target.ready.pods.length} pod(s): expected status, same class as the source`,
      );
    const wrong = wrongRoutes(routes, report.baseline);
    if (wrong.length === 0) return fail(item, report.message ?? 'a probe failed', copy);
    const fields = wrong.map((route) => `routes[${route.index}]`).join(', ');
    const why = wrong
      .map(
        (route) =>
          `${route.label} (routes[${route.index}]) fails on the Istio gateway ${source.ready.gateway} too (${route.answers}): the route is wrong, not ASM`,
      )
      .join('; ');
    const onlyTarget =
      wrong.length < routes.length &&
      report.results.some((result) => !result.ok && !wrong.some((route) => route.label === result.route));
    return fail(
      item,
      onlyTarget ? `${why}; ${report.message ?? ''}` : why,
      `check ${fields} in the input (host, path, port, expectStatus) against the routes the Istio gateway serves${onlyTarget ? `; for the others: ${copy}` : ''}`,
    );
  });
}

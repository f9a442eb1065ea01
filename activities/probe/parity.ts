// The parity check: for each route, the target's pods must answer in a status class the source's
// pods answer in, so a route that works on the source but not (or differently) on the target shows.
import type { RouteProbe } from '../../src/plan/index.js';
import { routeLabel } from './send-probe.js';
import type { ProbeResult, RouteParity } from './types.js';

export function statusClass(result: Pick<ProbeResult, 'status'>): string {
  return result.status === undefined ? 'no answer' : `${Math.floor(result.status / 100)}xx`;
}

export function routeParity(routes: RouteProbe[], target: ProbeResult[], source: ProbeResult[]): RouteParity[] {
  return routes.map((route) => {
    const label = routeLabel(route);
    const targetResults = target.filter((result) => result.route === label);
    const sourceClasses = unique(
      source.filter((result) => result.route === label && result.status !== undefined).map(statusClass),
    );
    const targetClasses = unique(targetResults.map(statusClass));
    if (sourceClasses.length === 0)
      return {
        route: label,
        ok: false,
        targetClasses,
        sourceClasses,
        message: `${label}: no source pod answered, so there is nothing to compare the target with`,
      };
    const odd = targetResults.filter((result) => !sourceClasses.includes(statusClass(result)));
    if (odd.length === 0) return { route: label, ok: true, targetClasses, sourceClasses };
    const pods = odd.map((result) => `${result.podName} (${statusClass(result)})`).join(', ');
    return {
      route: label,
      ok: false,
      targetClasses,
      sourceClasses,
      message: `${label}: source pods answer ${sourceClasses.join('/')}, target pods ${pods} do not`,
    };
  });
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

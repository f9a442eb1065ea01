// The moved routes of a VirtualService and what the driver does to them, on the object as JSON: which
// HTTP routes move, the remote destination added at weight 0 (and removed), both weights written. Only
// the destinations of the moved routes change; matches, retries, timeouts, headers and every other
// route stay as they were.
import { qualifiedHost, type SideWeights, type VirtualServiceTraffic } from '../../../src/plan/index.js';

export interface Destination {
  destination: { host: string; port?: { number?: number }; subset?: string; [key: string]: unknown };
  weight?: number;
  [key: string]: unknown;
}

export interface HttpRoute {
  name?: string;
  route?: Destination[];
  [key: string]: unknown;
}

export interface VirtualServiceSpec {
  http?: HttpRoute[];
  [key: string]: unknown;
}

export interface RouteWeights {
  /** The route's name, or `#<index>` for one without. */
  route: string;
  /** Absent: the route has no such destination. */
  source?: number;
  target?: number;
}

const routeLabel = (route: HttpRoute, index: number) => route.name ?? `#${index}`;

function sameHost(a: string, b: string, namespace: string): boolean {
  return qualifiedHost(a, namespace) === qualifiedHost(b, namespace);
}

function destinations(route: HttpRoute, traffic: VirtualServiceTraffic) {
  const namespace = traffic.virtualService.namespace;
  const all = route.route ?? [];
  return {
    local: all.filter((d) => sameHost(d.destination.host, traffic.local.host, namespace)),
    remote: all.filter((d) => sameHost(d.destination.host, traffic.remote.host, namespace)),
    others: all.filter(
      (d) =>
        !sameHost(d.destination.host, traffic.local.host, namespace) &&
        !sameHost(d.destination.host, traffic.remote.host, namespace),
    ),
  };
}

/** The indexes of the routes that move, or why they cannot: each names the route and what is wrong. */
export function movedRoutes(
  spec: VirtualServiceSpec,
  traffic: VirtualServiceTraffic,
): { indexes: number[]; problems: string[] } {
  const http = spec.http ?? [];
  const problems: string[] = [];
  let indexes: number[];
  if (traffic.httpRoutes) {
    indexes = [];
    for (const wanted of traffic.httpRoutes) {
      const index = typeof wanted === 'number' ? wanted : http.findIndex((route) => route.name === wanted);
      if (index < 0 || index >= http.length)
        problems.push(
          `traffic.httpRoutes: no HTTP route ${JSON.stringify(wanted)} (routes: ${http.map(routeLabel).join(', ') || 'none'})`,
        );
      else indexes.push(index);
    }
  } else {
    indexes = http.flatMap((route, index) => (destinations(route, traffic).local.length > 0 ? [index] : []));
    if (indexes.length === 0) problems.push(`no HTTP route has the destination ${traffic.local.host}`);
  }
  for (const index of indexes) {
    const route = http[index] as HttpRoute;
    const { local, remote, others } = destinations(route, traffic);
    const label = `route ${routeLabel(route, index)}`;
    if (local.length !== 1)
      problems.push(`${label} has ${local.length} destinations ${traffic.local.host}: the driver moves one`);
    if (remote.length > 1) problems.push(`${label} has ${remote.length} destinations ${traffic.remote.host}`);
    if (others.length > 0)
      problems.push(
        `${label} also sends to ${others.map((d) => d.destination.host).join(', ')}: the driver moves a route with one destination`,
      );
    const port = local[0]?.destination.port?.number;
    if (port !== undefined && port !== traffic.local.port)
      problems.push(
        `${label} sends to ${traffic.local.host} port ${port}, not traffic.local.port ${traffic.local.port}`,
      );
  }
  return { indexes, problems };
}

function remoteDestination(traffic: VirtualServiceTraffic, weight: number): Destination {
  return { destination: { host: traffic.remote.host, port: { number: traffic.remote.port } }, weight };
}

/** Each moved route's weights as the object carries them; a lone destination without weight carries 100. */
export function routeWeights(
  spec: VirtualServiceSpec,
  indexes: number[],
  traffic: VirtualServiceTraffic,
): RouteWeights[] {
  return indexes.map((index) => {
    const route = spec.http?.[index] ?? {};
    const { local, remote } = destinations(route, traffic);
    const lone = (route.route ?? []).length === 1;
    const weightOf = (d: Destination | undefined) => (d ? (d.weight ?? (lone ? 100 : 0)) : undefined);
    return { route: routeLabel(route, index), source: weightOf(local[0]), target: weightOf(remote[0]) };
  });
}

type Edit = (route: HttpRoute, parts: ReturnType<typeof destinations>) => void;

function edited(
  spec: VirtualServiceSpec,
  indexes: number[],
  traffic: VirtualServiceTraffic,
  edit: Edit,
): VirtualServiceSpec {
  const copy = structuredClone(spec);
  for (const index of indexes) {
    const route = copy.http?.[index];
    if (route) edit(route, destinations(route, traffic));
  }
  return copy;
}

/** The remote destination at weight 0 on every moved route that lacks it; the local one at 100. */
export function withRemoteDestination(spec: VirtualServiceSpec, indexes: number[], traffic: VirtualServiceTraffic) {
  return edited(spec, indexes, traffic, (route, { local, remote }) => {
    if (remote.length > 0) return;
    if (local[0]) local[0].weight = 100;
    route.route = [...(route.route ?? []), remoteDestination(traffic, 0)];
  });
}

/** Both weights of every moved route; the remote destination must be there (the preparation added it). */
export function withWeights(
  spec: VirtualServiceSpec,
  indexes: number[],
  traffic: VirtualServiceTraffic,
  weights: SideWeights,
) {
  return edited(spec, indexes, traffic, (route, { local, remote }) => {
    if (!local[0] || !remote[0])
      throw new Error(
        `route ${route.name ?? '(unnamed)'} lacks its ${local[0] ? traffic.remote.host : traffic.local.host} destination: the preparation did not run or was undone`,
      );
    local[0].weight = weights.source;
    remote[0].weight = weights.target;
  });
}

/** The remote destination gone from every moved route (refused while it carries traffic); the local one's weight dropped. */
export function withoutRemoteDestination(spec: VirtualServiceSpec, indexes: number[], traffic: VirtualServiceTraffic) {
  return edited(spec, indexes, traffic, (route, { local, remote }) => {
    if (remote.length === 0) return;
    const carrying = remote.find((d) => (d.weight ?? 0) > 0);
    if (carrying)
      throw new Error(
        `route ${route.name ?? '(unnamed)'} still sends weight ${carrying.weight} to ${traffic.remote.host}: write 100/0 first`,
      );
    route.route = (route.route ?? []).filter((d) => !remote.includes(d));
    if (local[0] && route.route.length === 1) delete local[0].weight;
  });
}

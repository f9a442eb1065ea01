// What an Envoy of the lab's ingress gateway has applied: the VirtualServices (HTTP routes with
// weighted destinations) and the ServiceEntries (host → endpoint address) it last took, the route a
// request takes (a destination drawn per request by weight, as Envoy's weighted clusters do), and the
// `config_dump` the admin port shows for them.
import { z } from 'zod';
import { hostMatches, hostName } from '../gateway/host-match.js';

const destination = z.object({
  destination: z.object({ host: z.string(), port: z.object({ number: z.number() }).partial().optional() }),
  weight: z.number().optional(),
});
const uri = z.object({ exact: z.string(), prefix: z.string(), regex: z.string() }).partial();
const virtualService = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().default('default') }),
  spec: z.object({
    hosts: z.array(z.string()).default([]),
    http: z
      .array(
        z.object({
          name: z.string().optional(),
          match: z.array(z.object({ uri: uri.optional() })).default([]),
          route: z.array(destination).default([]),
        }),
      )
      .default([]),
  }),
});
const serviceEntry = z.object({
  spec: z.object({
    hosts: z.array(z.string()).default([]),
    endpoints: z.array(z.object({ address: z.string() })).default([]),
  }),
});

export interface WeightedDestination {
  /** Qualified as Istio's destination_service. */
  host: string;
  port: number;
  weight: number;
}

export interface AppliedRoute {
  /** `<virtual service>.<route name or index>`. */
  name: string;
  hosts: string[];
  matches: ((path: string) => boolean)[];
  destinations: WeightedDestination[];
}

const qualify = (host: string, namespace: string) =>
  host.includes('.') ? host : `${host}.${namespace}.svc.cluster.local`;

function matcher(match: z.infer<typeof uri> | undefined): (path: string) => boolean {
  if (match?.exact !== undefined) return (path) => path === match.exact;
  if (match?.prefix !== undefined) return (path) => path.startsWith(match.prefix ?? '');
  if (match?.regex !== undefined) {
    const pattern = new RegExp(`^(?:${match.regex})$`);
    return (path) => pattern.test(path);
  }
  return () => true;
}

export class MeshConfig {
  constructor(
    readonly routes: AppliedRoute[] = [],
    /** ServiceEntry host → its endpoint addresses. */
    readonly serviceEntries: Map<string, string[]> = new Map(),
  ) {}

  static from(virtualServices: readonly unknown[], serviceEntries: readonly unknown[]): MeshConfig {
    const routes = virtualServices.flatMap((object) => {
      const parsed = virtualService.safeParse(object);
      if (!parsed.success) return [];
      const { metadata, spec } = parsed.data;
      return spec.http.map((route, index) => ({
        name: `${metadata.name}.${route.name ?? index}`,
        hosts: spec.hosts,
        matches: route.match.map((match) => matcher(match.uri)),
        destinations: route.route.map((d) => ({
          host: qualify(d.destination.host, metadata.namespace),
          port: d.destination.port?.number ?? 80,
          // One destination takes everything; among several, one without a weight takes none.
          weight: d.weight ?? (route.route.length === 1 ? 100 : 0),
        })),
      }));
    });
    const entries = new Map<string, string[]>();
    for (const object of serviceEntries) {
      const parsed = serviceEntry.safeParse(object);
      if (!parsed.success) continue;
      for (const host of parsed.data.spec.hosts)
        entries.set(
          host,
          parsed.data.spec.endpoints.map((endpoint) => endpoint.address),
        );
    }
    return new MeshConfig(routes, entries);
  }

  lookup(hostHeader: string, path: string): AppliedRoute | undefined {
    const host = hostName(hostHeader);
    const pathname = path.split('?')[0] ?? path;
    return this.routes.find(
      (route) =>
        route.hosts.some((pattern) => hostMatches(pattern, host)) &&
        (route.matches.length === 0 || route.matches.some((matches) => matches(pathname))),
    );
  }

  /** The weight of `host` on the first route that sends to it; 0 when none does. */
  weightOf(host: string): number {
    for (const route of this.routes) {
      const destination = route.destinations.find((d) => d.host === host);
      if (destination) return destination.weight;
    }
    return 0;
  }

  /** Envoy's admin /config_dump, its routes part: the weighted clusters of every route. */
  configDump(listenerPort: number): unknown {
    const cluster = (d: WeightedDestination) => `outbound|${d.port}||${d.host}`;
    return {
      configs: [
        {
          '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
          dynamic_route_configs: [
            {
              route_config: {
                '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
                name: `http.${listenerPort}`,
                virtual_hosts: [
                  {
                    name: `*:${listenerPort}`,
                    domains: ['*'],
                    routes: this.routes.map((route) => ({
                      name: route.name,
                      route:
                        route.destinations.length === 1
                          ? { cluster: cluster(route.destinations[0] as WeightedDestination) }
                          : {
                              weighted_clusters: {
                                clusters: route.destinations.map((d) => ({ name: cluster(d), weight: d.weight })),
                              },
                            },
                    })),
                  },
                ],
              },
            },
          ],
        },
      ],
    };
  }
}

/** One destination drawn by weight; undefined when every weight is 0. */
export function drawDestination(
  destinations: WeightedDestination[],
  random = Math.random,
): WeightedDestination | undefined {
  const total = destinations.reduce((sum, d) => sum + d.weight, 0);
  if (total <= 0) return undefined;
  let point = random() * total;
  for (const d of destinations) {
    point -= d.weight;
    if (point < 0) return d;
  }
  return destinations[destinations.length - 1];
}

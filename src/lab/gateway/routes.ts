// What a gateway pod may answer: the Gateway resources that select its labels and the VirtualServices
// bound to them, as Istio turns them into the pod's Envoy routes. The lab keeps one table in sync with
// the API server and every gateway pod looks requests up in it.
import { hostMatches, hostName, specificity } from './host-match.js';
import { parseGateways, parseVirtualServices, type UriMatch } from './istio-config.js';

export interface Route {
  /** `<namespace>/<name>` of the Gateway and of the VirtualService. */
  gateway: string;
  virtualService: string;
  /** The first destination's host, fully qualified: Istio's `destination_service`. */
  destinationService?: string;
}

interface CompiledGateway {
  key: string;
  namespace: string;
  selector: Record<string, string>;
  hosts: string[];
}

interface CompiledHttpRoute {
  matches: ((path: string) => boolean)[];
  destination?: string;
}

interface CompiledVirtualService {
  key: string;
  namespace: string;
  hosts: string[];
  /** `<namespace>/<name>` of the Gateways it binds to (`mesh` dropped). */
  gateways: string[];
  http: CompiledHttpRoute[];
}

function uriMatcher(uri: UriMatch | undefined): (path: string) => boolean {
  if (uri?.exact !== undefined) return (path) => path === uri.exact;
  if (uri?.prefix !== undefined) return (path) => path.startsWith(uri.prefix ?? '');
  if (uri?.regex !== undefined) {
    const pattern = new RegExp(`^(?:${uri.regex})$`);
    return (path) => pattern.test(path);
  }
  return () => true;
}

function qualify(host: string, namespace: string): string {
  return host.includes('.') ? host : `${host}.${namespace}.svc.cluster.local`;
}

/** A Gateway server host is `host`, `./host` (the Gateway's namespace) or `<ns>/host` (`*` for any). */
function admits(gateway: CompiledGateway, host: string, virtualServiceNamespace: string): boolean {
  return gateway.hosts.some((entry) => {
    const slash = entry.indexOf('/');
    const scope = slash === -1 ? '*' : entry.slice(0, slash);
    const namespace = scope === '.' ? gateway.namespace : scope;
    return (namespace === '*' || namespace === virtualServiceNamespace) && hostMatches(entry.slice(slash + 1), host);
  });
}

function selects(selector: Record<string, string>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

export class RouteTable {
  private gateways: CompiledGateway[] = [];
  private virtualServices: CompiledVirtualService[] = [];

  /** Replaces every Gateway (networking.istio.io objects as JSON). */
  setGateways(objects: readonly unknown[]): void {
    this.gateways = parseGateways(objects).map(({ metadata, spec }) => ({
      key: `${metadata.namespace}/${metadata.name}`,
      namespace: metadata.namespace,
      selector: spec.selector,
      hosts: spec.servers.flatMap((server) => server.hosts),
    }));
  }

  /** Replaces every VirtualService; Envoy merges those of one host in creation order. */
  setVirtualServices(objects: readonly unknown[]): void {
    const parsed = parseVirtualServices(objects).sort(
      (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
    this.virtualServices = parsed.flatMap(({ metadata, spec }) => {
      const { namespace } = metadata;
      try {
        return [
          {
            key: `${namespace}/${metadata.name}`,
            namespace,
            hosts: spec.hosts,
            gateways: spec.gateways
              .filter((gateway) => gateway !== 'mesh')
              .map((gateway) => (gateway.includes('/') ? gateway : `${namespace}/${gateway}`)),
            http: spec.http.map((route) => ({
              matches: route.match.map((match) => uriMatcher(match.uri)),
              destination: route.route[0] && qualify(route.route[0].destination.host, namespace),
            })),
          },
        ];
      } catch {
        // An invalid regex: istiod rejects the whole VirtualService.
        return [];
      }
    });
  }

  /** The route a pod with `labels` takes for `host` (a Host header) and `path`; none means Envoy's 404. */
  lookup(labels: Readonly<Record<string, string>>, host: string, path: string): Route | undefined {
    const name = hostName(host);
    const pathname = path.split('?')[0] ?? path;
    const selected = this.gateways.filter((gateway) => selects(gateway.selector, labels));
    const candidates = this.virtualServices.flatMap((virtualService) => {
      const pattern = virtualService.hosts
        .filter((candidate) => hostMatches(candidate, name))
        .sort((a, b) => specificity(b) - specificity(a))[0];
      const gateway = selected.find(
        (candidate) =>
          virtualService.gateways.includes(candidate.key) && admits(candidate, name, virtualService.namespace),
      );
      return pattern !== undefined && gateway ? [{ virtualService, gateway, pattern }] : [];
    });
    // Envoy picks the most specific virtual host, then the first route of it that matches the path.
    const best = Math.max(...candidates.map((candidate) => specificity(candidate.pattern)));
    for (const { virtualService, gateway, pattern } of candidates) {
      if (specificity(pattern) !== best) continue;
      const route = virtualService.http.find(
        (candidate) => candidate.matches.length === 0 || candidate.matches.some((matches) => matches(pathname)),
      );
      if (route)
        return { gateway: gateway.key, virtualService: virtualService.key, destinationService: route.destination };
    }
    return undefined;
  }
}

// The routes of a config dump in the shape of Envoy's admin `config_dump` (istiod's
// `debug/config_dump?proxyID=` answers in it; the data behind `istioctl proxy-config routes`): the
// weighted clusters of each route. Istio names a cluster `outbound|<port>|<subset>|<host>`; a route to
// one cluster carries it whole.
import { qualifiedHost, type SideWeights, type VirtualServiceTraffic } from '../../../src/plan/index.js';

const ROUTES_DUMP = 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump';

interface EnvoyRoute {
  name?: string;
  route?: { cluster?: string; weighted_clusters?: { clusters?: { name?: string; weight?: number }[] } };
}

interface RouteConfig {
  name?: string;
  virtual_hosts?: { name?: string; routes?: EnvoyRoute[] }[];
}

export interface ConfigDump {
  configs?: {
    '@type'?: string;
    dynamic_route_configs?: { route_config?: RouteConfig }[];
    static_route_configs?: { route_config?: RouteConfig }[];
  }[];
}

/** A route of the pod's Envoy that sends to the local or the remote host, with the weight of each. */
export interface AppliedRoute {
  /** `<route config>/<virtual host>/<route name>`. */
  id: string;
  weights: SideWeights;
  /** Whether the route sends to the remote host at all (with weight 0 too). */
  remote: boolean;
}

const hostOfCluster = (cluster: string) => cluster.split('|')[3] ?? cluster;

/** The routes that send to the local or remote host; a route to neither is not the migration's. */
export function appliedRoutes(dump: ConfigDump, traffic: VirtualServiceTraffic): AppliedRoute[] {
  const local = qualifiedHost(traffic.local.host, traffic.virtualService.namespace);
  const remote = traffic.remote.host;
  const found: AppliedRoute[] = [];
  for (const config of dump.configs ?? []) {
    if (config['@type'] !== ROUTES_DUMP) continue;
    const routeConfigs = [...(config.dynamic_route_configs ?? []), ...(config.static_route_configs ?? [])];
    for (const { route_config: routeConfig } of routeConfigs) {
      for (const host of routeConfig?.virtual_hosts ?? []) {
        for (const route of host.routes ?? []) {
          const clusters =
            route.route?.weighted_clusters?.clusters ??
            (route.route?.cluster ? [{ name: route.route.cluster, weight: 100 }] : []);
          const weights = { source: 0, target: 0 };
          let ours = false;
          let remoteCluster = false;
          for (const cluster of clusters) {
            const clusterHost = hostOfCluster(cluster.name ?? '');
            if (clusterHost === local) weights.source += cluster.weight ?? 0;
            else if (clusterHost === remote) {
              weights.target += cluster.weight ?? 0;
              remoteCluster = true;
            } else continue;
            ours = true;
          }
          if (ours)
            found.push({
              id: `${routeConfig?.name ?? ''}/${host.name ?? ''}/${route.name ?? ''}`,
              weights,
              remote: remoteCluster,
            });
        }
      }
    }
  }
  return found;
}

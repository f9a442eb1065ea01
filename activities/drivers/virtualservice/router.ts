// The VirtualService weight router: one conditional write of both weights of every moved route, and
// the read-back of the VirtualService and of every source gateway pod's Envoy, through istiod (what it
// pushes to the pod, and whether the pod ACKed it). A pod whose Envoy has not picked the weights up is
// its own observation, named.
import type { Observation, WeightWrite } from '../../../src/api/records.js';
import { type SideWeights, type VirtualServiceTraffic, virtualServiceResource } from '../../../src/plan/index.js';
import { listGatewayPods } from '../../kube/pods.js';
import type { WeightRouter } from '../driver.js';
import { type AppliedRoute, appliedRoutes } from './config-dump.js';
import { istiodAddresses, proxyId, readProxyConfigDump, readSyncz, routesNotAcked, type SyncStatus } from './istiod.js';
import { routeWeights, withWeights } from './routes.js';
import { editVirtualService, movedIndexes, readVirtualService, specOf } from './virtual-service.js';

const split = (weights: SideWeights) => `${weights.source}/${weights.target}`;
const same = (a: SideWeights, b: SideWeights) => a.source === b.source && a.target === b.target;

/** The VirtualService as stored: every moved route at the desired weights. */
async function observeVirtualService(traffic: VirtualServiceTraffic, desired: SideWeights): Promise<Observation> {
  const spec = specOf(await readVirtualService(traffic));
  const routes = routeWeights(spec, movedIndexes(traffic, spec), traffic).map((route) => ({
    route: route.route,
    weights: { source: route.source ?? 0, target: route.target ?? 0 },
  }));
  const off = routes.filter((route) => !same(route.weights, desired));
  const resource = virtualServiceResource(traffic);
  return {
    resource,
    desired,
    expected: desired,
    effective: (off[0] ?? routes[0])?.weights ?? { source: 0, target: 0 },
    agrees: off.length === 0,
    diff: off.length
      ? `${resource}: ${off.map((route) => `route ${route.route} carries ${split(route.weights)}`).join(', ')}; written ${split(desired)}`
      : undefined,
    parts: routes.map((route) => ({
      id: route.route,
      source: { backends: 1, weightSum: route.weights.source },
      target: { backends: 1, weightSum: route.weights.target },
    })),
  };
}

/** Whether a pod's Envoy applies `desired`: every route to the remote host at those weights (none at all is 100/0). */
export function podAgreement(
  routes: AppliedRoute[],
  desired: SideWeights,
): { agrees: boolean; effective: SideWeights; why?: string } {
  const remote = routes.filter((route) => route.remote);
  if (remote.length === 0)
    return desired.target === 0
      ? { agrees: true, effective: { source: 100, target: 0 } }
      : { agrees: false, effective: { source: 100, target: 0 }, why: 'no route to the remote host yet' };
  const off = remote.find((route) => !same(route.weights, desired));
  if (!off) return { agrees: true, effective: desired };
  return { agrees: false, effective: off.weights, why: `applies ${split(off.weights)} on route ${off.id}` };
}

const UNKNOWN = { source: 0, target: 0 };

type Verdict = { agrees: boolean; effective: SideWeights; why?: string };

/** A pod applies `desired` when istiod's config for it carries the weights and it ACKed istiod's latest routes. */
async function podVerdict(
  traffic: VirtualServiceTraffic,
  proxy: string,
  sync: { status: SyncStatus; istiod: string } | undefined,
  desired: SideWeights,
): Promise<Verdict> {
  if (!sync) return { agrees: false, effective: UNKNOWN, why: 'not connected to istiod (absent from debug/syncz)' };
  const lag = routesNotAcked(sync.status);
  if (lag) return { agrees: false, effective: UNKNOWN, why: lag };
  return podAgreement(appliedRoutes(await readProxyConfigDump(sync.istiod, proxy), traffic), desired);
}

async function observePods(traffic: VirtualServiceTraffic, desired: SideWeights): Promise<Observation[]> {
  const { gateway } = traffic;
  const pods = (
    await listGatewayPods({ namespace: gateway.namespace, selector: gateway.selector, context: traffic.kubeContext })
  ).filter((pod) => pod.ready && pod.ip);
  if (pods.length === 0)
    return [
      {
        resource: `pods/${gateway.namespace}`,
        desired,
        expected: desired,
        effective: UNKNOWN,
        agrees: false,
        diff: `no ready gateway pod in ${gateway.namespace} matches traffic.gateway.selector`,
      },
    ];
  const synced = await istiodAddresses(traffic)
    .then(readSyncz)
    .catch((error: Error) => error);
  return Promise.all(
    pods.map(async (pod): Promise<Observation> => {
      const proxy = proxyId(pod.name, gateway.namespace);
      const verdict: Verdict =
        synced instanceof Error
          ? { agrees: false, effective: UNKNOWN, why: `istiod did not answer: ${synced.message}` }
          : await podVerdict(traffic, proxy, synced.get(proxy), desired).catch((error: Error) => ({
              agrees: false,
              effective: UNKNOWN,
              why: `istiod did not answer: ${error.message}`,
            }));
      return {
        resource: `pod/${gateway.namespace}/${pod.name}`,
        desired,
        expected: desired,
        effective: verdict.effective,
        agrees: verdict.agrees,
        diff: verdict.why
          ? `gateway pod ${gateway.namespace}/${pod.name}: ${verdict.why}; written ${split(desired)}`
          : undefined,
      };
    }),
  );
}

export function virtualServiceRouter(): WeightRouter<VirtualServiceTraffic> {
  return {
    async setWeights(traffic, weights) {
      // Both weights of every moved route in one write: the route never sums to anything but 100.
      const edit = await editVirtualService(traffic, (spec, indexes) => withWeights(spec, indexes, traffic, weights));
      const object = `${traffic.virtualService.namespace}/${traffic.virtualService.name}`;
      const resource = virtualServiceResource(traffic);
      return (['target', 'source'] as const).map(
        (side): WeightWrite => ({ resource, object, side, weight: weights[side], changed: edit.changed }),
      );
    },

    async observe(traffic, desired) {
      const [virtualService, pods] = await Promise.all([
        observeVirtualService(traffic, desired),
        observePods(traffic, desired),
      ]);
      return [virtualService, ...pods];
    },

    // Istio reports nothing on the VirtualService it applies; the pods' observations name who lags.
    complaints: async () => [],
  };
}

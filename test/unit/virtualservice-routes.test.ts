// What the driver does to a VirtualService's routes, on the Istio bookinfo sample: only the moved
// routes' destinations change, weights always sum to 100, and the undo removes only what was added.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { appliedRoutes } from '../../activities/drivers/virtualservice/config-dump.js';
import { podAgreement } from '../../activities/drivers/virtualservice/router.js';
import {
  movedRoutes,
  routeWeights,
  type VirtualServiceSpec,
  withoutRemoteDestination,
  withRemoteDestination,
  withWeights,
} from '../../activities/drivers/virtualservice/routes.js';
import { buildPlan, type VirtualServiceTraffic } from '../../src/plan/index.js';

const bookinfo = YAML.parseAllDocuments(
  readFileSync(new URL('../../src/lab/bookinfo/bookinfo-gateway.yaml', import.meta.url), 'utf8'),
)
  .map((document) => document.toJSON())
  .find((object) => object.kind === 'VirtualService');

function traffic(extra: Record<string, unknown> = {}): VirtualServiceTraffic {
  return buildPlan({
    traffic: {
      kind: 'virtualservice',
      virtualService: { namespace: 'default', name: 'bookinfo' },
      local: { host: 'productpage', port: 9080 },
      remote: { host: 'v2.example.com', address: '20.61.10.5' },
      gateway: { namespace: 'istio-system', selector: { istio: 'ingressgateway' }, workload: 'istio-ingressgateway' },
      ...extra,
    },
    routes: [{ host: 'bookinfo.example.com', path: '/productpage' }],
  }).traffic as VirtualServiceTraffic;
}

/** The sample with a second route the migration leaves alone, and retries on the moved one. */
function spec(): VirtualServiceSpec {
  const base = structuredClone(bookinfo.spec) as VirtualServiceSpec;
  const [main] = base.http ?? [];
  return {
    ...base,
    http: [
      { ...main, name: 'main', retries: { attempts: 3 }, timeout: '5s' },
      {
        name: 'reviews',
        match: [{ uri: { prefix: '/reviews' } }],
        route: [{ destination: { host: 'reviews', port: { number: 9080 } } }],
      },
    ],
  };
}

describe('the moved routes of a VirtualService', () => {
  it('finds every route to the local host by default, or the routes named or numbered', () => {
    expect(movedRoutes(spec(), traffic())).toEqual({ indexes: [0], problems: [] });
    expect(movedRoutes(spec(), traffic({ httpRoutes: ['main'] }))).toEqual({ indexes: [0], problems: [] });
    expect(movedRoutes(spec(), traffic({ httpRoutes: [1] })).problems).toEqual([
      'route reviews has 0 destinations productpage: the driver moves one',
      'route reviews also sends to reviews: the driver moves a route with one destination',
    ]);
    expect(movedRoutes(spec(), traffic({ httpRoutes: ['details'] })).problems).toEqual([
      'traffic.httpRoutes: no HTTP route "details" (routes: main, reviews)',
    ]);
  });

  it('adds the remote destination at 0 and writes both weights, leaving matches, retries and the other route alone', () => {
    const t = traffic();
    const prepared = withRemoteDestination(spec(), [0], t);
    expect(prepared.http?.[0]?.route).toEqual([
      { destination: { host: 'productpage', port: { number: 9080 } }, weight: 100 },
      { destination: { host: 'v2.example.com', port: { number: 80 } }, weight: 0 },
    ]);
    expect(withRemoteDestination(prepared, [0], t)).toEqual(prepared);
    const shifted = withWeights(prepared, [0], t, { source: 90, target: 10 });
    expect(routeWeights(shifted, [0], t)).toEqual([{ route: 'main', source: 90, target: 10 }]);
    const { route: _before, ...untouchedBefore } = spec().http?.[0] ?? {};
    const { route: _after, ...untouchedAfter } = shifted.http?.[0] ?? {};
    expect(untouchedAfter).toEqual(untouchedBefore);
    expect(shifted.http?.[1]).toEqual(spec().http?.[1]);
    expect(shifted.hosts).toEqual(spec().hosts);
  });

  it('refuses to remove a remote destination that still carries traffic; at 0 the route is as it was', () => {
    const t = traffic();
    const prepared = withRemoteDestination(spec(), [0], t);
    expect(() => withoutRemoteDestination(withWeights(prepared, [0], t, { source: 90, target: 10 }), [0], t)).toThrow(
      'route main still sends weight 10 to v2.example.com: write 100/0 first',
    );
    expect(withoutRemoteDestination(prepared, [0], t)).toEqual(spec());
  });
});

describe("a gateway pod's Envoy routes (config_dump)", () => {
  const dump = (clusters: { name: string; weight: number }[]) => ({
    configs: [
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
        dynamic_route_configs: [
          {
            route_config: {
              name: 'http.8080',
              virtual_hosts: [
                {
                  name: '*:8080',
                  routes: [
                    { name: 'main', route: { weighted_clusters: { clusters } } },
                    { name: 'reviews', route: { cluster: 'outbound|9080||reviews.default.svc.cluster.local' } },
                  ],
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const local = 'outbound|9080||productpage.default.svc.cluster.local';
  const remote = 'outbound|80||v2.example.com';

  it('reads the weights of the routes to the local and remote hosts', () => {
    expect(
      appliedRoutes(
        dump([
          { name: local, weight: 90 },
          { name: remote, weight: 10 },
        ]),
        traffic(),
      ),
    ).toEqual([{ id: 'http.8080/*:8080/main', weights: { source: 90, target: 10 }, remote: true }]);
  });

  it('agrees only when every route to the remote host carries the written weights', () => {
    const at = (source: number, target: number) =>
      appliedRoutes(
        dump([
          { name: local, weight: source },
          { name: remote, weight: target },
        ]),
        traffic(),
      );
    expect(podAgreement(at(90, 10), { source: 90, target: 10 }).agrees).toBe(true);
    expect(podAgreement(at(100, 0), { source: 90, target: 10 })).toEqual({
      agrees: false,
      effective: { source: 100, target: 0 },
      why: 'applies 100/0 on route http.8080/*:8080/main',
    });
    const before = appliedRoutes(dump([{ name: local, weight: 100 }]), traffic());
    expect(podAgreement(before, { source: 90, target: 10 }).why).toBe('no route to the remote host yet');
    expect(podAgreement(before, { source: 100, target: 0 }).agrees).toBe(true);
  });
});

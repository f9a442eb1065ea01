// The canary-cluster lab's Envoy model: the bookinfo route split by its destinations' weights, drawn
// per request, the ServiceEntry host resolved to its endpoint, and a config_dump that gateshift's own
// reader understands.
import { describe, expect, it } from 'vitest';
import { appliedRoutes, type ConfigDump } from '../../activities/drivers/virtualservice/config-dump.js';
import { drawDestination, MeshConfig } from '../../src/lab/canary-cluster/mesh-config.js';
import { labVirtualServiceInput } from '../../src/lab/input.js';
import { buildPlan, type VirtualServiceTraffic } from '../../src/plan/index.js';

const virtualService = {
  metadata: { name: 'bookinfo', namespace: 'bookinfo' },
  spec: {
    hosts: ['*'],
    http: [
      {
        match: [{ uri: { exact: '/productpage' } }],
        route: [
          { destination: { host: 'productpage', port: { number: 9080 } }, weight: 90 },
          { destination: { host: 'v2.example.com', port: { number: 80 } }, weight: 10 },
        ],
      },
    ],
  },
};
const serviceEntry = { spec: { hosts: ['v2.example.com'], endpoints: [{ address: '127.0.20.31' }] } };

describe("the canary-cluster lab's mesh config", () => {
  const config = MeshConfig.from([virtualService], [serviceEntry]);

  it('routes the bookinfo path to both destinations with their weights, and nothing else', () => {
    expect(config.lookup('bookinfo.example.com:80', '/productpage?u=normal')?.destinations).toEqual([
      { host: 'productpage.bookinfo.svc.cluster.local', port: 9080, weight: 90 },
      { host: 'v2.example.com', port: 80, weight: 10 },
    ]);
    expect(config.lookup('bookinfo.example.com', '/reviews')).toBeUndefined();
    expect(config.serviceEntries.get('v2.example.com')).toEqual(['127.0.20.31']);
  });

  it('draws a destination per request in proportion to the weights', () => {
    const destinations = config.routes[0]?.destinations ?? [];
    expect(drawDestination(destinations, () => 0.89)?.host).toBe('productpage.bookinfo.svc.cluster.local');
    expect(drawDestination(destinations, () => 0.9)?.host).toBe('v2.example.com');
    expect(drawDestination(destinations.map((d) => ({ ...d, weight: 0 })))).toBeUndefined();
  });

  it("shows its routes in a config_dump that gateshift's reader takes", () => {
    const traffic = buildPlan(labVirtualServiceInput({ autoApprove: true })).traffic as VirtualServiceTraffic;
    expect(appliedRoutes(config.configDump(80) as ConfigDump, traffic)).toEqual([
      { id: 'http.80/*:80/bookinfo.0', weights: { source: 90, target: 10 }, remote: true },
    ]);
    expect(config.weightOf('v2.example.com')).toBe(10);
  });
});

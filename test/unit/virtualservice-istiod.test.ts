import { describe, expect, it } from 'vitest';
import { routesNotAcked } from '../../activities/drivers/virtualservice/istiod.js';
import { labVirtualServiceInput } from '../../src/lab/input.js';
import { buildPlan, type VirtualServiceTraffic } from '../../src/plan/index.js';

describe("a proxy's routes by istiod's debug/syncz", () => {
  it('are applied only when the latest RDS push is ACKed (SYNCED), and say which nonces differ otherwise', () => {
    expect(routesNotAcked({ proxy: 'gw-0.istio-system', route_sent: 'n2', route_acked: 'n2' })).toBeUndefined();
    expect(routesNotAcked({ proxy: 'gw-0.istio-system', route_sent: 'n2', route_acked: 'n1' })).toBe(
      "has not ACKed istiod's latest routes (RDS nonce sent n2, acked n1)",
    );
    expect(routesNotAcked({ proxy: 'gw-0.istio-system', route_sent: 'n1' })).toBe(
      "has not ACKed istiod's latest routes (RDS nonce sent n1, acked none)",
    );
    expect(routesNotAcked({ proxy: 'gw-0.istio-system' })).toBe('istiod has sent it no routes yet');
  });
});

describe('traffic.istiod', () => {
  const traffic = (istiod?: unknown) => {
    const input = labVirtualServiceInput({ autoApprove: true });
    return buildPlan({ ...input, traffic: { ...input.traffic, istiod } }).traffic as VirtualServiceTraffic;
  };

  it('defaults to the istiod pods of an istioctl install and their debug port', () => {
    expect(traffic().istiod).toEqual({ namespace: 'istio-system', selector: { app: 'istiod' }, port: 15014 });
  });

  it('takes one address instead, and refuses one that is not an http(s) URL, naming the field', () => {
    expect(traffic({ url: 'http://127.0.0.1:15014' }).istiod.url).toBe('http://127.0.0.1:15014');
    expect(() => traffic({ url: 'istiod.istio-system:15014' })).toThrow(/traffic\.istiod\.url/);
  });
});

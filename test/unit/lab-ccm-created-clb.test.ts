// The lab CCM's own CLB for a LoadBalancer Service without `-id` (the raw lab's starting point): created
// tagged and read-only as ACK's CCM leaves it, served as the Service's until the Service reuses it.
import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_TAG,
  CREATED_PROTECTION_REASON,
  CREATED_TAG,
  createdClbIds,
  ensureCreatedClb,
} from '../../src/lab/ccm/created-clb.js';
import { readServiceLoadBalancer } from '../../src/lab/ccm/service-config.js';
import { SlbState } from '../../src/lab/slb/state.js';
import { CLB_ANNOTATIONS } from '../../src/plan/index.js';

const CLUSTER = 'c-lab';

function service(annotations: Record<string, string> = {}): V1Service {
  return {
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', annotations },
    spec: { type: 'LoadBalancer', selector: { istio: 'ingressgateway' }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

describe("the CCM's own CLB", () => {
  it('is created once, tagged as Kubernetes-made, read-only, with a listener and a vServer group per port', () => {
    const slb = new SlbState();
    ensureCreatedClb(service(), slb, CLUSTER, 'cn-hangzhou');
    ensureCreatedClb(service(), slb, CLUSTER, 'cn-hangzhou');
    const ids = createdClbIds(CLUSTER, 'istio-system', 'istio-ingressgateway', [80]);
    expect([...slb.loadBalancers.keys()]).toEqual([ids.id]);
    const lb = slb.requireLoadBalancer(ids.id);
    expect([...lb.tags.keys()].sort()).toEqual([CLUSTER_TAG, CREATED_TAG].sort());
    expect(lb.tags.get(CLUSTER_TAG)).toBe(CLUSTER);
    expect(lb.modificationProtection).toEqual({ status: 'ConsoleProtection', reason: CREATED_PROTECTION_REASON });
    expect(lb.listeners.map((listener) => [listener.port, listener.vServerGroupId])).toEqual([[80, ids.groups[0]?.id]]);
  });

  it('serves the Service without -id as its own, also once its tags are gone, and is the one it reuses by -id', () => {
    const slb = new SlbState();
    ensureCreatedClb(service(), slb, CLUSTER, 'cn-hangzhou');
    const ids = createdClbIds(CLUSTER, 'istio-system', 'istio-ingressgateway', [80]);
    const own = readServiceLoadBalancer(service(), slb, CLUSTER);
    expect(own).toMatchObject({ status: 'valid', loadBalancerId: ids.id });
    expect(own.status === 'valid' && own.weight).toBeUndefined();
    expect(own.status === 'valid' && own.groups.map((group) => group.vServerGroupId)).toEqual([ids.groups[0]?.id]);
    // Without the cluster id (the prepared labs), the CCM leaves such a Service alone.
    expect(readServiceLoadBalancer(service(), slb).status).toBe('unmanaged');

    const reuse = service({
      [CLB_ANNOTATIONS.id]: ids.id,
      [CLB_ANNOTATIONS.vgroupPort]: `${ids.groups[0]?.id}:80`,
      [CLB_ANNOTATIONS.weight]: '100',
    });
    expect(readServiceLoadBalancer(reuse, slb, CLUSTER)).toMatchObject({
      status: 'invalid',
      message: expect.stringContaining('can not reuse loadbalancer created by kubernetes'),
    });
    slb.removeTags(ids.id, [CREATED_TAG, CLUSTER_TAG]);
    expect(readServiceLoadBalancer(service(), slb, CLUSTER)).toMatchObject({ status: 'valid', loadBalancerId: ids.id });
    expect(readServiceLoadBalancer(reuse, slb, CLUSTER)).toMatchObject({ status: 'valid', weight: 100 });
  });
});

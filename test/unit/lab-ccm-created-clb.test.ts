// The lab CCM's own CLB for a LoadBalancer Service without `-id` (the raw lab's starting point): created
// tagged and read-only as ACK's CCM leaves it, its groups named k8s/…, served as the Service's until the
// Service reuses it with groups of the user's own; then the CCM's cleanup deletes its groups, once no
// listener forwards to them.
import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_TAG,
  CREATED_PROTECTION_REASON,
  CREATED_TAG,
  createdClbIds,
  ensureCreatedClb,
} from '../../src/lab/ccm/created-clb.js';
import { planCcmPass } from '../../src/lab/ccm/plan.js';
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
    expect(slb.requireVServerGroup(ids.groups[0]?.id ?? '').name).toBe(
      `k8s/80/istio-ingressgateway/istio-system/${CLUSTER}`,
    );
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

    slb.addVServerGroup(ids.id, { id: 'rsp-mine80', name: 'istio-ingressgateway-80' });
    const reuse = (group: string) =>
      service({
        [CLB_ANNOTATIONS.id]: ids.id,
        [CLB_ANNOTATIONS.vgroupPort]: `${group}:80`,
        [CLB_ANNOTATIONS.weight]: '100',
      });
    expect(readServiceLoadBalancer(reuse('rsp-mine80'), slb, CLUSTER)).toMatchObject({
      status: 'invalid',
      message: expect.stringContaining('can not reuse loadbalancer created by kubernetes'),
    });
    slb.removeTags(ids.id, [CREATED_TAG, CLUSTER_TAG]);
    expect(readServiceLoadBalancer(service(), slb, CLUSTER)).toMatchObject({ status: 'valid', loadBalancerId: ids.id });
    expect(readServiceLoadBalancer(reuse('rsp-mine80'), slb, CLUSTER)).toMatchObject({ status: 'valid', weight: 100 });
    expect(readServiceLoadBalancer(reuse(ids.groups[0]?.id ?? ''), slb, CLUSTER)).toMatchObject({
      status: 'invalid',
      message: `cannot reuse a ccm created vgroup ${ids.groups[0]?.id} for slb ${ids.id}`,
    });
  });

  it('is cleaned up once the Service names a group of its own: a group a listener forwards to is refused', () => {
    const slb = new SlbState();
    ensureCreatedClb(service(), slb, CLUSTER, 'cn-hangzhou');
    const ids = createdClbIds(CLUSTER, 'istio-system', 'istio-ingressgateway', [80]);
    const created = ids.groups[0]?.id ?? '';
    slb.removeTags(ids.id, [CREATED_TAG, CLUSTER_TAG]);
    slb.addVServerGroup(ids.id, { id: 'rsp-mine80', name: 'istio-ingressgateway-80' });
    const reusing = service({ [CLB_ANNOTATIONS.id]: ids.id, [CLB_ANNOTATIONS.vgroupPort]: 'rsp-mine80:80' });
    const cluster = { pods: [], nodes: [], clusterId: CLUSTER, defaultBackendType: 'eni' as const };
    // Without -id the CCM's own groups are its model; with the user's group named, they are stale.
    expect(planCcmPass([service()], cluster, slb).outcomes[0]?.staleGroups).toEqual([]);
    const backend = {
      serverId: 'eni-istio-0',
      serverIp: '127.0.1.1',
      port: 8080,
      weight: 100,
      type: 'eni' as const,
      description: `k8s/80/istio-ingressgateway/istio-system/${CLUSTER}`,
    };
    slb.setBackends(created, [backend]);
    const pass = planCcmPass([reusing], cluster, slb);
    expect(pass.outcomes[0]?.staleGroups).toEqual([created]);
    // Not emptied while the listener still forwards to it: the cleanup deletes it whole, later.
    expect(pass.changes.map((change) => change.vServerGroupId)).not.toContain(created);
    expect(() => slb.deleteVServerGroup(created)).toThrow(
      expect.objectContaining({
        code: 'RspoolVipExist',
        message: 'there are vips associating with this vServer group.',
      }),
    );
    const [listener] = slb.requireLoadBalancer(ids.id).listeners;
    if (!listener) throw new Error('no listener');
    listener.vServerGroupId = 'rsp-mine80';
    slb.deleteVServerGroup(created);
    expect(slb.groupsOf(ids.id).map((group) => group.id)).toEqual(['rsp-mine80']);
    expect(planCcmPass([reusing], cluster, slb).outcomes[0]?.staleGroups).toEqual([]);
  });
});

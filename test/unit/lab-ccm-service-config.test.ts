// How the lab's CCM reads a Service reusing a CLB, and what it refuses with the CCM's messages.
import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { readServiceLoadBalancer } from '../../src/lab/ccm/service-config.js';
import { SlbState } from '../../src/lab/slb/state.js';
import { CLB_ANNOTATIONS } from '../../src/plan/index.js';

function world() {
  const slb = new SlbState();
  slb.addLoadBalancer({ id: 'lb-a' });
  slb.addLoadBalancer({ id: 'lb-b' });
  slb.addVServerGroup('lb-a', { id: 'rsp-a80', listenerPorts: [80] });
  slb.addVServerGroup('lb-a', { id: 'rsp-a443', listenerPorts: [443] });
  slb.addVServerGroup('lb-a', { id: 'rsp-ccm', name: 'k8s/80/other/default/c1' });
  slb.addVServerGroup('lb-b', { id: 'rsp-b80', listenerPorts: [80] });
  return slb;
}

function service(annotations: Record<string, string>, type = 'LoadBalancer'): V1Service {
  return {
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', annotations },
    spec: {
      type,
      selector: { istio: 'ingressgateway' },
      ports: [
        { name: 'http2', port: 80, targetPort: 8080 },
        { name: 'https', port: 443, targetPort: 8443 },
      ],
    },
  };
}

const reuse = (vgroupPort: string, weight?: string) => ({
  [CLB_ANNOTATIONS.id]: 'lb-a',
  [CLB_ANNOTATIONS.vgroupPort]: vgroupPort,
  ...(weight === undefined ? {} : { [CLB_ANNOTATIONS.weight]: weight }),
});

const messageOf = (annotations: Record<string, string>, slb = world()) => {
  const result = readServiceLoadBalancer(service(annotations), slb);
  return result.status === 'invalid' ? result.message : result.status;
};

describe('readServiceLoadBalancer', () => {
  it('reads the groups with their Service ports and the weight', () => {
    const result = readServiceLoadBalancer(service(reuse('rsp-a80:80, rsp-a443:443', '90')), world());
    expect(result).toMatchObject({ status: 'valid', loadBalancerId: 'lb-a', weight: 90 });
    if (result.status !== 'valid') throw new Error(result.status);
    expect(result.groups.map((group) => [group.vServerGroupId, group.servicePort.targetPort])).toEqual([
      ['rsp-a80', 8080],
      ['rsp-a443', 8443],
    ]);
  });

  it('reads the legacy alicloud- prefix, and no weight without the annotation', () => {
    const legacy = {
      'service.beta.kubernetes.io/alicloud-loadbalancer-id': 'lb-a',
      'service.beta.kubernetes.io/alicloud-loadbalancer-vgroup-port': 'rsp-a80:80',
    };
    const result = readServiceLoadBalancer(service(legacy), world());
    expect(result).toMatchObject({ status: 'valid', loadBalancerId: 'lb-a' });
    expect(result.status === 'valid' && result.weight).toBeUndefined();
  });

  it('leaves alone what is not a LoadBalancer Service reusing a CLB', () => {
    expect(readServiceLoadBalancer(service(reuse('rsp-a80:80', '10'), 'ClusterIP'), world()).status).toBe('unmanaged');
    expect(readServiceLoadBalancer(service({ [CLB_ANNOTATIONS.weight]: '10' }), world()).status).toBe('unmanaged');
  });

  it('has no groups and ignores the weight without vgroup-port', () => {
    const result = readServiceLoadBalancer(
      service({ [CLB_ANNOTATIONS.id]: 'lb-a', [CLB_ANNOTATIONS.weight]: 'x' }),
      world(),
    );
    expect(result).toEqual({ status: 'valid', loadBalancerId: 'lb-a', groups: [] });
  });

  it('refuses a CLB that does not exist or that Kubernetes created', () => {
    expect(messageOf({ ...reuse('rsp-a80:80'), [CLB_ANNOTATIONS.id]: 'lb-gone' })).toBe(
      'can not find loadbalancer by id lb-gone',
    );
    for (const tag of ['kubernetes.do.not.delete', 'ack.aliyun.com']) {
      const slb = world();
      slb.setTags('lb-a', { [tag]: 'c1' });
      expect(messageOf(reuse('rsp-a80:80'), slb)).toBe(
        'the loadbalancer lb-a can not be reused, can not reuse loadbalancer created by kubernetes.',
      );
    }
  });

  it('refuses a vgroup-port entry naming a missing group, a group of another CLB, a CCM group or no Service port', () => {
    expect(messageOf(reuse('rsp-a80:80,rsp-nope:443'))).toBe('can not find vgroupId rsp-nope in lb lb-a');
    expect(messageOf(reuse('rsp-b80:80'))).toBe('can not find vgroupId rsp-b80 in lb lb-a');
    expect(messageOf(reuse('rsp-ccm:80'))).toBe('cannot reuse a ccm created vgroup rsp-ccm for slb lb-a');
    expect(messageOf(reuse('rsp-a80:8080'))).toBe(
      'vgroup-port rsp-a80:8080 names no port of the Service (ports 80,443)',
    );
    for (const malformed of ['rsp-a80', 'rsp-a80:', 'rsp-a80:http'])
      expect(messageOf(reuse(malformed))).toMatch(/^vgroupid and protocol format must be like 'vsp-xxx:443'/);
  });

  it('refuses a weight that is not an integer from 0 to 100', () => {
    for (const weight of ['101', '-1', '5.5', 'ten'])
      expect(messageOf(reuse('rsp-a80:80', weight))).toBe(`weight must be integer in range [0,100] , got [${weight}]`);
    expect(readServiceLoadBalancer(service(reuse('rsp-a80:80', '0')), world())).toMatchObject({ weight: 0 });
  });
});

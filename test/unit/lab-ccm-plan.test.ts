// One pass of the lab's CCM, computed: ready pods become ENI backends with the CCM's weights (or, for
// node backends, nodes at the NodePort); the backends of users, of other clusters and of a refused
// Service stay; those of a Service that is gone go.
import type { V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { planCcmPass } from '../../src/lab/ccm/plan.js';
import { nodeObject } from '../../src/lab/kubelet/nodes.js';
import { type Backend, SlbState } from '../../src/lab/slb/state.js';
import { BACKEND_TYPE_ANNOTATION, CLB_ANNOTATIONS, IGNORE_WEIGHT_UPDATE_ANNOTATION } from '../../src/plan/index.js';

const NS = 'istio-system';
const CLUSTER = 'c1';

function world(): SlbState {
  const slb = new SlbState();
  slb.addLoadBalancer({ id: 'lb-a' });
  slb.addVServerGroup('lb-a', { id: 'rsp-80', listenerPorts: [80] });
  slb.addVServerGroup('lb-a', { id: 'rsp-443', listenerPorts: [443] });
  return slb;
}

function service(name: string, weight: string, vgroupPort = 'rsp-80:80,rsp-443:443'): V1Service {
  return {
    metadata: {
      name,
      namespace: NS,
      annotations: {
        [CLB_ANNOTATIONS.id]: 'lb-a',
        [CLB_ANNOTATIONS.vgroupPort]: vgroupPort,
        [CLB_ANNOTATIONS.weight]: weight,
      },
    },
    spec: {
      type: 'LoadBalancer',
      selector: { istio: name },
      ports: [
        { name: 'http2', port: 80, targetPort: 8080 },
        { name: 'https', port: 443, targetPort: 'https-port' },
      ],
    },
  };
}

function pod(gateway: string, index: number, ready = true): V1Pod {
  return {
    metadata: { name: `${gateway}-${index}`, namespace: NS, labels: { istio: gateway } },
    spec: { containers: [{ name: 'proxy', ports: [{ name: 'https-port', containerPort: 8443 }] }] },
    status: {
      phase: 'Running',
      podIP: `127.0.1.${index + (gateway === 'asm' ? 100 : 0)}`,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

const pods = (gateway: string, count: number) => Array.from({ length: count }, (_, i) => pod(gateway, i + 1));

/** Applies a plan as the CCM does, returning the groups' backends. */
const view = (allPods: V1Pod[], nodes: V1Node[] = []) => ({
  pods: allPods,
  nodes,
  clusterId: CLUSTER,
  defaultBackendType: 'eni' as const,
});

function pass(slb: SlbState, services: V1Service[], allPods: V1Pod[], nodes: V1Node[] = []) {
  const plan = planCcmPass(services, view(allPods, nodes), slb);
  for (const change of plan.changes) slb.setBackends(change.vServerGroupId, change.backends);
  return plan;
}

const group = (slb: SlbState, id: string) => slb.vServerGroups.get(id)?.backends ?? [];
const weights = (slb: SlbState, id: string, service: string) =>
  group(slb, id)
    .filter((backend) => backend.description?.endsWith(`/${service}/${NS}/${CLUSTER}`))
    .map((backend) => backend.weight);

describe('planCcmPass', () => {
  it('registers every ready selected pod in every group at the targetPort, with max(1, floor(W / n))', () => {
    const slb = world();
    const plan = pass(slb, [service('istio', '10')], [...pods('istio', 3), pod('istio', 4, false), pod('other', 5)]);
    expect(plan.outcomes.map((outcome) => [outcome.key, outcome.changed])).toEqual([[`${NS}/istio`, true]]);
    expect(group(slb, 'rsp-80')).toEqual(
      [1, 2, 3].map((i) => ({
        serverId: `eni-istio-${i}`,
        serverIp: `127.0.1.${i}`,
        port: 8080,
        weight: 3,
        type: 'eni',
        description: `k8s/80/istio/${NS}/${CLUSTER}`,
      })),
    );
    // A named targetPort is the pods' container port of that name.
    expect(group(slb, 'rsp-443').map((backend) => [backend.port, backend.description])).toEqual(
      Array(3).fill([8443, `k8s/443/istio/${NS}/${CLUSTER}`]),
    );
  });

  it('gives 0 to every backend for weight 0, at least 1 otherwise, and changes nothing the second time', () => {
    const slb = world();
    pass(slb, [service('istio', '0')], pods('istio', 3));
    expect(weights(slb, 'rsp-80', 'istio')).toEqual([0, 0, 0]);
    pass(slb, [service('istio', '2')], pods('istio', 3));
    expect(weights(slb, 'rsp-80', 'istio')).toEqual([1, 1, 1]);
    const again = planCcmPass([service('istio', '2')], view(pods('istio', 3)), slb);
    expect(again.changes).toEqual([]);
    expect(again.outcomes[0]?.changed).toBe(false);
  });

  it('with ignore-weight-update "on", keeps the weights of registered backends and weighs only new ones', () => {
    const slb = world();
    pass(slb, [service('istio', '90')], pods('istio', 2));
    const frozen = service('istio', '10');
    frozen.metadata = {
      ...frozen.metadata,
      annotations: { ...frozen.metadata?.annotations, [IGNORE_WEIGHT_UPDATE_ANNOTATION]: 'On' },
    };
    pass(slb, [frozen], pods('istio', 3));
    // The two registered pods keep 45; the new one gets floor(10 / 3) = 3.
    expect(weights(slb, 'rsp-80', 'istio')).toEqual([45, 45, 3]);
  });

  it('keeps two Services side by side, each with its own arithmetic', () => {
    const slb = world();
    pass(slb, [service('istio', '90'), service('asm', '10')], [...pods('istio', 2), ...pods('asm', 3)]);
    for (const id of ['rsp-80', 'rsp-443']) {
      expect(weights(slb, id, 'istio')).toEqual([45, 45]);
      expect(weights(slb, id, 'asm')).toEqual([3, 3, 3]);
    }
  });

  it("leaves users' backends, other clusters' and a refused Service's, and removes those of a Service gone", () => {
    const slb = world();
    const user: Backend = { serverId: 'i-vm', port: 80, weight: 5, type: 'ecs', description: 'legacy VM' };
    const foreign: Backend = { ...user, serverId: 'eni-x', serverIp: '10.0.0.1', description: `k8s/80/istio/${NS}/c2` };
    slb.setBackends('rsp-80', [user, foreign]);
    pass(slb, [service('istio', '90'), service('asm', '10')], [...pods('istio', 2), ...pods('asm', 3)]);
    expect(group(slb, 'rsp-80').slice(0, 2)).toEqual([user, foreign]);

    // asm's annotation goes wrong, and the istio Service is deleted.
    const plan = pass(slb, [service('asm', '100', 'rsp-80:80,rsp-gone:443')], [...pods('istio', 2), ...pods('asm', 3)]);
    expect(plan.outcomes.map((outcome) => outcome.loadBalancer.status)).toEqual(['invalid']);
    expect(group(slb, 'rsp-80').slice(0, 2)).toEqual([user, foreign]);
    expect(weights(slb, 'rsp-80', 'asm')).toEqual([3, 3, 3]);
    expect(weights(slb, 'rsp-80', 'istio')).toEqual([]);
    expect(weights(slb, 'rsp-443', 'asm')).toEqual([3, 3, 3]);
  });

  it('removes the backends of a group the Service no longer names, and of pods no longer ready', () => {
    const slb = world();
    pass(slb, [service('istio', '60')], pods('istio', 3));
    pass(slb, [service('istio', '60', 'rsp-80:80')], [pod('istio', 1), pod('istio', 2, false), pod('istio', 3)]);
    expect(weights(slb, 'rsp-80', 'istio')).toEqual([30, 30]);
    expect(group(slb, 'rsp-443')).toEqual([]);
  });
});

describe('planCcmPass with node backends', () => {
  /** Nodes n1..nN, each with its address, and a Service in the node mode with NodePorts 30080 and 30443. */
  const nodes = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const node = nodeObject({ name: `n${i + 1}`, ip: `127.0.20.${i + 1}` }, 'cn-hangzhou');
      return { ...node, status: { addresses: [{ type: 'InternalIP', address: `127.0.20.${i + 1}` }] } };
    });
  const nodeService = (name: string, weight: string, policy: 'Local' | 'Cluster'): V1Service => {
    const base = service(name, weight);
    return {
      metadata: {
        ...base.metadata,
        annotations: { ...base.metadata?.annotations, [BACKEND_TYPE_ANNOTATION]: 'ecs' },
      },
      spec: {
        ...base.spec,
        externalTrafficPolicy: policy,
        ports: base.spec?.ports?.map((port) => ({ ...port, nodePort: 30000 + port.port })),
      },
    };
  };
  const on = (node: string, p: V1Pod): V1Pod => ({ ...p, spec: { ...p.spec, containers: [], nodeName: node } });

  it('Cluster: every node at the NodePort with max(1, floor(W / nodes)), pods or not', () => {
    const slb = world();
    pass(slb, [nodeService('istio', '50', 'Cluster')], [on('n1', pod('istio', 1))], nodes(4));
    expect(group(slb, 'rsp-80')).toEqual(
      [1, 2, 3, 4].map((i) => ({
        serverId: `i-n${i}`,
        serverIp: `127.0.20.${i}`,
        port: 30080,
        weight: 12,
        type: 'ecs',
        description: `k8s/80/istio/${NS}/${CLUSTER}`,
      })),
    );
    expect(group(slb, 'rsp-443').map((backend) => backend.port)).toEqual([30443, 30443, 30443, 30443]);
  });

  it('Local: the nodes running ready pods, max(1, floor(W × podsOnNode / pods)); W = 0 keeps them at 0', () => {
    const slb = world();
    const placed = [
      on('n1', pod('istio', 1)),
      on('n1', pod('istio', 2)),
      on('n1', pod('istio', 3)),
      on('n2', pod('istio', 4)),
    ];
    pass(slb, [nodeService('istio', '90', 'Local')], placed, nodes(3));
    expect(group(slb, 'rsp-80').map((backend) => [backend.serverId, backend.port, backend.weight])).toEqual([
      ['i-n1', 30080, 67],
      ['i-n2', 30080, 22],
    ]);
    pass(slb, [nodeService('istio', '0', 'Local')], placed, nodes(3));
    expect(weights(slb, 'rsp-80', 'istio')).toEqual([0, 0]);
  });

  it('Local without a weight annotation: each node weighs its pod count', () => {
    const slb = world();
    const unweighted = nodeService('istio', '', 'Local');
    delete unweighted.metadata?.annotations?.[CLB_ANNOTATIONS.weight];
    pass(
      slb,
      [unweighted],
      [on('n1', pod('istio', 1)), on('n1', pod('istio', 2)), on('n2', pod('istio', 3))],
      nodes(2),
    );
    expect(weights(slb, 'rsp-80', 'istio')).toEqual([2, 1]);
  });
});

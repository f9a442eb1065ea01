// The effective-weight arithmetic: the CCM's per-backend weights for uneven pod counts, the shares they
// give, and the diff when the CLB reports something else.
import { describe, expect, it } from 'vitest';
import {
  computeEffectiveWeights,
  type EffectiveWeights,
  type EffectiveWeightsInput,
  parseBackendDescription,
} from '../../activities/clb/effective.js';
import type { ClbBackend } from '../../activities/clb/models.js';
import { pollUntil } from '../../activities/engine/poll.js';

const sourcePods = ['10.0.0.1', '10.0.0.2'];
const targetPods = ['10.0.1.1', '10.0.1.2', '10.0.1.3'];

const pod = (ip: string, weight: number, service = 'istio-ingressgateway'): ClbBackend => ({
  serverId: `eni-${ip.replaceAll('.', '')}`,
  serverIp: ip,
  port: 8080,
  weight,
  type: 'eni',
  description: `k8s/80/${service}/istio-system/c123`,
});

function input(weights: Record<string, number>, desired: { source: number; target: number }): EffectiveWeightsInput {
  const backends = Object.entries(weights).map(([ip, weight]) =>
    pod(ip, weight, ip.startsWith('10.0.0.') ? 'istio-ingressgateway' : 'ingressgateway-asm'),
  );
  return {
    loadBalancerId: 'lb-1',
    groups: [{ id: 'rsp-80', name: 'http', loadBalancerId: 'lb-1', backends }],
    desired,
    source: { podIps: sourcePods },
    target: { podIps: targetPods },
  };
}

describe('computeEffectiveWeights', () => {
  it('90 over 2 pods against 10 over 3 pods gives the target 9.09%, not 10%', () => {
    const result = computeEffectiveWeights(
      input(
        { '10.0.0.1': 45, '10.0.0.2': 45, '10.0.1.1': 3, '10.0.1.2': 3, '10.0.1.3': 3 },
        { source: 90, target: 10 },
      ),
    );
    expect(result.expected).toEqual({ source: 90.91, target: 9.09 });
    expect(result.effective).toEqual({ source: 90.91, target: 9.09 });
    expect(result.groups).toEqual([
      { id: 'rsp-80', sourceBackends: 2, targetBackends: 3, sourceWeightSum: 90, targetWeightSum: 9 },
    ]);
    expect(result.agrees).toBe(true);
    expect(result.diff).toBeUndefined();
  });

  it('weight 10 over 3 pods is 3 per pod: 9 in all', () => {
    const result = computeEffectiveWeights(
      input(
        { '10.0.0.1': 50, '10.0.0.2': 50, '10.0.1.1': 3, '10.0.1.2': 3, '10.0.1.3': 3 },
        { source: 100, target: 10 },
      ),
    );
    expect(result.groups[0]?.targetWeightSum).toBe(9);
    expect(result.expected).toEqual({ source: 91.74, target: 8.26 });
    expect(result.agrees).toBe(true);
  });

  it('weight 1 over 4 pods is 1 per pod, the floor of max(1, 1/4): 4 in all', () => {
    const fourPods = ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4'];
    const result = computeEffectiveWeights({
      ...input(
        { '10.0.0.1': 49, '10.0.0.2': 49, '10.0.1.1': 1, '10.0.1.2': 1, '10.0.1.3': 1, '10.0.1.4': 1 },
        { source: 99, target: 1 },
      ),
      target: { podIps: fourPods },
    });
    expect(result.groups[0]).toMatchObject({ targetBackends: 4, targetWeightSum: 4, sourceWeightSum: 98 });
    expect(result.expected).toEqual({ source: 96.08, target: 3.92 });
    expect(result.agrees).toBe(true);
  });

  it('weight 0 gives every pod 0, and the pods must still be backends', () => {
    const result = computeEffectiveWeights(
      input(
        { '10.0.0.1': 50, '10.0.0.2': 50, '10.0.1.1': 0, '10.0.1.2': 0, '10.0.1.3': 0 },
        { source: 100, target: 0 },
      ),
    );
    expect(result.expected).toEqual({ source: 100, target: 0 });
    expect(result.effective).toEqual({ source: 100, target: 0 });
    expect(result.agrees).toBe(true);

    const missing = computeEffectiveWeights(input({ '10.0.0.1': 50, '10.0.0.2': 50 }, { source: 100, target: 0 }));
    expect(missing.agrees).toBe(false);
    expect(missing.diff).toContain('rsp-80: target pod 10.0.1.1 is not a backend (expected weight 0)');
  });

  it('explains a CLB that has not applied the new weights yet, backend by backend', () => {
    const result = computeEffectiveWeights(
      input(
        { '10.0.0.1': 50, '10.0.0.2': 50, '10.0.1.1': 0, '10.0.1.2': 0, '10.0.1.3': 0 },
        { source: 90, target: 10 },
      ),
    );
    expect(result.agrees).toBe(false);
    expect(result.effective).toEqual({ source: 100, target: 0 });
    expect(result.diff).toBe(
      [
        'lb-1: expected source 90.91% / target 9.09%, the CLB applies source 100% / target 0%',
        '  rsp-80: source 10.0.0.1:8080 has weight 50, expected 45',
        '  rsp-80: source 10.0.0.2:8080 has weight 50, expected 45',
        '  rsp-80: target 10.0.1.1:8080 has weight 0, expected 3',
        '  rsp-80: target 10.0.1.2:8080 has weight 0, expected 3',
        '  rsp-80: target 10.0.1.3:8080 has weight 0, expected 3',
      ].join('\n'),
    );
  });

  it('flags a backend of a gone pod that still takes traffic, and ignores backends the CCM does not own', () => {
    const base = input(
      { '10.0.0.1': 45, '10.0.0.2': 45, '10.0.0.9': 45, '10.0.1.1': 3, '10.0.1.2': 3, '10.0.1.3': 3 },
      { source: 90, target: 10 },
    );
    const userOwned: ClbBackend = { serverId: 'i-user', port: 30080, weight: 100, type: 'ecs' };
    const result = computeEffectiveWeights({
      ...base,
      groups: base.groups.map((group) => ({ ...group, backends: [...group.backends, userOwned] })),
      source: { podIps: sourcePods, service: { namespace: 'istio-system', name: 'istio-ingressgateway' } },
    });
    expect(result.agrees).toBe(false);
    expect(result.groups[0]).toMatchObject({ sourceBackends: 3, sourceWeightSum: 135 });
    expect(result.diff).toContain('rsp-80: source 10.0.0.9:8080 has weight 45 but is not a ready source pod');
    expect(result.diff).not.toContain('i-user');
  });

  it('recognises the gateways by the CCM descriptions alone, counting the backends it finds', () => {
    const base = input(
      { '10.0.0.1': 45, '10.0.0.2': 45, '10.0.1.1': 3, '10.0.1.2': 3, '10.0.1.3': 3 },
      { source: 90, target: 10 },
    );
    const result = computeEffectiveWeights({
      ...base,
      source: { service: { namespace: 'istio-system', name: 'istio-ingressgateway' } },
      target: { service: { namespace: 'istio-system', name: 'ingressgateway-asm', clusterId: 'c123' } },
    });
    expect(result.groups[0]).toMatchObject({ sourceBackends: 2, targetBackends: 3 });
    expect(result.expected).toEqual({ source: 90.91, target: 9.09 });
    expect(result.agrees).toBe(true);

    const otherCluster = computeEffectiveWeights({
      ...base,
      source: { service: { namespace: 'istio-system', name: 'istio-ingressgateway' } },
      target: { service: { namespace: 'istio-system', name: 'ingressgateway-asm', clusterId: 'other' } },
    });
    expect(otherCluster.groups[0]).toMatchObject({ targetBackends: 0, targetWeightSum: 0 });
  });

  it('adds the weight sums of every vServer group for the CLB-wide shares', () => {
    const base = input(
      { '10.0.0.1': 45, '10.0.0.2': 45, '10.0.1.1': 3, '10.0.1.2': 3, '10.0.1.3': 3 },
      { source: 90, target: 10 },
    );
    const [http] = base.groups;
    if (!http) throw new Error('no group');
    const https = { ...http, id: 'rsp-443', backends: http.backends.map((backend) => ({ ...backend, port: 8443 })) };
    const result = computeEffectiveWeights({ ...base, groups: [http, https] });
    expect(result.groups.map((group) => group.id)).toEqual(['rsp-80', 'rsp-443']);
    expect(result.effective).toEqual({ source: 90.91, target: 9.09 });
    expect(result.agrees).toBe(true);
  });

  it('does not agree when there is no group to compare', () => {
    const result = computeEffectiveWeights({ ...input({}, { source: 100, target: 0 }), groups: [] });
    expect(result.agrees).toBe(false);
    expect(result.diff).toContain('no vServer group was read');
  });
});

describe('parseBackendDescription', () => {
  it('reads the CCM form and refuses anything else', () => {
    expect(parseBackendDescription('k8s/80/istio-ingressgateway/istio-system/c123')).toEqual({
      port: '80',
      service: 'istio-ingressgateway',
      namespace: 'istio-system',
      clusterId: 'c123',
    });
    expect(parseBackendDescription('my web server')).toBeUndefined();
    expect(parseBackendDescription(undefined)).toBeUndefined();
  });
});

describe('polling the effective weights until every CLB agrees', () => {
  const reading = (agrees: boolean) =>
    computeEffectiveWeights(
      agrees
        ? input(
            { '10.0.0.1': 45, '10.0.0.2': 45, '10.0.1.1': 3, '10.0.1.2': 3, '10.0.1.3': 3 },
            { source: 90, target: 10 },
          )
        : input(
            { '10.0.0.1': 50, '10.0.0.2': 50, '10.0.1.1': 0, '10.0.1.2': 0, '10.0.1.3': 0 },
            { source: 90, target: 10 },
          ),
    );

  const everyClbAgrees = (loadBalancers: EffectiveWeights[]) => loadBalancers.every((lb) => lb.agrees);

  it('reads until the weights agree, heartbeating every round', async () => {
    const answers = [false, false, true];
    const heartbeats: number[] = [];
    const outcome = await pollUntil(async () => [reading(answers.shift() ?? true)], everyClbAgrees, {
      timeoutMs: 10_000,
      intervalMs: 1,
      heartbeat: (_, round) => heartbeats.push(round),
    });
    expect(outcome).toMatchObject({ done: true, rounds: 3 });
    expect(heartbeats).toEqual([1, 2, 3]);
  });

  it('gives up at the timeout with the last reading and its diff', async () => {
    const outcome = await pollUntil(async () => [reading(false)], everyClbAgrees, { timeoutMs: 30, intervalMs: 10 });
    expect(outcome.done).toBe(false);
    expect(outcome.rounds).toBeGreaterThanOrEqual(2);
    expect(outcome.last[0]?.diff).toContain('expected 3');
  });
});

describe('computeEffectiveWeights with node backends', () => {
  const node = (id: string, weight: number, service: string): ClbBackend => ({
    serverId: `i-${id}`,
    serverIp: `127.0.20.${id.slice(-1)}`,
    port: 31080,
    weight,
    type: 'ecs',
    description: `k8s/80/${service}/istio-system/c123`,
  });
  const services = {
    source: { service: { namespace: 'istio-system', name: 'istio-ingressgateway' } },
    target: { service: { namespace: 'istio-system', name: 'ingressgateway-asm' } },
  };
  const nodesInput = (backends: ClbBackend[], desired: { source: number; target: number }, local: number[]) => ({
    loadBalancerId: 'lb-1',
    groups: [{ id: 'rsp-80', name: 'http', loadBalancerId: 'lb-1', backends }],
    desired,
    source: { ...services.source, nodes: { mode: 'cluster' as const } },
    target: { ...services.target, nodes: { mode: 'local' as const, podsPerNode: local } },
  });

  it('Cluster source over 3 nodes and Local target over nodes with 3 and 1 pods: 90/10 gives the target 9.09%', () => {
    // Source: 90 / 3 nodes = 30 each (90). Target: 4 pods, floor(10 × 3 / 4) = 7 and max(1, floor(10 / 4)) = 2 (9).
    const backends = [
      node('n1', 30, 'istio-ingressgateway'),
      node('n2', 30, 'istio-ingressgateway'),
      node('n3', 30, 'istio-ingressgateway'),
      node('n1', 2, 'ingressgateway-asm'),
      node('n2', 7, 'ingressgateway-asm'),
    ];
    const result = computeEffectiveWeights(nodesInput(backends, { source: 90, target: 10 }, [3, 1]));
    expect(result.agrees).toBe(true);
    expect(result.expected).toEqual({ source: 90.91, target: 9.09 });
    expect(result.effective).toEqual(result.expected);
    expect(result.groups[0]).toMatchObject({ sourceBackends: 3, targetBackends: 2 });
  });

  it('says which side has a node too many, and weights that are not what the arithmetic gives', () => {
    const backends = [
      node('n1', 50, 'istio-ingressgateway'),
      node('n2', 30, 'istio-ingressgateway'),
      node('n1', 5, 'ingressgateway-asm'),
      node('n2', 5, 'ingressgateway-asm'),
      node('n3', 5, 'ingressgateway-asm'),
    ];
    const result = computeEffectiveWeights(nodesInput(backends, { source: 80, target: 10 }, [1, 1]));
    expect(result.agrees).toBe(false);
    expect(result.diff).toContain(
      'rsp-80: source node backends 127.0.20.1:31080, 127.0.20.2:31080 weigh 50, 30, expected 40, 40',
    );
    expect(result.diff).toContain(
      'rsp-80: target has 3 node backend(s) (127.0.20.1:31080, 127.0.20.2:31080, 127.0.20.3:31080), expected 2: one per node running ready target pods',
    );
  });

  it('W = 0 keeps the nodes registered at 0, and no node backend at all is a problem', () => {
    const zero = computeEffectiveWeights(
      nodesInput(
        [node('n1', 100, 'istio-ingressgateway'), node('n1', 0, 'ingressgateway-asm')],
        { source: 100, target: 0 },
        [2],
      ),
    );
    expect(zero.agrees).toBe(true);
    expect(zero.effective).toEqual({ source: 100, target: 0 });
    const none = computeEffectiveWeights(
      nodesInput([node('n1', 100, 'istio-ingressgateway')], { source: 100, target: 0 }, [2]),
    );
    expect(none.diff).toContain('rsp-80: target has no node backend');
  });
});

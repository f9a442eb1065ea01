// Effective weights: what share of new connections each gateway gets from a CLB, computed from the
// backend weights the CLB reports, next to what the CCM's arithmetic predicts for the annotation
// weights and the pod (or node) counts, backend by backend, with a readable account of every difference.
import {
  backendWeights,
  effectiveShares,
  perBackendWeight,
  type Side,
  type SideWeights,
} from '../../src/plan/weights.js';
import type { ClbBackend, ClbVServerGroupBackends } from './models.js';

export interface VServerGroupWeights {
  id: string;
  sourceBackends: number;
  targetBackends: number;
  sourceWeightSum: number;
  targetWeightSum: number;
}

export interface EffectiveWeights {
  loadBalancerId: string;
  /** The annotation weights written. */
  desired: SideWeights;
  /** Shares the CCM's arithmetic predicts for the current pod counts. */
  expected: SideWeights;
  /** Shares computed from the backend weights the CLB reports. */
  effective: SideWeights;
  groups: VServerGroupWeights[];
  agrees: boolean;
  /** Readable difference between expected and reported backends when they disagree. */
  diff?: string;
}

/** How to recognise one gateway's backends in a vServer group; give either or both. */
export interface GatewayBackends {
  /** IPs of the gateway's ready pods: in ENI mode each must be a backend of every group. */
  podIps?: readonly string[];
  /** The gateway Service as the CCM writes it into backend descriptions (the only way to tell node backends). */
  service?: { namespace: string; name: string; clusterId?: string };
  /**
   * Node backends: `cluster`, every node (as many as are registered); `local`, one per node running
   * ready pods, `podsPerNode` of them. Absent: pod (ENI) backends.
   */
  nodes?: { mode: 'cluster' } | { mode: 'local'; podsPerNode: readonly number[] };
}

export interface EffectiveWeightsInput {
  loadBalancerId: string;
  groups: readonly ClbVServerGroupBackends[];
  /** The annotation weights written on the two Services. */
  desired: SideWeights;
  source: GatewayBackends;
  target: GatewayBackends;
}

export interface BackendDescription {
  port: string;
  service: string;
  namespace: string;
  clusterId: string;
}

/** `k8s/<port>/<svc>/<ns>/<clusterId>`; anything else is a backend the CCM does not own. */
export function parseBackendDescription(description: string | undefined): BackendDescription | undefined {
  const parts = description?.split('/');
  if (parts?.length !== 5 || parts[0] !== 'k8s') return undefined;
  const [, port = '', service = '', namespace = '', clusterId = ''] = parts;
  return { port, service, namespace, clusterId };
}

function belongsTo(backend: ClbBackend, gateway: GatewayBackends): boolean {
  if (backend.serverIp !== undefined && gateway.podIps?.includes(backend.serverIp)) return true;
  const owner = parseBackendDescription(backend.description);
  const service = gateway.service;
  return (
    owner !== undefined &&
    service !== undefined &&
    owner.service === service.name &&
    owner.namespace === service.namespace &&
    (service.clusterId === undefined || owner.clusterId === service.clusterId)
  );
}

/** A backend both gateways could claim counts for the source. */
function sideOf(backend: ClbBackend, input: EffectiveWeightsInput): Side | undefined {
  if (belongsTo(backend, input.source)) return 'source';
  return belongsTo(backend, input.target) ? 'target' : undefined;
}

const SIDES: readonly Side[] = ['source', 'target'];
const address = (backend: ClbBackend) => `${backend.serverIp ?? backend.serverId}:${backend.port}`;
const percent = (shares: SideWeights) => `source ${shares.source}% / target ${shares.target}%`;

interface GroupComparison {
  weights: VServerGroupWeights;
  expectedSums: SideWeights;
  problems: string[];
}

interface SideComparison {
  expectedSum: number;
  problems: string[];
}

/** Pod backends: every ready pod is one, each at max(1, floor(W / pods)). */
function comparePods(side: Side, weight: number, members: ClbBackend[], gateway: GatewayBackends): SideComparison {
  const problems: string[] = [];
  const pods = gateway.podIps ? [...new Set(gateway.podIps)] : undefined;
  const count = pods?.length ?? members.length;
  const expected = perBackendWeight(weight, count);
  // A backend of a pod that is gone or not ready only matters while it still takes traffic.
  for (const backend of members) {
    const stale = pods !== undefined && !pods.includes(backend.serverIp ?? '');
    if (stale && backend.weight > 0)
      problems.push(`${side} ${address(backend)} has weight ${backend.weight} but is not a ready ${side} pod`);
    else if (!stale && backend.weight !== expected)
      problems.push(`${side} ${address(backend)} has weight ${backend.weight}, expected ${expected}`);
  }
  for (const ip of pods ?? []) {
    if (!members.some((backend) => backend.serverIp === ip))
      problems.push(`${side} pod ${ip} is not a backend (expected weight ${expected})`);
  }
  return { expectedSum: expected * count, problems };
}

/**
 * Node backends. Cluster: every registered node at max(1, floor(W / nodes)). Local: one node per
 * entry of podsPerNode, at max(1, floor(W × podsOnNode / pods)); which node has which count is not
 * known here, so the weights are compared as sorted lists.
 */
function compareNodes(
  side: Side,
  weight: number,
  members: ClbBackend[],
  nodes: NonNullable<GatewayBackends['nodes']>,
): SideComparison {
  const expected =
    nodes.mode === 'cluster'
      ? backendWeights(weight, { mode: 'cluster', podsPerNode: [], nodes: members.length })
      : backendWeights(weight, { mode: 'local', podsPerNode: nodes.podsPerNode, nodes: nodes.podsPerNode.length });
  const expectedSum = expected.reduce((sum, each) => sum + each, 0);
  const descending = (weights: number[]) => [...weights].sort((a, b) => b - a);
  const want = descending(expected);
  const have = descending(members.map((backend) => backend.weight));
  const problems: string[] = [];
  if (members.length === 0) problems.push(`${side} has no node backend`);
  else if (want.length !== have.length)
    problems.push(
      `${side} has ${have.length} node backend(s) (${addresses(members)}), expected ${want.length}: one per node running ready ${side} pods`,
    );
  else if (want.some((each, i) => each !== have[i]))
    problems.push(`${side} node backends ${addresses(members)} weigh ${have.join(', ')}, expected ${want.join(', ')}`);
  return { expectedSum, problems };
}

const addresses = (backends: ClbBackend[]) => backends.map(address).join(', ');

function compareGroup(group: ClbVServerGroupBackends, input: EffectiveWeightsInput): GroupComparison {
  const reported = { source: 0, target: 0 };
  const counted = { source: 0, target: 0 };
  const expectedSums = { source: 0, target: 0 };
  const problems: string[] = [];
  for (const side of SIDES) {
    const gateway = input[side];
    const members = group.backends.filter((backend) => sideOf(backend, input) === side);
    counted[side] = members.length;
    reported[side] = members.reduce((sum, backend) => sum + backend.weight, 0);
    const comparison = gateway.nodes
      ? compareNodes(side, input.desired[side], members, gateway.nodes)
      : comparePods(side, input.desired[side], members, gateway);
    expectedSums[side] = comparison.expectedSum;
    problems.push(...comparison.problems);
  }
  return {
    weights: {
      id: group.id,
      sourceBackends: counted.source,
      targetBackends: counted.target,
      sourceWeightSum: reported.source,
      targetWeightSum: reported.target,
    },
    expectedSums,
    problems: problems.map((problem) => `${group.id}: ${problem}`),
  };
}

/**
 * Compares every vServer group's backends with the CCM's arithmetic. The shares of the whole CLB add
 * the groups' weight sums; each group is also held to the exact per-backend weight on its own.
 */
export function computeEffectiveWeights(input: EffectiveWeightsInput): EffectiveWeights {
  const comparisons = input.groups.map((group) => compareGroup(group, input));
  const total = (pick: (comparison: GroupComparison) => number) =>
    comparisons.reduce((sum, comparison) => sum + pick(comparison), 0);
  const expected = effectiveShares(
    total((c) => c.expectedSums.source),
    total((c) => c.expectedSums.target),
  );
  const effective = effectiveShares(
    total((c) => c.weights.sourceWeightSum),
    total((c) => c.weights.targetWeightSum),
  );
  const problems = comparisons.flatMap((comparison) => comparison.problems);
  if (comparisons.length === 0) problems.push('no vServer group was read');
  const result: EffectiveWeights = {
    loadBalancerId: input.loadBalancerId,
    desired: input.desired,
    expected,
    effective,
    groups: comparisons.map((comparison) => comparison.weights),
    agrees: problems.length === 0,
  };
  if (problems.length > 0)
    result.diff = [`${input.loadBalancerId}: expected ${percent(expected)}, the CLB applies ${percent(effective)}`]
      .concat(problems.map((problem) => `  ${problem}`))
      .join('\n');
  return result;
}

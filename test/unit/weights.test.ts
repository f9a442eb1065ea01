import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ccmAcceptsWeight } from '../../src/plan/annotations.js';
import {
  type BackendLayout,
  backendWeights,
  effectiveShares,
  eniLayout,
  expectedShares,
  perBackendWeight,
  type SideWeights,
  writeOrder,
} from '../../src/plan/weights.js';

const weight = fc.integer({ min: 0, max: 100 });
// Weights a validated plan can hold: 0..100 on each side, never both 0.
// A Service's backends in any mode: ready pods spread over the nodes that run them, among all nodes.
const layout: fc.Arbitrary<BackendLayout> = fc
  .record({
    mode: fc.constantFrom('eni' as const, 'cluster' as const, 'local' as const),
    podsPerNode: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 20 }),
    spareNodes: fc.integer({ min: 0, max: 20 }),
  })
  .map(({ mode, podsPerNode, spareNodes }) => ({ mode, podsPerNode, nodes: podsPerNode.length + spareNodes }));
const sides = fc.record({ source: weight, target: weight }).filter((w) => w.source > 0 || w.target > 0);

describe('writeOrder', () => {
  it('never leaves a CLB with every gateway at 0 between the two writes', () => {
    fc.assert(
      fc.property(fc.option(sides, { nil: undefined }), sides, (current, desired) => {
        const order = writeOrder(current, desired);
        expect([...order].sort()).toEqual(['source', 'target']);
        const first = order[0] as keyof SideWeights;
        // Before the first write, a side with no known current weight counts as 0: the worst case.
        const between = { source: current?.source ?? 0, target: current?.target ?? 0, [first]: desired[first] };
        expect(between.source + between.target).toBeGreaterThan(0);
      }),
    );
  });

  it('raises the target first on a step forward and the source first on a rollback', () => {
    expect(writeOrder({ source: 90, target: 10 }, { source: 50, target: 50 })).toEqual(['target', 'source']);
    expect(writeOrder({ source: 0, target: 100 }, { source: 100, target: 0 })).toEqual(['source', 'target']);
    expect(writeOrder(undefined, { source: 100, target: 0 })).toEqual(['source', 'target']);
  });
});

describe('the CCM weight arithmetic', () => {
  it('gives each pod max(1, floor(W / pods)), and 0 for W = 0', () => {
    expect(perBackendWeight(100, 3)).toBe(33);
    expect(perBackendWeight(10, 20)).toBe(1);
    expect(perBackendWeight(0, 5)).toBe(0);
    expect(perBackendWeight(50, 0)).toBe(0);
  });

  it('expects the annotation split when both sides have as many pods', () => {
    expect(expectedShares({ source: 90, target: 10 }, eniLayout(2), eniLayout(2))).toEqual({ source: 90, target: 10 });
    expect(expectedShares({ source: 0, target: 100 }, eniLayout(3), eniLayout(3))).toEqual({ source: 0, target: 100 });
  });

  it('expects more than 10% on the target at 90/10 when its pods outnumber the weight', () => {
    // 3 source pods get 30 each (90); 20 target pods get max(1, 0) = 1 each (20): 20 / 110.
    expect(expectedShares({ source: 90, target: 10 }, eniLayout(3), eniLayout(20))).toEqual({
      source: 81.82,
      target: 18.18,
    });
  });

  it('reports 0/0 when no backend has weight', () => {
    expect(effectiveShares(0, 0)).toEqual({ source: 0, target: 0 });
  });

  it('gives shares that add up to 100 and a share to every side with weight and pods', () => {
    fc.assert(
      fc.property(sides, layout, layout, (weights, source, target) => {
        const shares = expectedShares(weights, source, target);
        expect(shares.source + shares.target).toBeCloseTo(100, 6);
        expect(shares.source > 0).toBe(weights.source > 0);
        expect(shares.target > 0).toBe(weights.target > 0);
      }),
    );
  });
});

describe('the CCM weight arithmetic in each backend mode', () => {
  const nodes = (mode: BackendLayout['mode'], podsPerNode: number[], nodes = podsPerNode.length) => ({
    mode,
    podsPerNode,
    nodes,
  });

  it('eni: one backend per pod, max(1, floor(W / pods))', () => {
    expect(backendWeights(50, nodes('eni', [2, 1]))).toEqual([16, 16, 16]);
    expect(backendWeights(2, nodes('eni', [3, 2]))).toEqual([1, 1, 1, 1, 1]);
  });

  it('cluster: one backend per node of the cluster, pods or not, max(1, floor(W / nodes))', () => {
    expect(backendWeights(50, nodes('cluster', [3], 4))).toEqual([12, 12, 12, 12]);
    expect(backendWeights(3, nodes('cluster', [1], 5))).toEqual([1, 1, 1, 1, 1]);
  });

  it('local: one backend per node running pods, max(1, floor(W × podsOnNode / pods))', () => {
    // 4 pods: 3 on one node, 1 on another; a third node without pods is no backend.
    expect(backendWeights(90, nodes('local', [3, 1], 3))).toEqual([67, 22]);
    expect(backendWeights(10, nodes('local', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))).toEqual(Array(12).fill(1));
  });

  it('W = 0 keeps every backend registered at weight 0, in every mode', () => {
    expect(backendWeights(0, nodes('eni', [2, 1]))).toEqual([0, 0, 0]);
    expect(backendWeights(0, nodes('cluster', [1], 3))).toEqual([0, 0, 0]);
    expect(backendWeights(0, nodes('local', [2, 1], 3))).toEqual([0, 0]);
  });

  it('a weight smaller than the backend count gives the side more than it says', () => {
    // 90 on 2 Istio pods on 2 nodes against 10 over 12 ASM nodes with a pod each: 12 / 102.
    expect(
      expectedShares({ source: 90, target: 10 }, nodes('local', [1, 1]), nodes('local', Array(12).fill(1))),
    ).toEqual({
      source: 88.24,
      target: 11.76,
    });
  });
});

describe('the weight annotations the CCM takes (strconv.Atoi, then 0..100)', () => {
  it('takes integers 0..100 with an optional sign, and nothing else', () => {
    for (const value of ['0', '10', '100', '+50', '-0', '007']) expect(ccmAcceptsWeight(value)).toBe(true);
    for (const value of ['101', '-1', ' 50', '50 ', '50.0', '1e2', 'abc', ''])
      expect(ccmAcceptsWeight(value)).toBe(false);
  });
});

// The cloud controller manager's weight arithmetic and the effective shares it produces on a CLB.
// The weight W written on a Service is not the share a gateway gets: the CCM spreads it over the
// Service's backends (podPercentAlgorithm in its vgroups.go), in one of three backend modes:
// - eni: every ready pod is a backend, max(1, floor(W / pods)) each;
// - cluster: every node is a backend on the NodePort, max(1, floor(W / nodes)) each;
// - local: every node that runs ready pods is a backend on the NodePort, max(1, floor(W × podsOnNode / pods)).
// W = 0 gives every backend 0 and keeps it registered.

export interface SideWeights {
  source: number;
  target: number;
}

/** How the CCM turns a Service into CLB backends. */
export const BACKEND_MODES = ['eni', 'cluster', 'local'] as const;
export type BackendMode = (typeof BACKEND_MODES)[number];

/** One Service's backends as the CCM sees them. */
export interface BackendLayout {
  mode: BackendMode;
  /** The Service's ready pods on each node that runs any (one entry per node). */
  podsPerNode: readonly number[];
  /** Every node the CCM registers in cluster mode. */
  nodes: number;
}

/** An ENI layout of `pods` pods (where they run does not matter in ENI mode). */
export function eniLayout(pods: number): BackendLayout {
  return { mode: 'eni', podsPerNode: pods > 0 ? [pods] : [], nodes: 0 };
}

/** Per-backend weight in ENI and cluster mode: max(1, floor(W / backends)), 0 for W = 0. */
export function perBackendWeight(annotationWeight: number, backends: number): number {
  if (annotationWeight <= 0 || backends <= 0) return 0;
  return Math.max(1, Math.floor(annotationWeight / backends));
}

/**
 * The weight of every backend the CCM registers for a Service with annotation weight W: one per pod
 * (eni), per node (cluster) or per node running pods, in the order of `podsPerNode` (local).
 */
export function backendWeights(annotationWeight: number, layout: BackendLayout): number[] {
  const pods = layout.podsPerNode.reduce((sum, count) => sum + count, 0);
  switch (layout.mode) {
    case 'eni':
      return Array.from({ length: pods }, () => perBackendWeight(annotationWeight, pods));
    case 'cluster':
      return Array.from({ length: layout.nodes }, () => perBackendWeight(annotationWeight, layout.nodes));
    case 'local':
      return layout.podsPerNode
        .filter((count) => count > 0)
        .map((count) => (annotationWeight <= 0 ? 0 : Math.max(1, Math.floor((annotationWeight * count) / pods))));
  }
}

/** The sum of a Service's backend weights: its side of the CLB's split. */
export function sideWeightSum(annotationWeight: number, layout: BackendLayout): number {
  return backendWeights(annotationWeight, layout).reduce((sum, weight) => sum + weight, 0);
}

/** Effective share (0..100, two decimals) of each side from the per-backend weight sums. */
export function effectiveShares(sourceSum: number, targetSum: number): SideWeights {
  const total = sourceSum + targetSum;
  if (total === 0) return { source: 0, target: 0 };
  const target = Math.round((targetSum / total) * 10_000) / 100;
  return { source: Math.round((100 - target) * 100) / 100, target };
}

/** The shares the CLB should end up with once the CCM has applied these annotation weights. */
export function expectedShares(weights: SideWeights, source: BackendLayout, target: BackendLayout): SideWeights {
  return effectiveShares(sideWeightSum(weights.source, source), sideWeightSum(weights.target, target));
}

export type Side = keyof SideWeights;

/**
 * The order in which the two Services must be written to move from `current` to `desired` without
 * a moment where both are 0: the side that grows first, then the side that shrinks.
 */
export function writeOrder(current: SideWeights | undefined, desired: SideWeights): Side[] {
  if (!current) return desired.source >= desired.target ? ['source', 'target'] : ['target', 'source'];
  const targetGrows = desired.target - current.target > desired.source - current.source;
  return targetGrows ? ['target', 'source'] : ['source', 'target'];
}

/** Why these weights must not be written, or undefined: integers 0..100, never every side at 0. */
export function weightsProblem(weights: SideWeights): string | undefined {
  for (const side of ['source', 'target'] as const) {
    const weight = weights[side];
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) return `the ${side} weight must be an integer 0..100`;
  }
  if (weights.source === 0 && weights.target === 0) return 'every side at weight 0 would leave no backend';
  return undefined;
}

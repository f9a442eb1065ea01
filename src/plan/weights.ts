// The cloud controller manager's weight arithmetic and the effective shares it produces on a CLB.
// The weight written on a Service is not the share a gateway gets: with ENI (pod) backends each pod
// receives max(1, floor(W / pods)), and W = 0 gives every pod 0.

export interface SideWeights {
  source: number;
  target: number;
}

/** Per-backend weight the CCM writes for one Service's pods (ENI or Cluster mode). */
export function perBackendWeight(annotationWeight: number, backends: number): number {
  if (annotationWeight <= 0 || backends <= 0) return 0;
  return Math.max(1, Math.floor(annotationWeight / backends));
}

/** Effective share (0..100, two decimals) of each side from the per-backend weight sums. */
export function effectiveShares(sourceSum: number, targetSum: number): SideWeights {
  const total = sourceSum + targetSum;
  if (total === 0) return { source: 0, target: 0 };
  const target = Math.round((targetSum / total) * 10_000) / 100;
  return { source: Math.round((100 - target) * 100) / 100, target };
}

/** The shares the CLB should end up with once the CCM has applied these annotation weights. */
export function expectedShares(weights: SideWeights, sourcePods: number, targetPods: number): SideWeights {
  return effectiveShares(
    perBackendWeight(weights.source, sourcePods) * sourcePods,
    perBackendWeight(weights.target, targetPods) * targetPods,
  );
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

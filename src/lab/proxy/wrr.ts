// Smooth weighted round robin (nginx's): over any run of sum(weights) picks with the same weights,
// each key is picked exactly its weight's number of times, spread out rather than in bursts.

export class SmoothWeightedRoundRobin {
  private readonly current = new Map<string, number>();

  /** Picks among the keys of positive weight; none when no key has one. */
  pick(weights: ReadonlyMap<string, number>): string | undefined {
    let total = 0;
    let best: string | undefined;
    let bestCurrent = Number.NEGATIVE_INFINITY;
    for (const [key, weight] of weights) {
      if (weight <= 0) continue;
      const current = (this.current.get(key) ?? 0) + weight;
      this.current.set(key, current);
      total += weight;
      if (current > bestCurrent) {
        best = key;
        bestCurrent = current;
      }
    }
    // A key that left (or dropped to weight 0) starts afresh when it comes back.
    for (const key of this.current.keys()) if (!((weights.get(key) ?? 0) > 0)) this.current.delete(key);
    if (best !== undefined) this.current.set(best, bestCurrent - total);
    return best;
  }
}

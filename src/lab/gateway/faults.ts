// Faults a gateway pod injects into the requests it routes, set by tests and the demo while it runs.

export interface GatewayFaults {
  /** Share of routed requests (0..1) answered 503. Counter-based, not random: 0.5 fails every second request. */
  errorRatio: number;
  /** Delay added before every answer. */
  addedLatencyMs: number;
  /** The readiness endpoint answers 503, as a proxy that never gets ready. */
  neverReady: boolean;
}

/** Whether the next routed request fails: an error is due each time the accumulated ratio reaches one. */
export function errorDrawer(faults: Pick<GatewayFaults, 'errorRatio'>): () => boolean {
  let due = 0;
  return () => {
    due += Math.min(Math.max(faults.errorRatio, 0), 1);
    // The epsilon keeps ratios such as 0.1, which binary floats cannot hold, exact over many requests.
    if (due < 1 - 1e-9) return false;
    due -= 1;
    return true;
  };
}

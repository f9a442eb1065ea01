// The faults of the canary-cluster lab, each set as an absolute state: the target cluster's backend
// answering 5xx or slowly, and a source gateway pod that ACKs no istiod push (STALE in `istioctl
// proxy-status`). The lab's HTTP API (`npm run lab -- --driver virtualservice`) sets them.
import { z } from 'zod';
import type { Faults } from '../faults-api.js';
import type { Backend } from './backend.js';
import type { MeshGateway } from './mesh-gateway.js';

export interface CanaryClusterFaultState {
  /** Share (0..1) of the target cluster backend's answers that are 503. */
  targetErrorRatio: number;
  targetLatencyMs: number;
  /** The source gateway pod that keeps its routes and ACKs no push; null: none. */
  staleGatewayPod: string | null;
}

export const canaryClusterFaultChanges = z.strictObject({
  targetErrorRatio: z.number().min(0).max(1).optional(),
  targetLatencyMs: z.number().int().min(0).max(60_000).optional(),
  staleGatewayPod: z.string().min(1).nullable().optional(),
});

export function canaryClusterFaults(lab: {
  sourceGateways: Pick<MeshGateway, 'podName' | 'faults'>[];
  targetBackend: Pick<Backend, 'faults'>;
}): Faults<CanaryClusterFaultState> {
  const state = (): CanaryClusterFaultState => ({
    targetErrorRatio: lab.targetBackend.faults.errorRatio,
    targetLatencyMs: lab.targetBackend.faults.addedLatencyMs,
    staleGatewayPod: lab.sourceGateways.find((pod) => pod.faults.neverPicksUp)?.podName ?? null,
  });
  return {
    state,
    async set(changes) {
      const { staleGatewayPod } = changes;
      if (staleGatewayPod && !lab.sourceGateways.some((pod) => pod.podName === staleGatewayPod))
        throw new Error(
          `staleGatewayPod: no source gateway pod ${staleGatewayPod} (${lab.sourceGateways.map((pod) => pod.podName).join(', ')})`,
        );
      if (changes.targetErrorRatio !== undefined) lab.targetBackend.faults.errorRatio = changes.targetErrorRatio;
      if (changes.targetLatencyMs !== undefined) lab.targetBackend.faults.addedLatencyMs = changes.targetLatencyMs;
      if (staleGatewayPod !== undefined)
        for (const pod of lab.sourceGateways) pod.faults.neverPicksUp = pod.podName === staleGatewayPod;
      return state();
    },
  };
}

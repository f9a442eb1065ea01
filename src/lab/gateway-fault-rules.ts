// Which faults each gateway pod injects, from rules that also hold for pods not started yet: by
// gateway, by version (the pod's canonical revision), and for the canary Deployment's pods.
import type { GatewayFaults } from './gateway/index.js';

export interface GatewayFaultRules {
  /** By gateway name (the pods' `istio` label). */
  gateways: Record<string, { errorRatio?: number; addedLatencyMs?: number }>;
  /** The pods running this version answer this share (0..1) of their requests with 503. */
  versionErrorRatio?: { version: string; ratio: number };
  /** The canary Deployment's pods never pass their readiness probe. */
  canaryNeverReady: boolean;
}

export interface FaultTarget {
  gateway: string;
  revision?: string;
  canary: boolean;
}

export const noFaultRules = (): GatewayFaultRules => ({ gateways: {}, canaryNeverReady: false });

/** A pod's faults: the larger of its gateway's and its version's error ratio. */
export function podFaults(rules: GatewayFaultRules, pod: FaultTarget): GatewayFaults {
  const gateway = rules.gateways[pod.gateway] ?? {};
  const version = rules.versionErrorRatio;
  const versionRatio = version && version.version === pod.revision ? version.ratio : 0;
  return {
    errorRatio: Math.max(gateway.errorRatio ?? 0, versionRatio),
    addedLatencyMs: gateway.addedLatencyMs ?? 0,
    neverReady: rules.canaryNeverReady && pod.canary,
  };
}

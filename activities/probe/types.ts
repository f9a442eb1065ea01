// The route probe's input and report. Pods are given by the caller (see gateway-pods.ts), so the probe
// itself only speaks HTTP.
import type { RouteProbe } from '../../src/plan/index.js';

export interface ProbeResult {
  podName: string;
  podIp: string;
  route: string;
  status?: number;
  latencyMs?: number;
  error?: string;
  ok: boolean;
}

export interface ProbePod {
  name: string;
  ip: string;
}

export interface ProbeTarget {
  /** Shown in messages, e.g. "istio-system/ingressgateway-asm". */
  gateway: string;
  pods: ProbePod[];
}

export interface PodProbeRequest {
  target: ProbeTarget;
  routes: RouteProbe[];
  /** The gateway whose answers set the expected status class of each route (parity check). */
  compareWith?: ProbeTarget;
  /** Per request; default 5 s. */
  timeoutMs?: number;
}

export interface RouteParity {
  route: string;
  ok: boolean;
  /** Status classes ("2xx", "4xx", "no answer") the target's and the source's pods gave. */
  targetClasses: string[];
  sourceClasses: string[];
  message?: string;
}

export interface PodProbeReport {
  ok: boolean;
  message?: string;
  /** The target's pods: ok when the status is one of the route's expectStatus. */
  results: ProbeResult[];
  /** The compareWith gateway's pods, the parity baseline. */
  baseline: ProbeResult[];
  /** One entry per route when compareWith is given. */
  parity: RouteParity[];
}

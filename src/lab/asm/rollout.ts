// The next step of a gateway Deployment's rolling update, decided without side effects from its pods:
// one step at a time, a new pod Ready and registered with the load balancer before an old one is
// retired, within maxSurge/maxUnavailable as a Deployment computes them (surge rounded up,
// unavailable down, never both 0).

export interface RolloutPod {
  name: string;
  version: string;
  /** Ready and registered with the load balancer in front of the gateway. */
  available: boolean;
  /** Deleted, still draining. */
  terminating: boolean;
}

export interface RolloutSpec {
  replicas: number;
  /** The version every pod should run. */
  version: string;
  /** Absolute or a percentage of replicas; default 25%. */
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  /** Stop once half of the replicas (rounded up) run the new version. */
  stalled?: boolean;
}

export type RolloutStep =
  | { kind: 'create' }
  | { kind: 'retire'; pod: string }
  /** Something is under way (a pod starting or draining), or the roll is held. */
  | { kind: 'wait' }
  /** Every pod runs the version and is available. */
  | { kind: 'done' };

export function resolveLimit(value: number | string | undefined, replicas: number, roundUp: boolean): number {
  const text = String(value ?? '25%').trim();
  if (!text.endsWith('%')) return Math.max(0, Math.trunc(Number(text)) || 0);
  const exact = (Number(text.slice(0, -1)) / 100) * replicas;
  return Math.max(0, roundUp ? Math.ceil(exact) : Math.floor(exact));
}

/** Old pods first, unavailable ones before available ones, so that a broken pod goes first. */
const retireOrder = (a: RolloutPod, b: RolloutPod) => Number(a.available) - Number(b.available);

export function nextRolloutStep(pods: readonly RolloutPod[], spec: RolloutSpec): RolloutStep {
  const maxSurge = resolveLimit(spec.maxSurge, spec.replicas, true);
  const unavailable = resolveLimit(spec.maxUnavailable, spec.replicas, false);
  const maxUnavailable = maxSurge === 0 && unavailable === 0 ? 1 : unavailable;
  const live = pods.filter((pod) => !pod.terminating);
  const current = live.filter((pod) => pod.version === spec.version);
  const old = live.filter((pod) => pod.version !== spec.version).sort(retireOrder);
  const available = live.filter((pod) => pod.available).length;

  if (pods.some((pod) => pod.terminating) || current.some((pod) => !pod.available)) return { kind: 'wait' };
  if (old.length === 0 && current.length === spec.replicas) return { kind: 'done' };
  if (spec.stalled && old.length > 0 && current.length >= Math.ceil(spec.replicas / 2)) return { kind: 'wait' };
  const extra = old[0] ?? current[current.length - 1];
  if (live.length > spec.replicas && extra) return { kind: 'retire', pod: extra.name };
  if (current.length < spec.replicas && live.length < spec.replicas + maxSurge) return { kind: 'create' };
  if (old[0] && available - (old[0].available ? 1 : 0) >= spec.replicas - maxUnavailable)
    return { kind: 'retire', pod: old[0].name };
  return { kind: 'wait' };
}

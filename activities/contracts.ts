// The activity contracts between the workflow and the world. Every activity is idempotent: it is
// given absolute desired state, writes it, reads it back, and returns what it read, so a retry or a
// re-run after a crash has the same result. No request carries a credential: the worker holds them.
import type { AnalysisPlan, GatewayRef, MigrationPlan, RouteProbe, SideWeights } from '../src/plan/index.js';

export type Topology = Pick<MigrationPlan, 'driver' | 'source' | 'target' | 'loadBalancers'>;

export interface WeightsRequest {
  migrationId: string;
  topology: Topology;
  /** Absolute annotation weights for every CLB of the migration. */
  weights: SideWeights;
  /** Why the write happens; recorded with it. */
  purpose: 'phase' | 'rollback';
  phaseIndex: number;
}

export interface WeightWrite {
  loadBalancerId: string;
  namespace: string;
  service: string;
  side: 'source' | 'target';
  weight: number;
  /** false when the Service already carried this weight and nothing was written. */
  changed: boolean;
}

export interface AppliedWeights {
  /** In the order they were made: on every CLB, the side that grows comes first. */
  writes: WeightWrite[];
}

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

export interface VerifyRequest extends WeightsRequest {
  timeoutMs: number;
}

export interface VerifyResult {
  ok: boolean;
  loadBalancers: EffectiveWeights[];
  message?: string;
}

export interface ChecklistItem {
  item: string;
  ok: boolean;
  why: string;
  fix?: string;
  loadBalancerId?: string;
}

export interface PreflightRequest {
  migrationId: string;
  plan: MigrationPlan;
}

export interface PreflightReport {
  ok: boolean;
  items: ChecklistItem[];
}

export interface ProbeRequest {
  gateway: GatewayRef;
  routes: RouteProbe[];
  /** A second gateway whose answers the first must match in status class (parity check). */
  compareWith?: GatewayRef;
}

export interface ProbeResult {
  podName: string;
  podIp: string;
  route: string;
  status?: number;
  latencyMs?: number;
  error?: string;
  ok: boolean;
}

export interface ProbeReport {
  ok: boolean;
  results: ProbeResult[];
  message?: string;
}

export interface AnalysisRequest {
  migrationId: string;
  phaseIndex: number;
  analysis: AnalysisPlan;
  source: GatewayRef;
  target: GatewayRef;
}

export interface AnalysisSample {
  check: string;
  /** null when Prometheus returned no data; missing data never passes. */
  value: number | null;
  pass: boolean;
  at: string;
}

export interface AnalysisBreach {
  check: string;
  value: number | null;
  threshold: number;
  pass: string;
  consecutive: number;
  at: string;
  message: string;
}

export interface AnalysisSummary {
  /** pass: every check had data and passed at its last evaluation. */
  verdict: 'pass' | 'breach' | 'no-data' | 'failing';
  evaluations: number;
  /** The latest sample of each check. */
  samples: AnalysisSample[];
  breach?: AnalysisBreach;
}

/**
 * The activities the migration workflow calls. `analyze` is long-running: it heartbeats its summary
 * after every evaluation, returns as soon as a check fails `consecutiveFailures` times in a row, and
 * otherwise runs until cancelled; on cancellation it throws CancelledFailure with its final
 * AnalysisSummary as the failure's details.
 */
export interface MigrationActivities {
  preflight(request: PreflightRequest): Promise<PreflightReport>;
  applyWeights(request: WeightsRequest): Promise<AppliedWeights>;
  verifyWeights(request: VerifyRequest): Promise<VerifyResult>;
  probeRoutes(request: ProbeRequest): Promise<ProbeReport>;
  analyze(request: AnalysisRequest): Promise<AnalysisSummary>;
  /** The migration holding a CLB's lease, read from the Temporal server (for refusal messages). */
  describeLeaseHolder(loadBalancerId: string): Promise<string | undefined>;
}

// The activity contracts between the workflow and the world. Every activity is idempotent: it is
// given absolute desired state, writes it, reads it back, and returns what it read, so a retry or a
// re-run after a crash has the same result. No request carries a credential: the worker holds them.
// A request names its driver through `traffic.kind`; the activity hands it to that driver's half.
import type { PreviewReadings } from '../src/api/preview.js';
import type { AnalysisSummary, ChecklistItem, Observation, WeightWrite } from '../src/api/records.js';
import type { NotifyEvent } from '../src/notify/message.js';
import type { NotifyConfig, NotifyFormat } from '../src/notify/schema.js';
import type { AnalysisPlan, Json, MigrationPlan, QueryVariables, SideWeights, TrafficPlan } from '../src/plan/index.js';

export interface DriverRequest {
  migrationId: string;
  traffic: TrafficPlan;
  /** The step the request belongs to. */
  step: number;
}

export interface PreflightRequest {
  migrationId: string;
  plan: MigrationPlan;
}

export interface PreflightReport {
  ok: boolean;
  items: ChecklistItem[];
}

/** A plan to preview: read-only, nothing is written. */
export interface PreviewRequest {
  migrationId: string;
  plan: MigrationPlan;
}

export interface WeightsRequest extends DriverRequest {
  /** Absolute weights of the two sides, for every resource of the migration. */
  weights: SideWeights;
  /** Why the write happens; recorded with it. */
  purpose: 'phase' | 'rollback';
}

export interface AppliedWeights {
  /** In the order they were made: on every resource, the side that grows comes first. */
  writes: WeightWrite[];
}

export interface VerifyRequest extends WeightsRequest {
  timeoutMs: number;
}

export interface VerifyResult {
  ok: boolean;
  observations: Observation[];
  message?: string;
}

export interface ActionRequest extends DriverRequest {
  action: string;
  args: { [key: string]: Json };
}

export interface ActionOutcome {
  /** One line per change made, e.g. "istio-system/istio-ingressgateway: annotation weight 100 added"; empty when nothing needed changing. */
  changes: string[];
}

/** What a condition may read besides the world: the plan's Prometheus and the analysis' query placeholders. */
export interface ConditionMetrics {
  prometheusUrl?: string;
  variables: QueryVariables;
}

export interface ConditionRequest extends DriverRequest {
  condition: string;
  args: { [key: string]: Json };
  /** How long this call checks; the workflow calls again until the step's timeout (see workflows/steps.ts). */
  timeoutMs: number;
  metrics: ConditionMetrics;
}

export interface ConditionState {
  met: boolean;
  /** What was found, e.g. "deployment istio-system/ingressgateway-canary: 0/1 ready". */
  message: string;
  observations?: Observation[];
}

export interface AnalysisRequest {
  migrationId: string;
  step: number;
  analysis: AnalysisPlan;
  /** How long the soak lasts: with the interval, how many evaluations a full soak has. */
  soakMs: number;
}

export interface NotifyRequest {
  event: NotifyEvent;
  /** The input's `notify` section; absent: the worker's defaults (GATESHIFT_NOTIFY_DEFAULT_TARGETS). */
  config?: NotifyConfig;
  /**
   * A number the workflow makes deterministic (e.g. how many notifications it has sent before), so that
   * a retried or re-run activity sends the same idempotency key: `<migrationId>/<event>/<seq>`.
   */
  seq: number;
}

export interface NotifyTargetResult {
  target: string;
  format: NotifyFormat;
  ok: boolean;
  /** HTTP attempts made (0 when the target is not configured on this worker). */
  attempts: number;
  /** The last HTTP status, when there was an answer. */
  status?: number;
  /** Why it failed, without the URL, its token or the secret. */
  error?: string;
}

export interface NotifyResult {
  idempotencyKey: string;
  /** One entry per target that the event was for; empty when no target wants it. */
  targets: NotifyTargetResult[];
  /** The worker's default targets could not be read (GATESHIFT_NOTIFY_DEFAULT_*): nothing was sent. */
  error?: string;
}

/**
 * The activities the migration workflow calls. `analyze` is long-running: it heartbeats its summary
 * after every evaluation, returns as soon as a check fails `consecutiveFailures` times in a row, and
 * otherwise runs until cancelled; on cancellation it throws CancelledFailure with its final
 * AnalysisSummary as the failure's details.
 */
export interface MigrationActivities {
  preflight(request: PreflightRequest): Promise<PreflightReport>;
  /** The pre-flight and the shares each phase would give, for a preview; writes nothing. */
  readPreview(request: PreviewRequest): Promise<PreviewReadings>;
  setWeights(request: WeightsRequest): Promise<AppliedWeights>;
  verifyWeights(request: VerifyRequest): Promise<VerifyResult>;
  /** Runs a driver's action (an undo is an action too); idempotent. */
  runAction(request: ActionRequest): Promise<ActionOutcome>;
  /**
   * What the action would change now, one line each, writing nothing; null when the driver computes no
   * live preview for it. A read that fails comes back as a line saying so, never as a failure.
   */
  previewAction(request: ActionRequest): Promise<ActionOutcome | null>;
  /** Checks a driver's condition until it holds or the timeout passes. */
  awaitCondition(request: ConditionRequest): Promise<ConditionState>;
  analyze(request: AnalysisRequest): Promise<AnalysisSummary>;
  /** Tells the chat targets; never fails for a receiver's error (see NotifyResult). */
  notify(request: NotifyRequest): Promise<NotifyResult>;
  /** The migration holding a resource's lock, read from the Temporal server (for refusal messages). */
  describeLockHolder(resource: string): Promise<string | undefined>;
}

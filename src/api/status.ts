// What the `status` query answers and what a migration returns. The lists of states, human actions and
// rollback reasons exist here once; the workflow, the metrics, the CLI and the tests derive from them.
import type { SideWeights } from '../plan/weights.js';
import type { AnalysisBreach, AnalysisSample, ChecklistItem, Observation, WeightWrite } from './records.js';

export const MIGRATION_STATES = [
  'starting',
  'preflight',
  'waiting-approval',
  'applying',
  'verifying',
  'acting',
  'awaiting',
  'soaking',
  'paused',
  'rolling-back',
  'completed',
  'rolled-back',
  'failed',
] as const;
export type MigrationState = (typeof MIGRATION_STATES)[number];

export const TERMINAL_STATES: readonly MigrationState[] = ['completed', 'rolled-back', 'failed'];

export function isTerminal(state: MigrationState): boolean {
  return TERMINAL_STATES.includes(state);
}

export const ACTION_KINDS = ['approve', 'pause', 'resume', 'rollback', 'skip-soak', 'approve-all'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ROLLBACK_REASONS = ['manual', 'breach', 'verification', 'timeout', 'failure', 'cancelled'] as const;
export type RollbackReason = (typeof ROLLBACK_REASONS)[number];

/** Every human (or automatic) action, accepted or refused: who, when, what, why. */
export interface RecordedAction {
  kind: ActionKind;
  by: string;
  at: string;
  /** The step the action was about (for an approval: the step it lets in). */
  step: number;
  /** The phase of that step, for weight steps. */
  phase?: number;
  state: MigrationState;
  reason?: string;
  /** How it arrived; `approve-all`: a gate opened by a standing approval (the approve-all's who and why). */
  via: 'signal' | 'update' | 'analysis' | 'approve-all';
  outcome: 'accepted' | 'refused';
  refusal?: string;
}

export type StepState = 'pending' | 'running' | 'done' | 'undone' | 'failed';

export interface StepView {
  index: number;
  kind: 'shift' | 'action' | 'await' | 'soak' | 'gate';
  /** "phase 1 (canary 90/10)", "step 2 (annotate the gateway)": the same words everywhere. */
  label: string;
  state: StepState;
  startedAt?: string;
  endedAt?: string;
  /** What the step did or found (an action's changes, a condition's last answer). */
  outcome?: string;
  /** What an action would change, read from the live world just before its gate (a dry-run diff). */
  preview?: string;
  /** How long the step soaks (shift and soak steps). */
  soakMs?: number;
  /** Whether the step waits for a human (shift and action steps); see src/plan/gate.ts. */
  approval?: 'manual' | 'auto';
}

export interface AnalysisView {
  /** The step whose soak the analysis watched. */
  step: number;
  verdict: 'pass' | 'breach' | 'no-data' | 'failing' | 'running';
  evaluations: number;
  /** Share of the soak (0..1) covered by evaluations in which every check had data. */
  dataCoverage: number;
  samples: AnalysisSample[];
  updatedAt: string;
}

export interface MigrationStatus {
  migrationId: string;
  title?: string;
  /** The driver: clb-annotation, … */
  kind: string;
  /** The resources the migration holds and observes. */
  resources: string[];
  state: MigrationState;
  /** The state before a pause, so the status can say what resumes. */
  pausedFrom?: MigrationState;
  paused?: { by: string; reason: string; at: string };
  /** A standing approval of every remaining gate (`gateshift approve --all-remaining`). */
  approvedAll?: { by: string; reason: string; at: string };
  stepIndex: number;
  steps: StepView[];
  /** Weight phases (shift steps) only: the current phase and how many the plan has (0: none). */
  phaseIndex: number;
  phaseCount: number;
  phaseName: string;
  /** The weights last written; null for a driver that moves no weights. */
  desired: SideWeights | null;
  observations: Observation[];
  soak: { totalMs: number; remainingMs: number; endsAt?: string } | null;
  waitingFor: string | null;
  preflight: ChecklistItem[] | null;
  analysis: AnalysisView | null;
  breaches: AnalysisBreach[];
  actions: RecordedAction[];
  writes: (WeightWrite & { at: string; purpose: 'phase' | 'rollback'; step: number; phase: number })[];
  startedAt: string;
  updatedAt: string;
  error?: string;
}

export interface RollbackRecord {
  by: string;
  reason: string;
  kind: RollbackReason;
  at: string;
  fromState: MigrationState;
  fromStep: number;
  fromPhase: number;
}

export interface MigrationResult {
  outcome: 'completed' | 'rolled-back';
  migrationId: string;
  stepReached: number;
  phaseReached: number;
  finalWeights: SideWeights | null;
  observations: Observation[];
  rollback?: RollbackRecord;
  actions: RecordedAction[];
  breaches: AnalysisBreach[];
}

/**
 * Where a migration is, in the same words in the CLI, the list and the Web UI: "phase 2 of 4" (phases
 * are numbered from 0, the start state, as their labels are), or "step 3 of 5" for a plan without
 * weight phases.
 */
export function position(status: Pick<MigrationStatus, 'phaseIndex' | 'phaseCount' | 'stepIndex' | 'steps'>): string {
  return status.phaseCount > 0
    ? `phase ${status.phaseIndex} of ${status.phaseCount - 1}`
    : `step ${status.stepIndex} of ${status.steps.length - 1}`;
}

/** What `gateshift list` shows without asking a worker: kept in the workflow's memo. */
export interface MigrationMemo {
  position: string;
  /** The weights last written, "90/10"; absent for a driver that moves no weights. */
  weights?: string;
  waitingFor?: string;
}

/** The live preview of the action whose gate waits for an approval: the first step not begun yet. */
export function gatePreview(status: Pick<MigrationStatus, 'state' | 'steps'>): string | undefined {
  if (status.state !== 'waiting-approval') return undefined;
  return status.steps.find((step) => step.state === 'pending')?.preview;
}

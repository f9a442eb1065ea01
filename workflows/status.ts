// The shape of what the `status` query answers and what the workflow returns.
import type {
  AnalysisBreach,
  AnalysisSample,
  ChecklistItem,
  EffectiveWeights,
  WeightWrite,
} from '../activities/contracts.js';
import type { SideWeights } from '../src/plan/index.js';

export type MigrationState =
  | 'starting'
  | 'preflight'
  | 'waiting-approval'
  | 'applying'
  | 'verifying'
  | 'soaking'
  | 'paused'
  | 'rolling-back'
  | 'completed'
  | 'rolled-back'
  | 'failed';

export const TERMINAL_STATES: readonly MigrationState[] = ['completed', 'rolled-back', 'failed'];

export type ActionKind = 'approve' | 'pause' | 'resume' | 'rollback';

/** Every human (or automatic) action, accepted or refused: who, when, what, why. */
export interface RecordedAction {
  kind: ActionKind;
  by: string;
  at: string;
  phase: number;
  state: MigrationState;
  reason?: string;
  via: 'signal' | 'update' | 'analysis';
  outcome: 'accepted' | 'refused';
  refusal?: string;
}

export interface AnalysisView {
  phase: number;
  verdict: 'pass' | 'breach' | 'no-data' | 'failing' | 'running';
  evaluations: number;
  samples: AnalysisSample[];
  updatedAt: string;
}

export interface MigrationStatus {
  migrationId: string;
  title?: string;
  state: MigrationState;
  /** The state before a pause, so the status can say what resumes. */
  pausedFrom?: MigrationState;
  phaseIndex: number;
  phaseCount: number;
  phaseName: string;
  desired: SideWeights;
  effective: EffectiveWeights[];
  soak: { totalMs: number; remainingMs: number; endsAt?: string } | null;
  waitingFor: string | null;
  preflight: ChecklistItem[] | null;
  analysis: AnalysisView | null;
  breaches: AnalysisBreach[];
  actions: RecordedAction[];
  writes: (WeightWrite & { at: string; purpose: 'phase' | 'rollback'; phase: number })[];
  startedAt: string;
  updatedAt: string;
  error?: string;
}

export interface MigrationResult {
  outcome: 'completed' | 'rolled-back';
  migrationId: string;
  phaseReached: number;
  finalWeights: SideWeights;
  effective: EffectiveWeights[];
  rollback?: { by: string; reason: string; at: string; fromState: MigrationState; fromPhase: number };
  actions: RecordedAction[];
  breaches: AnalysisBreach[];
}

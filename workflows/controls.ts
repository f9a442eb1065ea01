// Whether a human control is accepted in the migration's current situation, and if not, why. Pure:
// the update validators, the signal handlers and unit tests share it.
import { formatDuration } from '../src/plan/duration.js';
import type { ApproveInput, PauseInput, ResumeInput, RollbackInput } from './definitions.js';
import type { ActionKind, MigrationState } from './status.js';

export interface ControlView {
  /** What the workflow is doing; `paused` is kept apart so a resume knows where it goes back to. */
  stage: MigrationState;
  paused?: { by: string; reason: string };
  /** The phase index an approval would let in, while waiting for one. */
  gateFor: number | null;
  phaseCount: number;
  phaseIndex: number;
  phaseLabel: (index: number) => string;
  soakRemainingMs: number;
}

export type ControlInput = ApproveInput | PauseInput | ResumeInput | RollbackInput;

const FINISHED: readonly MigrationState[] = ['completed', 'rolled-back', 'failed'];

function busy(view: ControlView): string {
  const phase = view.phaseLabel(view.phaseIndex);
  switch (view.stage) {
    case 'starting':
    case 'preflight':
      return 'the pre-flight checks are running';
    case 'applying':
      return `the weights of ${phase} are being written`;
    case 'verifying':
      return `the weights of ${phase} are being verified on the CLB`;
    case 'soaking':
      return `${phase} is soaking, ${formatDuration(view.soakRemainingMs)} left`;
    case 'rolling-back':
      return 'a rollback is in progress';
    default:
      return `the migration is ${view.stage}`;
  }
}

function missingField(input: ControlInput, fields: string[]): string | undefined {
  const record = input as unknown as Record<string, unknown>;
  const missing = fields.find(
    (field) => typeof record?.[field] !== 'string' || (record[field] as string).trim() === '',
  );
  return missing ? `${missing} is required` : undefined;
}

/** undefined when accepted; otherwise the refusal, e.g. "approve refused: phase 2 (50/50) is soaking, 37m left". */
export function refusal(kind: ActionKind, input: ControlInput, view: ControlView): string | undefined {
  const why = refusalReason(kind, input, view);
  return why ? `${kind} refused: ${why}` : undefined;
}

function refusalReason(kind: ActionKind, input: ControlInput, view: ControlView): string | undefined {
  const required = kind === 'pause' || kind === 'rollback' ? ['by', 'reason'] : ['by'];
  const missing = missingField(input, required);
  if (missing) return missing;
  if (FINISHED.includes(view.stage)) return `the migration has already ended (${view.stage})`;
  if (view.stage === 'rolling-back') return 'a rollback is in progress';
  switch (kind) {
    case 'rollback':
      return undefined;
    case 'pause':
      return view.paused ? `already paused by ${view.paused.by} (${view.paused.reason})` : undefined;
    case 'resume':
      return view.paused ? undefined : `the migration is not paused (${busy(view)})`;
    case 'approve': {
      if (view.paused) return `the migration is paused by ${view.paused.by} (${view.paused.reason}); resume it first`;
      if (view.stage !== 'waiting-approval' || view.gateFor === null) return busy(view);
      const { phase } = input as ApproveInput;
      if (phase !== undefined && phase !== view.gateFor) {
        const waitingFor = view.gateFor >= view.phaseCount ? 'completion' : view.phaseLabel(view.gateFor);
        return `the approval is for phase ${phase}, but the migration waits for approval of ${waitingFor}`;
      }
      return undefined;
    }
  }
}

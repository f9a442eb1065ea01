// Whether a human control is accepted in the migration's current situation, and if not, why. Pure:
// the update validators, the signal handlers and unit tests share it.
import type { ApproveInput, ControlInput } from '../api/names.js';
import { type ActionKind, isTerminal, type MigrationState } from '../api/status.js';
import { formatDuration } from './duration.js';

export interface ControlView {
  /** What the workflow is doing; `paused` is kept apart so a resume knows where it goes back to. */
  stage: MigrationState;
  paused?: { by: string; reason: string };
  /** The gate that waits for an approval, if one does. */
  gate: {
    step: number;
    /** The phase an approval lets in (the phase count for completion); undefined for other steps. */
    phase?: number;
    label: string;
    /** Who approved it already: a second approval of the same gate is refused. */
    approvedBy?: string;
  } | null;
  /** The label of the step in progress. */
  current: string;
  soakRemainingMs: number;
  /** Why a rollback is impossible now (e.g. an irreversible step has started). */
  rollbackBlocked?: string;
  /** The standing approval of every remaining gate, once given. */
  approvedAll?: { by: string; reason: string };
  /** The gates still to pass (the waiting one included); `ownApproval`: approve-all does not open it. */
  remainingGates: { label: string; ownApproval: boolean }[];
}

function busy(view: ControlView): string {
  switch (view.stage) {
    case 'starting':
    case 'preflight':
      return 'the pre-flight checks are running';
    case 'applying':
      return `the weights of ${view.current} are being written`;
    case 'verifying':
      return `the weights of ${view.current} are being verified`;
    case 'acting':
      return `${view.current} is running`;
    case 'awaiting':
      return `${view.current} is waiting for its condition`;
    case 'soaking':
      return `${view.current} is soaking, ${formatDuration(view.soakRemainingMs)} left`;
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

/**
 * undefined when accepted; otherwise the refusal, e.g. "approve refused: phase 2 (50/50) is soaking, 37m
 * left". What the plan forbids an approve-all: a gate that opens a step which cannot be undone (an
 * irreversible action) needs an approval of its own, given when the migration waits there.
 */
export function refusal(kind: ActionKind, input: ControlInput, view: ControlView): string | undefined {
  const why = refusalReason(kind, input, view);
  return why ? `${kind} refused: ${why}` : undefined;
}

const NEEDS_REASON: readonly ActionKind[] = ['pause', 'rollback', 'skip-soak', 'approve-all'];

function refusalReason(kind: ActionKind, input: ControlInput, view: ControlView): string | undefined {
  const required = NEEDS_REASON.includes(kind) ? ['by', 'reason'] : ['by'];
  const missing = missingField(input, required);
  if (missing) return missing;
  if (isTerminal(view.stage)) return `the migration has already ended (${view.stage})`;
  if (view.stage === 'rolling-back') return 'a rollback is in progress';
  switch (kind) {
    case 'rollback':
      return view.rollbackBlocked;
    case 'pause':
      return view.paused ? `already paused by ${view.paused.by} (${view.paused.reason})` : undefined;
    case 'resume':
      return view.paused ? undefined : `the migration is not paused (${busy(view)})`;
    case 'approve':
      return approvalRefusal(input as ApproveInput, view);
    case 'skip-soak':
      if (view.paused) return pausedRefusal(view.paused);
      return view.stage === 'soaking' ? undefined : `no soak is running (${busy(view)})`;
    case 'approve-all':
      return approveAllRefusal(view);
  }
}

function pausedRefusal(paused: { by: string; reason: string }): string {
  return `the migration is paused by ${paused.by} (${paused.reason}); resume it first`;
}

function approveAllRefusal(view: ControlView): string | undefined {
  if (view.paused) return pausedRefusal(view.paused);
  if (view.approvedAll)
    return `every remaining step was already approved by ${view.approvedAll.by} (${view.approvedAll.reason})`;
  if (view.remainingGates.length === 0) return 'no step is left to approve';
  if (view.remainingGates.every((gate) => gate.ownApproval))
    return `${view.remainingGates.map((gate) => gate.label).join(', ')} cannot be undone: approve it on its own when the migration waits for it`;
  return undefined;
}

function approvalRefusal(input: ApproveInput, view: ControlView): string | undefined {
  if (view.paused) return pausedRefusal(view.paused);
  const { gate } = view;
  if (view.stage !== 'waiting-approval' || gate === null) return busy(view);
  if (gate.approvedBy) return `${gate.label} was already approved by ${gate.approvedBy}`;
  if (input.phase !== undefined && input.phase !== gate.phase)
    return `the approval is for phase ${input.phase}, but the migration waits for approval of ${gate.label}`;
  if (input.step !== undefined && input.step !== gate.step)
    return `the approval is for step ${input.step}, but the migration waits for approval of ${gate.label}`;
  return undefined;
}

// A human control applied to the run: refused ones are recorded with their reason (a signal's sender
// learns it from the status), accepted ones change the run. The rule itself is pure: src/plan/controls.ts.
import type { ApproveAllInput, ControlInput, PauseInput, RollbackInput, SkipSoakInput } from '../src/api/names.js';
import type { ActionKind } from '../src/api/status.js';
import { type ControlView, refusal } from '../src/plan/controls.js';
import { formatDuration } from '../src/plan/duration.js';
import { needsOwnApproval, remainingGates } from '../src/plan/gate.js';
import { phaseOf, stepLabel } from '../src/plan/steps.js';
import { iso, type MigrationRun } from './run.js';

/** What the pure refusal rule needs to know of the run. */
export function controlView(run: MigrationRun): ControlView {
  const { gate, currentStep } = run;
  const blocked = run.pointOfNoReturn;
  return {
    stage: run.stage,
    paused: run.paused,
    gate: gate
      ? {
          step: gate.step.index,
          phase: phaseOf(gate.step, run.status.phaseCount),
          label: stepLabel(gate.step),
          approvedBy: gate.approvedBy,
        }
      : null,
    current: currentStep ? stepLabel(currentStep) : 'the migration',
    soakRemainingMs: run.soakLeft(),
    rollbackBlocked: blocked
      ? `${stepLabel(blocked)} has started and cannot be undone; pause and fix forward`
      : undefined,
    approvedAll: run.approvedAll,
    // The waiting gate's step has not begun; otherwise the current step has passed its gate.
    remainingGates: remainingGates(run.plan.steps, gate ? gate.step.index : run.status.stepIndex + 1),
  };
}

export function applyControl(
  run: MigrationRun,
  kind: ActionKind,
  input: ControlInput,
  via: 'signal' | 'update',
): { accepted: boolean; message: string } {
  const refused = refusal(kind, input, controlView(run));
  run.record(kind, input, via, refused);
  const message = refused ?? accept(run, kind, input);
  run.publish();
  return { accepted: refused === undefined, message };
}

function accept(run: MigrationRun, kind: ActionKind, input: ControlInput): string {
  switch (kind) {
    case 'approve': {
      const gate = run.gate as NonNullable<MigrationRun['gate']>;
      gate.approvedBy = input.by;
      return `approved ${stepLabel(gate.step)} by ${input.by}`;
    }
    case 'pause': {
      const where =
        run.stage === 'soaking'
          ? `${controlView(run).current}; soak clock stopped with ${formatDuration(run.soakLeft())} left`
          : `at ${run.stage}`;
      run.pause(input.by, (input as PauseInput).reason);
      return `paused ${where}`;
    }
    case 'resume':
      run.resume();
      return `resumed ${run.stage}`;
    case 'rollback': {
      run.requestRollback(input.by, (input as RollbackInput).reason, 'manual');
      const restore = run.plan.restore;
      return `rolling back${restore ? ` to ${restore.source}/${restore.target}` : ''} (requested by ${input.by})`;
    }
    case 'skip-soak': {
      const left = formatDuration(run.soakLeft());
      run.soakOver();
      return `skipped the rest of the soak of ${controlView(run).current} (${left} left) by ${input.by}: ${(input as SkipSoakInput).reason}`;
    }
    case 'approve-all':
      return approveAll(run, input as ApproveAllInput);
  }
}

/** The waiting gate opens now; the later ones open as they come (gate.ts), except those that need their own approval. */
function approveAll(run: MigrationRun, input: ApproveAllInput): string {
  run.approvedAll = { by: input.by, reason: input.reason, at: iso() };
  const { gate } = run;
  if (gate && !needsOwnApproval(gate.step)) gate.approvedBy = input.by;
  const own = controlView(run)
    .remainingGates.filter((remaining) => remaining.ownApproval)
    .map((remaining) => remaining.label);
  const except = own.length ? `, except ${own.join(', ')}, which cannot be undone and waits for its own approval` : '';
  return `approved every remaining step by ${input.by}${except}; each still verified and analysed`;
}

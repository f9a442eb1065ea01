// A step's gate: it waits for an approval when the pure rule says a human is needed, else it only
// waits out a pause. Exactly one approval opens a gate (the controls refuse the others); a standing
// approval (approve-all) opens the gates it may, and is recorded for each as that human's approval.
import { condition } from '@temporalio/workflow';
import { approvedAllOpens, type GateSituation, humanNeeded } from '../src/plan/gate.js';
import type { Step } from '../src/plan/steps.js';
import type { MigrationRun } from './run.js';

export async function passGate(run: MigrationRun, step: Step): Promise<void> {
  const situation: GateSituation = {
    desired: run.desired,
    lastVerdict: run.lastVerdict,
    verdictNote: run.verdictNote,
    held: run.held,
  };
  const decision = humanNeeded(step, situation);
  const standing = run.approvedAll;
  if (decision.needed && standing && approvedAllOpens(step, situation))
    run.record('approve', { by: standing.by, comment: standing.reason }, 'approve-all', undefined, step);
  else if (decision.needed) {
    const gate: NonNullable<MigrationRun['gate']> = { step };
    run.gate = gate;
    run.enter('waiting-approval', decision.waitingFor ?? null);
    run.tell('waiting-approval', { waitingFor: decision.waitingFor });
    await condition(() => gate.approvedBy !== undefined && !run.paused);
    run.gate = null;
    run.held = undefined;
    return;
  }
  await run.holdWhilePaused();
}

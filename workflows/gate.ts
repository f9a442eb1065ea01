// A step's gate: it waits for an approval when the pure rule says a human is needed, else it only
// waits out a pause. Exactly one approval opens a gate (the controls refuse the others).
import { condition } from '@temporalio/workflow';
import { humanNeeded } from '../src/plan/gate.js';
import type { Step } from '../src/plan/steps.js';
import type { MigrationRun } from './run.js';

export async function passGate(run: MigrationRun, step: Step): Promise<void> {
  const decision = humanNeeded(step, {
    desired: run.desired,
    lastVerdict: run.lastVerdict,
    verdictNote: run.verdictNote,
  });
  if (!decision.needed) {
    await run.holdWhilePaused();
    return;
  }
  const gate: NonNullable<MigrationRun['gate']> = { step };
  run.gate = gate;
  run.enter('waiting-approval', decision.waitingFor ?? null);
  run.tell('waiting-approval', { waitingFor: decision.waitingFor });
  await condition(() => gate.approvedBy !== undefined && !run.paused);
  run.gate = null;
}

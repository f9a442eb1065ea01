// What a breach does (a check failing in a row, a data plane that does not converge, a condition that
// times out): roll back or pause, as the plan says. Past an irreversible step it always pauses.
import { CancellationScope, condition } from '@temporalio/workflow';
import type { AnalysisBreach } from '../src/api/records.js';
import type { RollbackReason } from '../src/api/status.js';
import { stepLabel } from '../src/plan/steps.js';
import type { MigrationRun } from './run.js';

export async function onBreach(
  run: MigrationRun,
  breach: AnalysisBreach,
  kind: Extract<RollbackReason, 'breach' | 'verification' | 'timeout'>,
): Promise<void> {
  run.noteBreach(breach);
  const checks = (run.status.analysis?.samples ?? []).map((sample) => ({
    name: sample.check,
    value: sample.value ?? undefined,
    threshold: sample.threshold,
    pass: sample.pass,
  }));
  run.tell('breach', { reason: breach.message, checks });
  const noReturn = run.pointOfNoReturn;
  if (run.plan.analysis.onBreach === 'rollback' && !noReturn) {
    run.recordAutomatic('rollback', breach.message);
    run.requestRollback('gateshift', breach.message, kind);
    // The request cancelled the forward scope: this await ends the forward path like any other rollback.
    await CancellationScope.current().cancelRequested;
  }
  if (!run.paused) {
    const reason = noReturn
      ? `${breach.message} (no rollback: ${stepLabel(noReturn)} has started and cannot be undone)`
      : breach.message;
    run.pause('gateshift', reason);
    run.recordAutomatic('pause', reason);
  }
  run.publish();
  await condition(() => !run.paused);
}

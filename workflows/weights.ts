// Writing weights and verifying that the data plane applies them, for shift steps and the rollback.
import { formatDuration } from '../src/plan/duration.js';
import type { SideWeights } from '../src/plan/weights.js';
import type { Activities } from './activities.js';
import { onBreach } from './breach.js';
import { iso, type MigrationRun } from './run.js';

type Purpose = 'phase' | 'rollback';

function request(run: MigrationRun, weights: SideWeights, purpose: Purpose) {
  return { migrationId: run.migrationId, traffic: run.plan.traffic, step: run.status.stepIndex, weights, purpose };
}

export async function writeWeights(
  run: MigrationRun,
  acts: Activities,
  weights: SideWeights,
  purpose: Purpose,
): Promise<void> {
  const applied = await acts.setWeights(request(run, weights, purpose));
  const at = iso();
  const { stepIndex: step, phaseIndex: phase } = run.status;
  run.status.writes.push(...applied.writes.map((write) => ({ ...write, at, purpose, step, phase })));
  run.wroteWeights(weights);
}

/** One verification; true when every resource applies the weights. */
export async function verifyOnce(
  run: MigrationRun,
  acts: Activities,
  weights: SideWeights,
  purpose: Purpose,
): Promise<{ ok: boolean; message: string }> {
  const result = await acts.verifyWeights({ ...request(run, weights, purpose), timeoutMs: run.plan.verifyTimeoutMs });
  run.observed(result.observations);
  const disagreeing = result.observations.filter((observation) => !observation.agrees);
  return {
    ok: result.ok,
    message:
      result.message ??
      disagreeing
        .map((observation) => observation.diff)
        .filter(Boolean)
        .join('; '),
  };
}

/** Verifies a phase's weights; a data plane that does not converge is handled like a breach. */
export async function verifyPhase(run: MigrationRun, acts: Activities, weights: SideWeights, label: string) {
  for (;;) {
    run.enter('verifying');
    const outcome = await verifyOnce(run, acts, weights, 'phase');
    if (outcome.ok) return;
    const message = `the data plane did not reach the expected weights of ${label} within ${formatDuration(run.plan.verifyTimeoutMs)}: ${outcome.message}`;
    await onBreach(
      run,
      { check: 'effective-weights', value: null, threshold: 0, pass: 'agrees', consecutive: 1, at: iso(), message },
      'verification',
    );
  }
}

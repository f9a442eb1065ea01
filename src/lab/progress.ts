// Follows a migration in the lab: prints a line of progress each second (phase, weights, effective
// and observed target share, traffic and failures, soak countdown, what a waiting step last found),
// tells how to approve when the
// migration waits, and records when each phase held its weights, for the report.
import type { WorkflowHandle } from '@temporalio/client';
import { statusQuery } from '../api/names.js';
import type { ConditionHeartbeat } from '../api/records.js';
import { gatePreview, type MigrationState, type MigrationStatus, type StepView } from '../api/status.js';
import { stateWords, whereLabel } from '../api/wording.js';
import { heartbeatOf } from '../cli/inspect.js';
import { overlayCondition } from '../cli/view.js';
import { formatDuration } from '../plan/duration.js';
import type { Lab } from './index.js';
import { summarize } from './load/index.js';
import { TARGET_GATEWAY } from './names.js';
import type { PhaseWindow } from './report.js';

export interface DemoProgress {
  phases: PhaseWindow[];
  /** The migration's steps as last seen, with their times (the preparation's among them). */
  steps?: StepView[];
  /** What the migration last found while it waited after its last phase (the CLB driver's drain). */
  afterLastPhase?: string;
  breachDetectedAt?: number;
  rollbackAppliedAt?: number;
}

const FINISHED: MigrationState[] = ['completed', 'rolled-back', 'failed'];
const HOLDING: MigrationState[] = ['soaking', 'waiting-approval', 'paused'];

function mean(values: number[]): number {
  return values.length === 0 ? 0 : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;
}

function approvalHelp(id: string, waitingFor: string, uiUrl: string | undefined, diff?: string): string {
  const head = `waiting for ${waitingFor}.`;
  return [
    // An action's gate: what it would change now, read just before the gate.
    ...(diff
      ? [`${head} It would change:`, ...diff.split('\n').map((line) => `  ${line}`), 'Approve with any of:']
      : [`${head} Approve with any of:`]),
    `  npm run gateshift -- approve ${id}`,
    `  temporal workflow signal --workflow-id ${id} --name approve --input '{"by":"you"}'`,
    ...(uiUrl
      ? [`  the Web UI: ${uiUrl}/namespaces/default/workflows/${id}, Send a Signal "approve" with {"by":"you"}`]
      : []),
  ].join('\n');
}

const REMIND_EVERY_MS = 15_000;

/**
 * The demo's approval hints: the whole help when a gate opens, then one reminder line every 15 s while
 * it waits, so that the help never scrolls away under the status lines for good.
 */
export function approvalHints(uiUrl: string | undefined): (status: MigrationStatus, now: number) => string | undefined {
  let gate = '';
  let shownAt = 0;
  return (status, now) => {
    if (status.state !== 'waiting-approval' || !status.waitingFor) return undefined;
    if (gate !== status.waitingFor) {
      gate = status.waitingFor;
      shownAt = now;
      return approvalHelp(status.migrationId, status.waitingFor, uiUrl, gatePreview(status));
    }
    if (now - shownAt < REMIND_EVERY_MS) return undefined;
    shownAt = now;
    return `still waiting for ${status.waitingFor}: npm run gateshift -- approve ${status.migrationId}`;
  };
}

export async function trackProgress(options: {
  handle: WorkflowHandle;
  lab: Pick<Lab, 'load' | 'effectiveTargetShares'>;
  /** Whose answers are the target's share (the `x-served-by` stamp's first part); default the ASM gateway. */
  target?: string;
  autoApprove: boolean;
  uiUrl?: string;
  print: (line: string) => void;
  onPhase: (phaseIndex: number, state: MigrationState) => Promise<void>;
  /** Since when the lab has been at 100/0, for phase 0's window; default: now. */
  since?: number;
}): Promise<DemoProgress> {
  const { handle, lab, print } = options;
  const startedAt = options.since ?? Date.now();
  const phases: PhaseWindow[] = [];
  const progress: DemoProgress = { phases };
  let open: PhaseWindow | undefined;
  const hint = approvalHints(options.uiUrl);
  let lastLine = 0;
  const close = (at: number) => {
    if (open) open.to = at;
    open = undefined;
  };
  const openPhase = (status: MigrationStatus, index: number, from: number) => {
    const shares = Object.values(lab.effectiveTargetShares());
    const phase = {
      index,
      // The lab's migrations move weights: desired is null only before anything was planned.
      sourceWeight: status.desired?.source ?? 100,
      targetWeight: status.desired?.target ?? 0,
      effectiveTargetShare: mean(shares),
      from,
      to: from,
    };
    phases.push(phase);
    open = phase;
  };

  for (;;) {
    const queried = await handle.query(statusQuery);
    // While a step waits, its condition's heartbeat is newer than what the workflow last heard, as in `gateshift status`.
    const status =
      queried.state === 'awaiting'
        ? overlayCondition(
            queried,
            await heartbeatOf<ConditionHeartbeat>(handle, await handle.describe(), 'awaitCondition'),
          )
        : queried;
    const now = Date.now();
    progress.steps = status.steps;
    await options.onPhase(status.phaseIndex, status.state);
    // Phase 0 holds 100/0 from the start; later phases from when their weights were verified.
    if (phases.length === 0 && status.phaseIndex === 0) openPhase(status, 0, startedAt);
    const nextWrite = status.writes.find(
      (write) => write.purpose === 'phase' && write.phase > (open?.index ?? -1) && write.changed,
    );
    if (open && (nextWrite || status.state === 'rolling-back' || FINISHED.includes(status.state))) {
      close(nextWrite ? Math.min(now, Date.parse(nextWrite.at)) : now);
    }
    if (!open && HOLDING.includes(status.state) && status.phaseIndex > (phases.at(-1)?.index ?? -1))
      openPhase(status, status.phaseIndex, now);

    const breach = status.breaches[0];
    if (breach) progress.breachDetectedAt ??= Date.parse(breach.at);
    const rollbackWrite = status.writes.find((write) => write.purpose === 'rollback');
    if (rollbackWrite) progress.rollbackAppliedAt ??= Date.parse(rollbackWrite.at);

    const lastShift = status.steps.filter((step) => step.kind === 'shift').at(-1)?.index ?? Number.POSITIVE_INFINITY;
    const waitedAfter = status.steps.filter((step) => step.kind === 'await' && step.index > lastShift).at(-1)?.outcome;
    if (waitedAfter) progress.afterLastPhase = waitedAfter;

    const help = options.autoApprove ? undefined : hint(status, now);
    if (help) print(help);
    if (now - lastLine >= 1000 || FINISHED.includes(status.state)) {
      lastLine = now;
      const record = lab.load?.snapshot();
      const second = Math.floor(now / 1000);
      const recent = record ? summarize(record, second - 3, second) : undefined;
      const observed = (recent?.share[options.target ?? TARGET_GATEWAY] ?? 0) * 100;
      const failed = recent?.failures ?? 0;
      const soakLeft = status.soak?.endsAt ? Date.parse(status.soak.endsAt) - now : status.soak?.remainingMs;
      const soak = soakLeft === undefined ? '' : ` ${formatDuration(soakLeft)} left`;
      const found = status.state === 'awaiting' ? status.steps[status.stepIndex]?.outcome : undefined;
      print(
        `[${formatDuration(now - startedAt).padStart(7)}] ${whereLabel(status)} ${stateWords(status.state)}${soak}` +
          ` | target share: effective ${mean(Object.values(lab.effectiveTargetShares())).toFixed(1)}%, observed ${observed.toFixed(1)}%` +
          ` | ${Math.round((recent?.requests ?? 0) / 3)} req/s, ${failed} failed in 3 s | analysis ${status.analysis?.verdict ?? '-'}` +
          (found ? ` | ${found}` : ''),
      );
    }
    if (FINISHED.includes(status.state)) {
      close(now);
      return progress;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

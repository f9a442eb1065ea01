// A soak: the current state holds for a time while the analysis runs. Pause stops the soak clock, not
// the analysis. A soak passes only when no check breached and evaluations with data covered enough of
// it; an analysis that ends early without a breach has given its verdict and the soak ends on its timer.
import {
  ActivityFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import { errorMessage } from '../src/api/failures.js';
import type { AnalysisBreach, AnalysisSummary } from '../src/api/records.js';
import type { Step } from '../src/plan/steps.js';
import type { Activities } from './activities.js';
import { onBreach } from './breach.js';
import { iso, type MigrationRun, now } from './run.js';

const NO_DATA: AnalysisSummary = { verdict: 'no-data', evaluations: 0, evaluationsWithData: 0, samples: [] };

/** The analysis of a soak (or a watched wait) in its own scope, so the step can stop it without stopping itself. */
export function startAnalysis(run: MigrationRun, acts: Activities, step: Step, soakMs: number) {
  const scope = new CancellationScope();
  let summary: AnalysisSummary | undefined;
  let failure: unknown;
  let ended = false;
  let stopping = false;
  run.status.analysis = {
    step: step.index,
    verdict: 'running',
    evaluations: 0,
    dataCoverage: 0,
    samples: [],
    updatedAt: iso(),
  };
  const done = scope
    .run(() => acts.analyze({ migrationId: run.migrationId, step: step.index, analysis: run.plan.analysis, soakMs }))
    .then(
      (result) => {
        summary = result;
      },
      (error: unknown) => {
        summary = summaryOfStopped(error);
        // An attempt lost with its worker while being stopped is not a breach: it ended without a verdict.
        if (!summary && stopping) summary = NO_DATA;
        if (!summary) failure = error;
      },
    )
    .finally(() => {
      ended = true;
    });
  return {
    ended: () => ended,
    async stop(): Promise<void> {
      stopping = true;
      if (!ended) scope.cancel();
      await done;
    },
    breach: (): AnalysisBreach | undefined => {
      if (summary?.verdict === 'breach')
        return summary.breach ?? breachOf('the analysis reported a breach without details');
      return failure === undefined ? undefined : breachOf(`the analysis failed: ${errorMessage(failure)}`);
    },
    summary: () => summary ?? NO_DATA,
  };
}

function breachOf(message: string): AnalysisBreach {
  return { check: 'analysis', value: null, threshold: 0, pass: 'runs', consecutive: 1, at: iso(), message };
}

/** The summary a stopped analysis left: attached to its cancellation, or its last heartbeat on a timeout. */
function summaryOfStopped(error: unknown): AnalysisSummary | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof CancelledFailure) return (cause.details[0] as AnalysisSummary | undefined) ?? NO_DATA;
  if (cause instanceof TimeoutFailure) return (cause.lastHeartbeatDetails as AnalysisSummary | undefined) ?? undefined;
  return undefined;
}

export async function soak(run: MigrationRun, acts: Activities, step: Step, soakMs: number): Promise<void> {
  if (soakMs <= 0) {
    run.lastVerdict = 'skipped';
    run.verdictNote = undefined;
    return;
  }
  run.soak = { totalMs: soakMs, remainingMs: soakMs, endsAt: run.paused ? undefined : now() + soakMs };
  let verdict: AnalysisSummary | undefined;
  const clock = new SoakClock();
  while (run.soakLeft() > 0) {
    const analysis = verdict ? undefined : startAnalysis(run, acts, step, soakMs);
    const analysisEnded = () => analysis?.ended() ?? false;
    while (run.soakLeft() > 0 && !analysisEnded()) {
      run.enter('soaking');
      if (run.paused) {
        clock.stop();
        await condition(() => !run.paused || analysisEnded());
        continue;
      }
      clock.start(run.soakLeft());
      await condition(() => Boolean(run.paused) || analysisEnded() || clock.fired || run.soakLeft() <= 0);
      // A fired timer ends the soak by itself: the workflow clock of the task that delivers it may lag
      // the timer's deadline (seen after a worker crash), so the time left is not worked out again. A
      // skip-soak ends it at once (soakOver leaves no time).
      if (clock.fired) run.soakOver();
    }
    if (!analysis) break;
    await analysis.stop();
    const summary = analysis.summary();
    const breach = analysis.breach();
    showAnalysis(run, step, summary, soakMs);
    if (breach) {
      // A breach that pauses stops the clock: the rest of the soak runs after the resume.
      clock.stop();
      await onBreach(run, breach, 'breach');
      continue;
    }
    verdict = summary;
  }
  clock.stop();
  judge(run, verdict ?? NO_DATA, soakMs);
  run.soak = undefined;
}

/**
 * The soak's timer: one for each stretch the clock runs, kept while the analysis ends or wakes the
 * soak (a new timer each time would add two history events), cancelled by a pause.
 */
class SoakClock {
  fired = false;
  private scope: CancellationScope | undefined;

  start(ms: number): void {
    if (this.scope) return;
    const scope = new CancellationScope();
    this.scope = scope;
    scope
      .run(() => sleep(ms))
      .then(
        () => {
          this.fired = true;
        },
        () => undefined,
      );
  }

  stop(): void {
    this.scope?.cancel();
    this.scope = undefined;
  }
}

function coverage(run: MigrationRun, summary: AnalysisSummary, soakMs: number): number {
  return Math.min(1, (summary.evaluationsWithData * run.plan.analysis.intervalMs) / soakMs);
}

/** Puts a finished analysis in the status, its data coverage measured over `ms` (the soak, or the wait it watched). */
export function showAnalysis(run: MigrationRun, step: Step, summary: AnalysisSummary, ms: number): void {
  run.analysed({
    step: step.index,
    verdict: summary.verdict,
    evaluations: summary.evaluations,
    dataCoverage: coverage(run, summary, ms),
    samples: summary.samples,
    updatedAt: iso(),
  });
}

/**
 * A soak passes when its last evaluation passed and data covered enough of it; a pass on too little data
 * is no-data, and says how little.
 */
function judge(run: MigrationRun, summary: AnalysisSummary, soakMs: number): void {
  const covered = coverage(run, summary, soakMs);
  const needed = run.plan.analysis.minDataCoverage;
  const tooLittle = summary.verdict === 'pass' && covered < needed;
  run.lastVerdict = tooLittle ? 'no-data' : summary.verdict;
  run.verdictNote = tooLittle
    ? `data for ${Math.round(covered * 100)}% of the soak, ${Math.round(needed * 100)}% needed`
    : undefined;
}

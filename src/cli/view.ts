// What `status` and `watch` show: the workflow's own status query, overlaid with what only the
// server knows (execution status, the running analysis and condition activities' heartbeats, the final
// result).
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import type { AnalysisSummary, ConditionHeartbeat } from '../api/records.js';
import { isTerminal, type MigrationResult, type MigrationStatus } from '../api/status.js';

export interface StatusView {
  workflowId: string;
  execution: { status: WorkflowExecutionStatusName; startTime: string; closeTime?: string };
  /** The status query's answer, with the live analysis heartbeat overlaid. */
  status?: MigrationStatus;
  /** Why the status query did not answer (e.g. no worker is running). */
  queryError?: string;
  result?: MigrationResult;
  /** How a workflow that did not return ended (failed, terminated, timed out, cancelled). */
  failure?: string;
}

export function isFinished(view: StatusView): boolean {
  return view.execution.status !== 'RUNNING' || (view.status !== undefined && isTerminal(view.status.state));
}

/** Time left in the soak: from `endsAt` when the soak is running, else the frozen remainder. */
export function soakRemainingMs(soak: NonNullable<MigrationStatus['soak']>, now: Date): number {
  if (soak.endsAt === undefined) return soak.remainingMs;
  return Math.max(0, Date.parse(soak.endsAt) - now.getTime());
}

/**
 * The workflow learns the analysis only when the activity returns; while a step soaks, the
 * activity's heartbeat holds newer samples. Per check the later sample wins. The share of the soak
 * covered by data is the workflow's to judge; the overlay keeps what the workflow last said. A soak
 * passes only once it ends, so until the workflow has judged, a passing heartbeat reads "running";
 * a failing check or a breach shows at once.
 */
export function overlayAnalysis(status: MigrationStatus, heartbeat: AnalysisSummary | undefined): MigrationStatus {
  if (!heartbeat) return status;
  const known = status.analysis?.step === status.stepIndex ? status.analysis : null;
  const samples = new Map((known?.samples ?? []).map((sample) => [sample.check, sample]));
  for (const sample of heartbeat.samples) {
    const current = samples.get(sample.check);
    if (!current || Date.parse(sample.at) >= Date.parse(current.at)) samples.set(sample.check, sample);
  }
  const merged = [...samples.values()];
  const times = [...merged.map((sample) => sample.at), ...(known ? [known.updatedAt] : [])];
  const newest = times.reduce((latest, at) => (Date.parse(at) > Date.parse(latest) ? at : latest), times[0] ?? '');
  const heartbeatIsNewer = heartbeat.evaluations >= (known?.evaluations ?? 0);
  const judged = known !== null && known.verdict !== 'running';
  const live = heartbeat.verdict === 'pass' && !judged ? 'running' : heartbeat.verdict;
  const breach = heartbeat.breach;
  const breachKnown = breach && status.breaches.some((b) => b.check === breach.check && b.at === breach.at);
  return {
    ...status,
    analysis: {
      step: status.stepIndex,
      verdict: heartbeatIsNewer || !known ? live : known.verdict,
      evaluations: Math.max(heartbeat.evaluations, known?.evaluations ?? 0),
      dataCoverage: known?.dataCoverage ?? 0,
      samples: merged,
      updatedAt: newest,
    },
    breaches: breach && !breachKnown ? [...status.breaches, breach] : status.breaches,
  };
}

/**
 * While an await step waits, the workflow hears its condition only every so often (CONDITION_REPORT_MS);
 * the activity's heartbeat holds the latest answer, e.g. the rate the source still serves.
 */
export function overlayCondition(status: MigrationStatus, heartbeat: ConditionHeartbeat | undefined): MigrationStatus {
  const waiting = status.steps[status.stepIndex];
  if (!heartbeat || waiting?.kind !== 'await' || waiting.state !== 'running') return status;
  return {
    ...status,
    steps: status.steps.map((step) => (step === waiting ? { ...step, outcome: heartbeat.message } : step)),
  };
}

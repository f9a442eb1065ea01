// The demo's report: what the load generator saw during each phase, next to the weights gateshift
// wrote and the shares the CLB applied, and for a breach how fast traffic came back to the source.
import type { StepView } from '../api/status.js';
import { type Counts, type LoadRecord, summarize } from './load/index.js';

export interface PhaseWindow {
  index: number;
  sourceWeight: number;
  targetWeight: number;
  /** The target's share of backend weights, averaged over the CLBs, once the phase was verified. */
  effectiveTargetShare: number | null;
  /** Epoch ms: from the phase's verified weights until the next phase started to be written. */
  from: number;
  to: number;
}

export interface BreachTimes {
  faultInjectedAt: number;
  breachDetectedAt?: number;
  rollbackAppliedAt?: number;
}

export interface DemoReport {
  result: 'completed' | 'rolled-back' | 'failed';
  scenario: string;
  totalRequests: number;
  failedRequests: number;
  /** The failed requests by cause: a transport error (timeout, ECONNRESET, …) or a 5xx before any fault. */
  failedByCause: Record<string, number>;
  injectedErrors: number;
  phases: {
    index: number;
    sourceWeight: number;
    targetWeight: number;
    effectiveTargetShare: number | null;
    observedTargetShare: number | null;
    requests: number;
  }[];
  /** The steps before the first shift (the preparation of a raw cluster), each with when it ran. */
  preparation: { step: string; startedAt?: string; endedAt?: string; seconds: number | null; outcome?: string }[];
  faultInjectedAt?: string;
  breachDetectedAt?: string;
  rollbackAppliedAt?: string;
  trafficRevertedAt?: string;
  breachToRevertMs?: number;
  faultToRevertMs?: number;
  /** After a last phase at source weight 0: what the source still served (keep-alive connections). */
  drain?: DrainReport;
}

export interface DrainReport {
  /** Answers by the source since the last phase's weights were verified, and of them over long-lived connections. */
  sourceRequests: number;
  longLived: number;
  /** The second of the last of them, and how long after the last phase that was. */
  lastSourceRequestAt?: string;
  lastAfterMs?: number;
  /** What gateshift's drain step last found. */
  outcome?: string;
}

/** The steps before the first shift, with their times. */
function preparationSteps(steps: readonly StepView[]): DemoReport['preparation'] {
  const firstShift = steps.findIndex((step) => step.kind === 'shift');
  return steps.slice(0, firstShift === -1 ? 0 : firstShift).map((step) => ({
    step: step.label,
    startedAt: step.startedAt,
    endedAt: step.endedAt,
    seconds:
      step.startedAt && step.endedAt ? round2((Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000) : null,
    outcome: step.state,
  }));
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const sum = (values: Record<string, number>) => Object.values(values).reduce((total, value) => total + value, 0);

/** Answers with a 5xx status. */
export function serverErrors(counts: Pick<Counts, 'byStatus'>): number {
  return Object.entries(counts.byStatus)
    .filter(([status]) => status.startsWith('5'))
    .reduce((total, [, count]) => total + count, 0);
}

/**
 * The requests that failed, and the 5xx answers an injected fault caused: only an injected fault makes a
 * gateway answer 5xx in the lab, so the 5xx from its second on are its; every other failure counts.
 */
export function errorCounts(
  record: LoadRecord,
  faultInjectedAt?: number,
): Pick<DemoReport, 'injectedErrors' | 'failedRequests' | 'failedByCause'> {
  const faultSecond = faultInjectedAt === undefined ? Number.POSITIVE_INFINITY : Math.floor(faultInjectedAt / 1000);
  let injectedErrors = 0;
  let otherErrors = 0;
  for (const second of record.seconds) {
    if (second.second >= faultSecond) injectedErrors += serverErrors(second);
    else otherErrors += serverErrors(second);
  }
  const failedByCause = { ...record.totals.transportErrors };
  if (otherErrors > 0) failedByCause['5xx before any fault'] = otherErrors;
  return { injectedErrors, failedRequests: sum(record.totals.transportErrors) + otherErrors, failedByCause };
}

/** The demo's first summary line: how it ended, the requests, the failures by cause and the injected errors. */
export function resultLine(
  report: Pick<DemoReport, 'result' | 'totalRequests' | 'injectedErrors' | 'failedRequests' | 'failedByCause'>,
): string {
  const causes = Object.entries(report.failedByCause)
    .map(([cause, count]) => `${cause} ${count}`)
    .join(', ');
  const failed = `${report.failedRequests} failed${causes ? ` (${causes})` : ''}`;
  return `result: ${report.result}; ${report.totalRequests} requests, ${failed}, ${report.injectedErrors} injected errors`;
}

/** The first second after which no request on a new connection reached the target, at or after `since`. */
export function trafficRevertedAt(record: LoadRecord, targetGateway: string, since: number): number | undefined {
  const seconds = record.seconds.filter((second) => (second.second + 1) * 1000 > since);
  let reverted: number | undefined;
  for (const second of seconds) {
    // New connections: a long-lived one stays on its gateway until it closes, whatever the weights.
    const fresh = (second.byGateway[targetGateway] ?? 0) - (second.longLivedByGateway[targetGateway] ?? 0);
    if (fresh > 0) reverted = undefined;
    else reverted ??= second.second * 1000;
  }
  return reverted;
}

/** The answers of every gateway but the target from `since` on: what a CLB weight of 0 did not move. */
export function sourceDrain(record: LoadRecord, targetGateway: string, since: number): DrainReport {
  let sourceRequests = 0;
  let longLived = 0;
  let last: number | undefined;
  for (const second of record.seconds.filter((entry) => entry.second * 1000 >= since)) {
    const others = (counts: Record<string, number>) =>
      sum(Object.fromEntries(Object.entries(counts).filter(([gateway]) => ![targetGateway, 'none'].includes(gateway))));
    const served = others(second.byGateway);
    sourceRequests += served;
    longLived += others(second.longLivedByGateway);
    if (served > 0) last = second.second * 1000;
  }
  return {
    sourceRequests,
    longLived,
    lastSourceRequestAt: iso(last),
    lastAfterMs: last === undefined ? undefined : Math.max(0, last - since),
  };
}

export function buildReport(input: {
  result: DemoReport['result'];
  scenario: string;
  record: LoadRecord;
  phases: PhaseWindow[];
  targetGateway: string;
  breach?: BreachTimes;
  steps?: StepView[];
  /** The drain step's last answer, when the migration had one. */
  drainOutcome?: string;
}): DemoReport {
  const { record, breach } = input;
  const phases = input.phases.map((phase) => {
    // Only seconds wholly inside the window: the requests of a second sent across a boundary are left out.
    const window = summarize(record, Math.ceil(phase.from / 1000), Math.floor(phase.to / 1000));
    const share = window.share[input.targetGateway];
    return {
      index: phase.index,
      sourceWeight: phase.sourceWeight,
      targetWeight: phase.targetWeight,
      effectiveTargetShare: phase.effectiveTargetShare,
      observedTargetShare: sum(window.byGateway) === 0 ? null : round2((share ?? 0) * 100),
      requests: window.requests,
    };
  });
  const report: DemoReport = {
    result: input.result,
    scenario: input.scenario,
    totalRequests: record.totals.requests,
    ...errorCounts(record, breach?.faultInjectedAt),
    phases,
    preparation: preparationSteps(input.steps ?? []),
  };
  const final = input.phases.at(-1);
  if (input.drainOutcome !== undefined && final?.sourceWeight === 0)
    report.drain = { ...sourceDrain(record, input.targetGateway, final.from), outcome: input.drainOutcome };
  if (breach) {
    const reverted = trafficRevertedAt(record, input.targetGateway, breach.faultInjectedAt);
    Object.assign(report, {
      faultInjectedAt: iso(breach.faultInjectedAt),
      breachDetectedAt: iso(breach.breachDetectedAt),
      rollbackAppliedAt: iso(breach.rollbackAppliedAt),
      trafficRevertedAt: iso(reverted),
      breachToRevertMs:
        reverted !== undefined && breach.breachDetectedAt !== undefined
          ? reverted - breach.breachDetectedAt
          : undefined,
      faultToRevertMs: reverted !== undefined ? reverted - breach.faultInjectedAt : undefined,
    });
  }
  return report;
}

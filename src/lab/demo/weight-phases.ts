// What the demos of weight-moving drivers share: following the phases (the breach scenario's fault goes
// in when a given phase soaks) and ending with the report, the chart of requests per second per side
// with the phase boundaries, and a summary line per phase.

import { formatDuration } from '../../plan/duration.js';
import { failurePoints, gatewayPoints, renderChart, sinceStart } from '../chart.js';
import type { Lab } from '../index.js';
import type { LoadRecord } from '../load/index.js';
import { type DemoProgress, trackProgress } from '../progress.js';
import { type BreachTimes, buildReport, resultLine } from '../report.js';
import type { DemoEnding, DemoLab, FollowContext, Outcome, Scenario } from './driver.js';

export type PhasesProgress = DemoProgress & { breach?: BreachTimes };

export interface WeightPhasesDemo<L> {
  /** Whose answers are the target's share (the `x-served-by` stamp's first part). */
  target: string;
  /** The phase whose soak the breach scenario's fault starts in, and the fault. */
  breachPhase: number;
  injectFault(lab: L): Promise<unknown>;
  faultMessage: string;
  /** The chart's title, after "gateshift demo: ". */
  chartTitle: string;
  /** How a phase's shares read in the summary, e.g. "effective target share 9.09%, observed 9.1%". */
  shares(effective: string, observed: string): string;
  /** Where traffic goes back to on a rollback, e.g. "the source cluster". */
  sourceName: string;
}

export function followPhases<L extends DemoLab & Pick<Lab, 'effectiveTargetShares'>>(demo: WeightPhasesDemo<L>) {
  return async ({ handle, lab, scenario, autoApprove, uiUrl, print }: FollowContext<L>): Promise<PhasesProgress> => {
    let breach: BreachTimes | undefined;
    const progress = await trackProgress({
      handle,
      lab,
      target: demo.target,
      autoApprove,
      uiUrl,
      // A fresh lab has served 100/0 since its load began.
      since: lab.load?.snapshot().startedAt,
      print,
      onPhase: async (phaseIndex, state) => {
        if (scenario === 'breach' && !breach && phaseIndex === demo.breachPhase && state === 'soaking') {
          await demo.injectFault(lab);
          breach = { faultInjectedAt: Date.now() };
          print(`>>> fault injected: ${demo.faultMessage}`);
        }
      },
    });
    if (breach) {
      breach.breachDetectedAt = progress.breachDetectedAt;
      breach.rollbackAppliedAt = progress.rollbackAppliedAt;
    }
    return { ...progress, breach };
  };
}

export function endPhases<L>(demo: WeightPhasesDemo<L>) {
  return async (input: {
    outcome: Outcome;
    scenario: Scenario;
    record: LoadRecord;
    progress: PhasesProgress;
  }): Promise<DemoEnding> => {
    const { outcome, scenario, record, progress } = input;
    const report = buildReport({
      result: outcome,
      scenario,
      record,
      phases: progress.phases,
      targetGateway: demo.target,
      breach: progress.breach,
      steps: progress.steps,
      drainOutcome: progress.afterLastPhase,
    });
    const chart = await renderChart({
      title: `gateshift demo: ${demo.chartTitle}, ${scenario}`,
      points: [...gatewayPoints(record), ...failurePoints(record)],
      marks: progress.phases.map((phase) => ({
        t: sinceStart(record, phase.from),
        label: `${phase.sourceWeight}/${phase.targetWeight}`,
      })),
    });
    const summary = [
      resultLine(report),
      ...report.preparation.map(
        (step) => `  ${step.step}: ${step.outcome}${step.seconds === null ? '' : ` in ${step.seconds} s`}`,
      ),
      ...report.phases.map(
        (phase) =>
          `  phase ${phase.index} ${phase.sourceWeight}/${phase.targetWeight}: ${demo.shares(`${phase.effectiveTargetShare ?? '-'}%`, `${phase.observedTargetShare ?? '-'}%`)} over ${phase.requests} requests`,
      ),
    ];
    const drain = report.drain;
    if (drain)
      summary.push(
        `  drain: ${drain.sourceRequests} requests on ${demo.sourceName} after 0/100 (${drain.longLived} over long-lived keep-alive connections)${drain.lastAfterMs === undefined ? '' : `, the last ${formatDuration(drain.lastAfterMs)} after`}; gateshift: ${drain.outcome}`,
      );
    if (report.faultToRevertMs !== undefined)
      summary.push(
        `  breach: fault ${report.faultInjectedAt}, detected ${report.breachDetectedAt}, rollback written ${report.rollbackAppliedAt}, traffic back on ${demo.sourceName} ${report.trafficRevertedAt} (${report.faultToRevertMs} ms after the fault)`,
      );
    return { report, chart, summary };
  };
}

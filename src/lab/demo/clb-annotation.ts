// The CLB migration's demo: the lab's two CLBs from the Istio gateway to the ASM gateway through five
// phases; the breach scenario makes the ASM gateway fail during phase 3.
import { failurePoints, gatewayPoints, renderChart, sinceStart } from '../chart.js';
import { startLab } from '../index.js';
import { labMigrationInput } from '../input.js';
import { TARGET_GATEWAY } from '../names.js';
import { type DemoProgress, trackProgress } from '../progress.js';
import { type BreachTimes, buildReport } from '../report.js';
import type { DemoDriver } from './driver.js';

type Progress = DemoProgress & { breach?: BreachTimes };

export const clbAnnotationDemo: DemoDriver<Progress> = {
  startLab: (options) => startLab({ start: 'istio-serving', ...options }),
  title: 'migrate the lab cluster from its Istio gateway to its ASM gateway behind two CLBs',
  input: labMigrationInput,
  async follow({ handle, lab, scenario, autoApprove, uiUrl, print }) {
    let breach: BreachTimes | undefined;
    const progress = await trackProgress({
      handle,
      lab,
      autoApprove,
      uiUrl,
      // A fresh lab has served 100/0 since its load began.
      since: lab.load?.snapshot().startedAt,
      print,
      onPhase: async (phaseIndex, state) => {
        if (scenario === 'breach' && !breach && phaseIndex === 3 && state === 'soaking') {
          await lab.faults.set({ targetErrorRatio: 0.3 });
          breach = { faultInjectedAt: Date.now() };
          print('>>> fault injected: the ASM gateway answers 30% of requests with 503');
        }
      },
    });
    if (breach) {
      breach.breachDetectedAt = progress.breachDetectedAt;
      breach.rollbackAppliedAt = progress.rollbackAppliedAt;
    }
    return { ...progress, breach };
  },
  clearFaults: (lab) => lab.faults.set({ targetErrorRatio: 0 }),
  async end({ outcome, scenario, record, progress }) {
    const report = buildReport({
      result: outcome,
      scenario,
      record,
      phases: progress.phases,
      targetGateway: TARGET_GATEWAY,
      breach: progress.breach,
    });
    const chart = await renderChart({
      title: `gateshift demo: CLB migration, ${scenario}`,
      points: [...gatewayPoints(record), ...failurePoints(record)],
      marks: progress.phases.map((phase) => ({
        t: sinceStart(record, phase.from),
        label: `${phase.sourceWeight}/${phase.targetWeight}`,
      })),
    });
    const summary = [
      `result: ${report.result}; ${report.totalRequests} requests, ${report.failedRequests} failed, ${report.injectedErrors} injected errors`,
      ...report.phases.map(
        (phase) =>
          `  phase ${phase.index} ${phase.sourceWeight}/${phase.targetWeight}: effective target share ${phase.effectiveTargetShare ?? '-'}%, observed ${phase.observedTargetShare ?? '-'}% over ${phase.requests} requests`,
      ),
    ];
    if (report.faultToRevertMs !== undefined)
      summary.push(
        `  breach: fault ${report.faultInjectedAt}, detected ${report.breachDetectedAt}, rollback written ${report.rollbackAppliedAt}, traffic back on the source ${report.trafficRevertedAt} (${report.faultToRevertMs} ms after the fault)`,
      );
    return { report, chart, summary };
  },
};

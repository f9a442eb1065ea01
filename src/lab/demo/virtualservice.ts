// The canary-cluster demo: the bookinfo route of the source cluster's ingress VirtualService moves to
// the target cluster through five phases; the breach scenario makes the target cluster's backend fail
// 30% of requests during phase 2. The chart shows the requests each cluster served.
import { type CanaryClusterLab, startCanaryClusterLab } from '../canary-cluster/index.js';
import { CLUSTERS } from '../canary-cluster/names.js';
import { failurePoints, gatewayPoints, renderChart, sinceStart } from '../chart.js';
import { labVirtualServiceInput } from '../input.js';
import { type DemoProgress, trackProgress } from '../progress.js';
import { type BreachTimes, buildReport } from '../report.js';
import type { DemoDriver } from './driver.js';

type Progress = DemoProgress & { breach?: BreachTimes };

const BREACH_PHASE = 2;

export const virtualServiceDemo: DemoDriver<Progress, CanaryClusterLab> = {
  title: "move the bookinfo route from the source cluster to the target cluster by its VirtualService's weights",
  startLab: (options) => startCanaryClusterLab(options),
  input: labVirtualServiceInput,
  async follow({ handle, lab, scenario, autoApprove, uiUrl, print }) {
    let breach: BreachTimes | undefined;
    const progress = await trackProgress({
      handle,
      lab,
      target: CLUSTERS.target,
      autoApprove,
      uiUrl,
      since: lab.load?.snapshot().startedAt,
      print,
      onPhase: async (phaseIndex, state) => {
        if (scenario === 'breach' && !breach && phaseIndex === BREACH_PHASE && state === 'soaking') {
          lab.targetBackend.faults.errorRatio = 0.3;
          breach = { faultInjectedAt: Date.now() };
          print(">>> fault injected: the target cluster's backend answers 30% of requests with 503");
        }
      },
    });
    if (breach) {
      breach.breachDetectedAt = progress.breachDetectedAt;
      breach.rollbackAppliedAt = progress.rollbackAppliedAt;
    }
    return { ...progress, breach };
  },
  async clearFaults(lab) {
    lab.targetBackend.faults.errorRatio = 0;
  },
  async end({ outcome, scenario, record, progress }) {
    const report = buildReport({
      result: outcome,
      scenario,
      record,
      phases: progress.phases,
      targetGateway: CLUSTERS.target,
      breach: progress.breach,
    });
    const chart = await renderChart({
      title: `gateshift demo: canary-cluster migration, ${scenario} (requests/s served by each cluster)`,
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
          `  phase ${phase.index} ${phase.sourceWeight}/${phase.targetWeight}: weight applied by the gateway pods ${phase.effectiveTargetShare ?? '-'}%, served by the target cluster ${phase.observedTargetShare ?? '-'}% over ${phase.requests} requests`,
      ),
    ];
    if (report.faultToRevertMs !== undefined)
      summary.push(
        `  breach: fault ${report.faultInjectedAt}, detected ${report.breachDetectedAt}, rollback written ${report.rollbackAppliedAt}, traffic back on the source cluster ${report.trafficRevertedAt} (${report.faultToRevertMs} ms after the fault)`,
      );
    return { report, chart, summary };
  },
};

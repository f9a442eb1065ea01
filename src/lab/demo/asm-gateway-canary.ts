// The ASM gateway canary upgrade's demo: the lab's ASM gateway, serving both CLBs, upgraded from its
// version to the control plane's through a canary; the breach scenario makes the new version fail
// during the canary soak. The live line says which version served what share.
import { statusQuery } from '../../api/names.js';
import { isTerminal, type MigrationStatus } from '../../api/status.js';
import { stateWords, whereLabel } from '../../api/wording.js';
import { formatDuration } from '../../plan/duration.js';
import { type ChartMark, type ChartPoint, failurePoints, renderChart, sinceStart } from '../chart.js';
import { type Lab, startLab } from '../index.js';
import { labCanaryInput } from '../input.js';
import { summarize } from '../load/index.js';
import { ASM_VERSIONS } from '../names.js';
import { approvalHints } from '../progress.js';
import { errorCounts, resultLine } from '../report.js';
import type { DemoDriver, FollowContext } from './driver.js';

const NEW = ASM_VERSIONS.controlPlane;

interface StepWindow {
  index: number;
  label: string;
  from: number;
  to?: number;
  /** Requests answered by each version during the step. */
  served: Record<string, number>;
}

interface Progress {
  steps: StepWindow[];
  /** Requests answered per version, second by second. */
  points: ChartPoint[];
  startedAt: number;
  faultInjectedAt?: number;
  breachDetectedAt?: number;
  canaryGoneAt?: number;
}

const percent = (shares: Record<string, number>) =>
  Object.entries(shares)
    .filter(([, share]) => share > 0)
    .map(([version, share]) => `${version} ${(share * 100).toFixed(1)}%`)
    .join(', ') || 'none';

function difference(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(now).map(([version, count]) => [version, count - (before[version] ?? 0)]));
}

async function follow(context: FollowContext<Lab>): Promise<Progress> {
  const { handle, lab, print } = context;
  const startedAt = Date.now();
  const progress: Progress = { steps: [], points: [], startedAt };
  const history: Record<string, number>[] = [lab.servedByVersion()];
  let open: { window: StepWindow; served: Record<string, number> } | undefined;
  const hint = approvalHints(context.uiUrl);
  let lastSecond = 0;
  const closeStep = (now: number) => {
    if (!open) return;
    open.window.to = now;
    open.window.served = difference(lab.servedByVersion(), open.served);
    open = undefined;
  };

  for (;;) {
    const status: MigrationStatus = await handle.query(statusQuery);
    const now = Date.now();
    const running = status.steps[status.stepIndex];
    if (running && running.state === 'running' && open?.window.index !== status.stepIndex) {
      closeStep(now);
      open = {
        window: { index: status.stepIndex, label: running.label, from: now, served: {} },
        served: lab.servedByVersion(),
      };
      progress.steps.push(open.window);
    }
    if (
      context.scenario === 'breach' &&
      progress.faultInjectedAt === undefined &&
      status.stepIndex === 2 &&
      status.state === 'soaking'
    ) {
      await lab.faults.set({ versionErrorRatio: { version: NEW, ratio: 0.3 } });
      progress.faultInjectedAt = Date.now();
      print(`>>> fault injected: the canary (version ${NEW}) answers 30% of requests with 503`);
    }
    if (status.breaches[0]) progress.breachDetectedAt ??= Date.parse(status.breaches[0].at);
    const help = context.autoApprove ? undefined : hint(status, now);
    if (help) print(help);
    if (now - lastSecond >= 1000 || isTerminal(status.state)) {
      lastSecond = now;
      const served = lab.servedByVersion();
      const lastSecondServed = difference(served, history.at(-1) ?? {});
      const t = (now - startedAt) / 1000;
      for (const [version, count] of Object.entries(lastSecondServed))
        if ((served[version] ?? 0) > 0) progress.points.push({ t, series: `served by ${version}`, value: count });
      history.push(served);
      const recent = lab.versionShares(history.at(-4));
      const record = lab.load?.snapshot();
      const second = Math.floor(now / 1000);
      const load = record ? summarize(record, second - 3, second) : undefined;
      const soakLeft = status.soak?.endsAt ? Date.parse(status.soak.endsAt) - now : status.soak?.remainingMs;
      print(
        `[${formatDuration(now - startedAt).padStart(7)}] ${whereLabel(status)} ${stateWords(status.state)}${soakLeft === undefined ? '' : ` ${formatDuration(soakLeft)} left`}` +
          ` | served by version: ${percent(recent)}` +
          ` | ${Math.round((load?.requests ?? 0) / 3)} req/s, ${load?.failures ?? 0} failed in 3 s | analysis ${status.analysis?.verdict ?? '-'}`,
      );
    }
    if (isTerminal(status.state)) {
      closeStep(now);
      if (status.state === 'rolled-back') progress.canaryGoneAt = now;
      return progress;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const asmGatewayCanaryDemo: DemoDriver<Progress> = {
  startLab: (options) => startLab({ start: 'asm-serving', ...options }),
  title: `canary-upgrade the lab's ASM gateway from ${ASM_VERSIONS.gateway} to ${NEW}, behind two CLBs`,
  input: labCanaryInput,
  follow,
  clearFaults: (lab: Lab) => lab.faults.set({ versionErrorRatio: null }),
  async end({ outcome, scenario, record, progress }) {
    const total = (served: Record<string, number>) => Object.values(served).reduce((a, b) => a + b, 0);
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const report = {
      result: outcome,
      scenario,
      totalRequests: record.totals.requests,
      ...errorCounts(record, progress.faultInjectedAt),
      steps: progress.steps.map((step) => ({
        index: step.index,
        label: step.label,
        startedAt: iso(step.from),
        seconds: step.to === undefined ? null : Math.round((step.to - step.from) / 100) / 10,
        // Versions that served nothing in the step (the idle Istio gateway's) are left out.
        servedByVersion: Object.fromEntries(
          Object.entries(step.served)
            .filter(([, count]) => count > 0)
            .map(([version, count]) => [version, Math.round((count / total(step.served)) * 1000) / 10]),
        ),
      })),
      faultInjectedAt: iso(progress.faultInjectedAt),
      breachDetectedAt: iso(progress.breachDetectedAt),
      canaryGoneAt: iso(progress.canaryGoneAt),
      faultToCanaryGoneMs:
        progress.faultInjectedAt !== undefined && progress.canaryGoneAt !== undefined
          ? progress.canaryGoneAt - progress.faultInjectedAt
          : undefined,
    };
    // The tracker's clock started after the load's: its seconds are moved onto the load's time line.
    const offset = sinceStart(record, progress.startedAt);
    const marks: ChartMark[] = progress.steps.map((step) => ({
      t: sinceStart(record, step.from),
      label: `step ${step.index}`,
    }));
    const chart = await renderChart({
      title: `gateshift demo: ASM gateway canary upgrade, ${scenario}`,
      points: [...progress.points.map((point) => ({ ...point, t: point.t + offset })), ...failurePoints(record)],
      marks,
    });
    const summary = [
      resultLine(report),
      ...report.steps.map(
        (step) =>
          `  ${step.label}: ${step.seconds ?? '-'} s, served by version ${
            Object.entries(step.servedByVersion)
              .map(([version, share]) => `${version} ${share}%`)
              .join(', ') || '-'
          }`,
      ),
    ];
    if (report.faultToCanaryGoneMs !== undefined)
      summary.push(
        `  breach: fault ${report.faultInjectedAt}, detected ${report.breachDetectedAt}, canary gone ${report.canaryGoneAt} (${report.faultToCanaryGoneMs} ms after the fault)`,
      );
    return { report, chart, summary };
  },
};

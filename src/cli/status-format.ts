// What `gateshift status` and `watch` print: a header (state and where the migration is, what it waits
// for), the steps as a tree (done, current, to come, with soak left and weights), the resources, the
// pre-flight in one line when it passed, the analysis against its thresholds, breaches and the actions.
import type { AnalysisBreach, Observation } from '../api/records.js';
import { gatePreview, isTerminal, type MigrationStatus, type RecordedAction, type StepView } from '../api/status.js';
import { formatTime, formatValue, STEP_MARKS, stateWords, threshold, whereLabel } from '../api/wording.js';
import { formatDuration } from '../plan/index.js';
import { checklistLines } from './checklist-lines.js';
import { field, formatResult, formatShares, table } from './format.js';
import { type StatusView, soakRemainingMs } from './view.js';

function resourceLines(observations: Observation[]): string[] {
  if (observations.length === 0) return ['resources: not read yet'];
  const rows = observations.map((observation) => [
    observation.resource,
    `desired ${formatShares(observation.desired)}`,
    `expected ${formatShares(observation.expected)}`,
    `effective ${formatShares(observation.effective)}`,
    observation.agrees ? 'agrees' : `DISAGREES${observation.diff ? `: ${observation.diff}` : ''}`,
  ]);
  return ['resources (source/target shares)', ...table(rows)];
}

/** The step the migration is at: the running one, else the next one (its gate waits). */
function currentIndex(status: MigrationStatus): number | undefined {
  if (isTerminal(status.state)) return undefined;
  return (
    status.steps.find((step) => step.state === 'running') ?? status.steps.find((step) => step.state === 'pending')
  )?.index;
}

function soakLeft(status: MigrationStatus, now: Date): string {
  if (!status.soak) return '';
  return `${formatDuration(soakRemainingMs(status.soak, now))} left of ${formatDuration(status.soak.totalMs)}`;
}

function stepDetail(step: StepView, status: MigrationStatus, current: boolean, now: Date): string {
  if (current) {
    const state =
      status.state === 'paused'
        ? `paused (from ${stateWords(status.pausedFrom ?? 'paused')})`
        : stateWords(status.state);
    return [state, soakLeft(status, now)].filter(Boolean).join(', ');
  }
  if (step.state === 'pending') {
    const soak = step.soakMs ? `${formatDuration(step.soakMs)} soak` : '';
    return [soak, step.approval ? `${step.approval} approval` : ''].filter(Boolean).join(', ');
  }
  // A shift's outcome is its weights, which its label already says.
  const outcome = step.kind === 'shift' ? '' : (step.outcome?.split('\n')[0] ?? '');
  return [step.state === 'done' ? '' : step.state, outcome].filter(Boolean).join(': ');
}

function stepLines(status: MigrationStatus, now: Date): string[] {
  const current = currentIndex(status);
  const rows = status.steps.map((step) => [
    step.index === current ? '▶' : STEP_MARKS[step.state],
    step.label,
    stepDetail(step, status, step.index === current, now),
  ]);
  return ['steps', ...table(rows)];
}

function analysisLines(analysis: NonNullable<MigrationStatus['analysis']>, label: string): string[] {
  const evaluations = `${analysis.evaluations} evaluation${analysis.evaluations === 1 ? '' : 's'}`;
  const coverage =
    analysis.verdict === 'running' ? '' : `, data for ${Math.round(analysis.dataCoverage * 100)}% of the soak`;
  const heading = `analysis of ${label}: ${analysis.verdict}, ${evaluations}${coverage}`;
  const updated = analysis.updatedAt ? `, updated ${formatTime(analysis.updatedAt)}` : '';
  const rows = analysis.samples.map((sample) => [
    sample.pass ? 'ok' : 'FAIL',
    sample.check,
    formatValue(sample.value),
    threshold(sample.comparison, sample.threshold),
    formatTime(sample.at),
  ]);
  return [heading + updated, ...table(rows)];
}

function breachLines(breaches: AnalysisBreach[]): string[] {
  const rows = breaches.map((breach) => [
    formatTime(breach.at),
    breach.check,
    `${formatValue(breach.value)} (must be ${breach.pass} ${breach.threshold})`,
    `${breach.consecutive} in a row`,
    breach.message,
  ]);
  return ['breaches', ...table(rows)];
}

function actionLines(actions: RecordedAction[]): string[] {
  const rows = actions.map((action) => [
    formatTime(action.at),
    action.by,
    action.kind,
    `${action.phase === undefined ? `step ${action.step}` : `phase ${action.phase}`} (${action.state})`,
    action.reason ?? '-',
    action.outcome === 'accepted' ? `accepted via ${action.via}` : `refused via ${action.via}: ${action.refusal ?? ''}`,
  ]);
  return ['actions (when, who, what, where, why, outcome)', ...table(rows)];
}

function headerLines(status: MigrationStatus, now: Date, failure?: string): string[] {
  const state = status.state === 'paused' && status.pausedFrom ? `paused (from ${status.pausedFrom})` : status.state;
  const lines = [field('state', `${state}: ${whereLabel(status)}`)];
  if (status.paused)
    lines.push(field('paused', `by ${status.paused.by} at ${formatTime(status.paused.at)}: ${status.paused.reason}`));
  if (status.approvedAll)
    lines.push(field('approved', `every remaining step, by ${status.approvedAll.by}: ${status.approvedAll.reason}`));
  if (status.desired) lines.push(field('desired', `source ${status.desired.source}, target ${status.desired.target}`));
  if (status.soak && !isTerminal(status.state)) {
    const ends = status.soak.endsAt ? `, ends ${formatTime(status.soak.endsAt)}` : '';
    lines.push(field('soak', `${soakLeft(status, now)}${ends}`));
  }
  if (status.waitingFor) lines.push(field('waiting', `for ${status.waitingFor}`));
  const preview = gatePreview(status);
  if (preview) lines.push(field('diff', preview.split('\n').join(`\n${field('', '')}`)));
  // The failure of a closed workflow says the same: once is enough.
  if (status.error && status.error !== failure) lines.push(field('error', status.error));
  lines.push(field('updated', formatTime(status.updatedAt)));
  return lines;
}

function migrationLines(status: MigrationStatus, now: Date, failure?: string): string[] {
  const sections: string[][] = [stepLines(status, now), resourceLines(status.observations)];
  if (status.preflight) sections.push(checklistLines(status.preflight));
  if (status.analysis)
    sections.push(
      analysisLines(status.analysis, status.steps[status.analysis.step]?.label ?? `step ${status.analysis.step}`),
    );
  if (status.breaches.length > 0) sections.push(breachLines(status.breaches));
  if (status.actions.length > 0) sections.push(actionLines(status.actions));
  return [...headerLines(status, now, failure), ...sections.flatMap((section) => ['', ...section])];
}

export function formatStatus(view: StatusView, now: Date): string {
  const title = view.status?.title ? ` (${view.status.title})` : '';
  const closed = view.execution.closeTime ? `, closed ${formatTime(view.execution.closeTime)}` : '';
  const lines = [
    `migration ${view.workflowId}${title}`,
    field('workflow', `${view.execution.status}, started ${formatTime(view.execution.startTime)}${closed}`),
  ];
  if (view.result) lines.push(field('result', formatResult(view.result)));
  if (view.failure) lines.push(field('failure', view.failure));
  if (view.status) lines.push(...migrationLines(view.status, now, view.failure));
  else if (view.queryError) lines.push(field('status', `unavailable: ${view.queryError}`));
  return `${lines.join('\n')}\n`;
}

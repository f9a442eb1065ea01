// Pure rendering of what the CLI prints: the status view, a workflow's result, refusals, the list.
import type { AnalysisBreach, ChecklistItem, Observation } from '../api/records.js';
import { type MigrationResult, type MigrationStatus, type RecordedAction, TERMINAL_STATES } from '../api/status.js';
import { formatDuration, type SideWeights } from '../plan/index.js';
import { type StatusView, soakRemainingMs } from './view.js';

/** "2025-06-01 12:00:00Z" */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function formatShares(weights: SideWeights): string {
  return `${weights.source}/${weights.target}`;
}

export function formatValue(value: number | null): string {
  if (value === null) return 'no data';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** Left-aligned columns, two spaces apart; trailing blanks trimmed. */
export function table(rows: string[][], indent = '  '): string[] {
  const widths = rows.reduce<number[]>((max, row) => row.map((cell, i) => Math.max(max[i] ?? 0, cell.length)), []);
  return rows.map((row) => `${indent}${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
}

/** `refused: <why>`; the validator's own "<kind> refused: " prefix is not repeated. */
export function formatRefusal(validatorMessage: string): string {
  return `refused: ${validatorMessage.replace(/^\w+ refused: /, '')}`;
}

function field(label: string, value: string): string {
  return `  ${label.padEnd(10)}${value}`;
}

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

function preflightLines(items: ChecklistItem[]): string[] {
  const lines = ['preflight'];
  for (const item of items) {
    const name = item.resource ? `[${item.resource}] ${item.item}` : item.item;
    lines.push(`  ${item.ok ? 'ok  ' : 'FAIL'}  ${name}: ${item.why}`);
    if (item.fix && !item.ok) lines.push(`        fix: ${item.fix}`);
  }
  return lines;
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

function migrationLines(status: MigrationStatus, now: Date): string[] {
  const state = status.state === 'paused' && status.pausedFrom ? `paused (from ${status.pausedFrom})` : status.state;
  const lines = [
    field('state', state),
    status.phaseCount > 0
      ? field('phase', `${status.phaseIndex}/${status.phaseCount - 1} ${status.phaseName}`)
      : field('step', `${status.stepIndex}/${status.steps.length - 1} ${status.steps[status.stepIndex]?.label ?? ''}`),
  ];
  if (status.desired) lines.push(field('desired', `source ${status.desired.source}, target ${status.desired.target}`));
  if (status.soak && !TERMINAL_STATES.includes(status.state)) {
    const remaining = soakRemainingMs(status.soak, now);
    const ends = status.soak.endsAt ? `, ends ${formatTime(status.soak.endsAt)}` : '';
    lines.push(field('soak', `${formatDuration(remaining)} left of ${formatDuration(status.soak.totalMs)}${ends}`));
  }
  if (status.waitingFor) lines.push(field('waiting', `for ${status.waitingFor}`));
  if (status.error) lines.push(field('error', status.error));
  lines.push(field('updated', formatTime(status.updatedAt)));
  const sections: string[][] = [resourceLines(status.observations)];
  if (status.preflight) sections.push(preflightLines(status.preflight));
  if (status.analysis)
    sections.push(
      analysisLines(status.analysis, status.steps[status.analysis.step]?.label ?? `step ${status.analysis.step}`),
    );
  if (status.breaches.length > 0) sections.push(breachLines(status.breaches));
  if (status.actions.length > 0) sections.push(actionLines(status.actions));
  for (const section of sections) lines.push('', ...section);
  return lines;
}

/** One line on how a migration ended. */
export function formatResult(result: MigrationResult): string {
  // A plan that moves weights counts in phases; one that does not, in steps.
  const moved = result.finalWeights !== null;
  const weights = result.finalWeights ? `weights ${formatShares(result.finalWeights)}` : 'no weights';
  const reached = moved ? `phase ${result.phaseReached}` : `step ${result.stepReached}`;
  if (result.outcome === 'completed') return `completed at ${reached}, ${weights}`;
  const rollback = result.rollback;
  if (!rollback) return `rolled back after ${reached}, ${weights}`;
  const from = moved ? `phase ${rollback.fromPhase}` : `step ${rollback.fromStep}`;
  return `rolled back by ${rollback.by} at ${formatTime(rollback.at)} from ${rollback.fromState} in ${from}: ${rollback.reason}; ${weights}`;
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
  if (view.status) lines.push(...migrationLines(view.status, now));
  else if (view.queryError) lines.push(field('status', `unavailable: ${view.queryError}`));
  return `${lines.join('\n')}\n`;
}

export interface ListRow {
  workflowId: string;
  state?: string;
  phase?: number;
  resources: string[];
  startTime: string;
}

export function formatList(rows: ListRow[]): string {
  if (rows.length === 0) return 'no migrations\n';
  const body = rows.map((row) => [
    row.workflowId,
    row.state ?? '-',
    row.phase === undefined ? '-' : String(row.phase),
    row.resources.join(',') || '-',
    formatTime(row.startTime),
  ]);
  return `${table([['ID', 'STATE', 'PHASE', 'RESOURCES', 'STARTED'], ...body], '').join('\n')}\n`;
}

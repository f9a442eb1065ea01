// The markdown the Temporal Web UI shows as the migration's current details: a heading with the state
// and where the migration is, what it waits for, who paused it and why, the resources, the steps done
// and to come, the last analysis against its thresholds, and the last human actions. Every block is its
// own paragraph, list or table, so the UI keeps the line breaks; labels and weights are code spans, so
// "90/10" is never set as a fraction.
import { gatePreview, type MigrationStatus, type RecordedAction } from '../src/api/status.js';
import { formatTime, formatValue, STEP_MARKS, stateWords, threshold, whereLabel } from '../src/api/wording.js';
import { formatDuration } from '../src/plan/duration.js';

const LAST_ACTIONS = 5;

export const code = (text: string) => `\`${text.replaceAll('`', "'")}\``;
/** Free text (reasons, messages) in a paragraph or a table cell: no markup, no line breaks. */
export const text = (value: string) => value.replace(/[\\`*_[\]<>|#]/g, '\\$&').replace(/\s*\n\s*/g, ' ');
const shares = (weights: { source: number; target: number }) => code(`${weights.source}/${weights.target}`);

function facts(status: MigrationStatus): string {
  const lines: string[] = [];
  if (status.paused)
    lines.push(
      `- **Paused** by ${text(status.paused.by)} at ${formatTime(status.paused.at)}: ${text(status.paused.reason)}`,
    );
  if (status.waitingFor) lines.push(`- **Waiting for** ${text(status.waitingFor)}`);
  const preview = gatePreview(status);
  if (preview) lines.push(`- **It would change**:\n\n\`\`\`\n${preview}\n\`\`\``);
  if (status.approvedAll)
    lines.push(
      `- **Every remaining step approved** by ${text(status.approvedAll.by)}: ${text(status.approvedAll.reason)}`,
    );
  // The details are written when something happens, not every second: an end time stays true.
  const soak = status.soak;
  if (soak)
    lines.push(
      `- **Soak** of ${formatDuration(soak.totalMs)}: ${soak.endsAt ? `ends ${formatTime(soak.endsAt)}` : `${formatDuration(soak.remainingMs)} left, clock stopped`}`,
    );
  if (status.desired) lines.push(`- **Weights written** (source/target): ${shares(status.desired)}`);
  if (status.error) lines.push(`- **Error**: ${text(status.error)}`);
  return lines.join('\n');
}

function resources(status: MigrationStatus): string {
  if (status.observations.length === 0) return '';
  return [
    '| resource | desired | expected | effective | agrees |',
    '|---|---|---|---|---|',
    ...status.observations.map(
      (o) =>
        `| ${code(o.resource)} | ${shares(o.desired)} | ${shares(o.expected)} | ${shares(o.effective)} | ${o.agrees ? 'yes' : `**no**${o.diff ? `: ${text(o.diff)}` : ''}`} |`,
    ),
  ].join('\n');
}

function steps(status: MigrationStatus): string {
  return [
    '| | step | soak | approval | outcome |',
    '|---|---|---|---|---|',
    ...status.steps.map((step) => {
      const soak = step.soakMs ? formatDuration(step.soakMs) : '';
      // A shift's outcome is its weights, which its label says already.
      const told = step.kind === 'shift' ? undefined : step.outcome;
      const outcome = told ? text(told) : step.state === 'pending' ? '' : step.state;
      return `| ${STEP_MARKS[step.state]} | ${code(step.label)} | ${soak} | ${step.approval ?? ''} | ${outcome} |`;
    }),
  ].join('\n');
}

function analysis(status: MigrationStatus): string {
  const current = status.analysis;
  if (!current) return '';
  const label = status.steps[current.step]?.label ?? `step ${current.step}`;
  const coverage =
    current.verdict === 'running' ? '' : `, data for ${Math.round(current.dataCoverage * 100)}% of the soak`;
  const heading = `**Analysis** of ${code(label)}: ${current.verdict}, ${current.evaluations} evaluation(s)${coverage}`;
  if (current.samples.length === 0) return heading;
  return [
    heading,
    '',
    '| check | value | must be | |',
    '|---|---|---|---|',
    ...current.samples.map(
      (sample) =>
        `| ${code(sample.check)} | ${formatValue(sample.value)} | ${threshold(sample.comparison, sample.threshold)} | ${sample.pass ? 'ok' : '**fails**'} |`,
    ),
  ].join('\n');
}

function action(entry: RecordedAction): string {
  const what = `${entry.kind} of ${entry.phase === undefined ? `step ${entry.step}` : `phase ${entry.phase}`}`;
  const outcome = entry.outcome === 'accepted' ? `via ${entry.via}` : `refused: ${text(entry.refusal ?? '')}`;
  return `- ${formatTime(entry.at)} **${text(entry.by)}**: ${what}${entry.reason ? `, "${text(entry.reason)}"` : ''} (${outcome})`;
}

export function renderDetails(status: MigrationStatus): string {
  const state = stateWords(status.state);
  const breach = status.breaches.at(-1);
  return [
    `## ${state[0]?.toUpperCase()}${state.slice(1)}: ${code(whereLabel(status))}`,
    facts(status),
    resources(status),
    '**Steps**',
    steps(status),
    analysis(status),
    breach ? `**Last breach**: ${text(breach.message)}` : '',
    status.actions.length ? `**Last actions**\n\n${status.actions.slice(-LAST_ACTIONS).map(action).join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

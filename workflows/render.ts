// The markdown the Temporal Web UI shows as the migration's current details.
import type { MigrationStatus } from '../src/api/status.js';
import { formatDuration } from '../src/plan/duration.js';

export function renderDetails(status: MigrationStatus): string {
  const step = status.steps[status.stepIndex];
  const lines = [
    `**${status.state}** — ${step?.label ?? 'starting'} (step ${status.stepIndex + 1} of ${status.steps.length})`,
    '',
  ];
  if (status.desired) lines.push(`Desired weights: source ${status.desired.source} / target ${status.desired.target}`);
  if (status.waitingFor) lines.push(`Waiting for: ${status.waitingFor}`);
  if (status.paused) lines.push(`Paused by ${status.paused.by}: ${status.paused.reason}`);
  if (status.soak)
    lines.push(`Soak: ${formatDuration(status.soak.remainingMs)} left of ${formatDuration(status.soak.totalMs)}`);
  if (status.observations.length > 0) {
    lines.push('', '| resource | expected target share | effective target share | agrees |', '|---|---|---|---|');
    for (const observation of status.observations) {
      lines.push(
        `| ${observation.resource} | ${observation.expected.target}% | ${observation.effective.target}% | ${observation.agrees ? 'yes' : 'no'} |`,
      );
    }
  }
  const last = status.breaches.at(-1);
  if (last) lines.push('', `Last breach: ${last.message}`);
  const action = status.actions.at(-1);
  if (action) lines.push('', `Last action: ${action.kind} by ${action.by} (${action.outcome}) at ${action.at}`);
  if (status.error) lines.push('', `Error: ${status.error}`);
  return lines.join('\n');
}

// The markdown the Temporal Web UI shows as the migration's current details.
import { formatDuration } from '../src/plan/duration.js';
import type { MigrationStatus } from './status.js';

export function renderDetails(status: MigrationStatus, phaseLabel: (index: number) => string): string {
  const lines = [
    `**${status.state}** — ${phaseLabel(status.phaseIndex)} of ${status.phaseCount}`,
    '',
    `Desired weights: source ${status.desired.source} / target ${status.desired.target}`,
  ];
  if (status.waitingFor) lines.push(`Waiting for: ${status.waitingFor}`);
  if (status.soak)
    lines.push(`Soak: ${formatDuration(status.soak.remainingMs)} left of ${formatDuration(status.soak.totalMs)}`);
  if (status.effective.length > 0) {
    lines.push('', '| CLB | expected target share | effective target share | agrees |', '|---|---|---|---|');
    for (const lb of status.effective) {
      lines.push(
        `| ${lb.loadBalancerId} | ${lb.expected.target}% | ${lb.effective.target}% | ${lb.agrees ? 'yes' : 'no'} |`,
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

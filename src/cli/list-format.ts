// What `gateshift list` prints: one line per migration, from what the server keeps without a worker
// (search attributes and the workflow's memo).
import { formatTime } from '../api/wording.js';
import { table } from './format.js';

export interface ListRow {
  workflowId: string;
  state?: string;
  /** "phase 2 of 4", "step 3 of 5" */
  position?: string;
  /** "90/10", the weights last written */
  weights?: string;
  resources: string[];
  waitingFor?: string;
  startTime: string;
}

export function formatList(rows: ListRow[]): string {
  if (rows.length === 0) return 'no migrations\n';
  const body = rows.map((row) => [
    row.workflowId,
    row.state ?? '-',
    row.position ?? '-',
    row.weights ?? '-',
    row.resources.join(',') || '-',
    formatTime(row.startTime),
    row.waitingFor ?? '-',
  ]);
  const heading = ['ID', 'STATE', 'AT', 'WEIGHTS', 'RESOURCES', 'STARTED', 'WAITING FOR'];
  return `${table([heading, ...body], '').join('\n')}\n`;
}

// What `start` puts in the Web UI (summary and details) and prints for the operator.
import { shellQuote } from '../notify/message.js';
import { formatDuration, type MigrationPlan, type Step, stepLabel } from '../plan/index.js';

/** The plan's title, else the driver's one line (e.g. "lb-a, lb-b: ns/svc → ns/svc"). */
export function startSummary(plan: MigrationPlan): string {
  return plan.summary;
}

function stepRow(step: Step): string {
  switch (step.kind) {
    case 'shift':
      return `| ${step.index} | ${stepLabel(step)} | ${step.weights.source} | ${step.weights.target} | ${formatDuration(step.soakMs)} | ${step.approval} |`;
    case 'soak':
      return `| ${step.index} | ${stepLabel(step)} | | | ${formatDuration(step.soakMs)} | |`;
    case 'action':
      return `| ${step.index} | ${stepLabel(step)} | | | | ${step.approval} |`;
    default:
      return `| ${step.index} | ${stepLabel(step)} | | | | |`;
  }
}

/** Markdown for the Web UI: what moves where, and the steps. */
export function startDetails(plan: MigrationPlan): string {
  return [
    ...plan.details,
    '',
    '| # | step | source weight | target weight | soak | approval |',
    '|---|---|---:|---:|---:|---|',
    ...plan.steps.map(stepRow),
  ].join('\n');
}

/** The workflow id and the exact commands to approve and to watch it. */
export function startedText(workflowId: string): string {
  const id = shellQuote(workflowId);
  return [
    `started migration ${workflowId}`,
    '',
    'approve the next step (either):',
    `  gateshift approve ${id}`,
    `  temporal workflow signal --workflow-id ${id} --name approve --input '{"by":"you"}'`,
    'watch it:',
    `  gateshift watch ${id}`,
    '',
  ].join('\n');
}

// What `start` puts in the Web UI (summary and details) and prints for the operator.
import { formatDuration, type MigrationPlan } from '../plan/index.js';

/** The plan's title, else "lb-a, lb-b: ns/svc → ns/svc" (one line for the Web UI). */
export function startSummary(plan: MigrationPlan): string {
  if (plan.title) return plan.title;
  const ids = plan.loadBalancers.map((lb) => lb.id).join(', ');
  return `${ids}: ${plan.source.namespace}/${plan.source.service} → ${plan.target.namespace}/${plan.target.service}`;
}

/** Markdown for the Web UI: the gateways, the CLBs and the phase table. */
export function startDetails(plan: MigrationPlan): string {
  const clbs = plan.loadBalancers.map((lb) => `\`${lb.id}\` (${lb.region})`).join(', ');
  const rows = plan.phases.map(
    (phase) =>
      `| ${phase.index} | ${phase.name} | ${phase.sourceWeight} | ${phase.targetWeight} | ${formatDuration(phase.soakMs)} | ${phase.approval} |`,
  );
  return [
    `Source \`${plan.source.namespace}/${plan.source.service}\` → target \`${plan.target.namespace}/${plan.target.service}\``,
    `CLBs: ${clbs}`,
    '',
    '| # | phase | source weight | target weight | soak | approval |',
    '|---|---|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The workflow id and the exact commands to approve and to watch it. */
export function startedText(workflowId: string): string {
  const id = shellWord(workflowId);
  return [
    `started migration ${workflowId}`,
    '',
    'approve the next phase (either):',
    `  gateshift approve ${id}`,
    `  temporal workflow signal --workflow-id ${id} --name approve --input '{"by":"you"}'`,
    'watch it:',
    `  gateshift watch ${id}`,
    '',
  ].join('\n');
}

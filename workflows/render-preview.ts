// The markdown the Temporal Web UI shows as a preview's current details: ready or blocked, the
// pre-flight items that are not a plain pass, the backends the shares rest on, and every step with its
// writes, its approval and, for a phase, the share each resource will apply.
import { checklistSummary, itemName } from '../src/api/checklist.js';
import { approvalWords, backendWords, type PlanPreview, type StepPreview } from '../src/api/preview.js';
import { formatDuration } from '../src/plan/duration.js';
import { code, text } from './render.js';

function preflight(preview: PlanPreview): string {
  const items = preview.preflight
    .filter((item) => item.status !== 'pass')
    .map(
      (item) =>
        `- **${item.status}** ${text(itemName(item))}: ${text(item.why)}${item.fix ? ` (fix: ${text(item.fix)})` : ''}`,
    );
  return [`**Pre-flight**: ${text(checklistSummary(preview.preflight))}`, ...items].join('\n');
}

function backends(preview: PlanPreview): string {
  if (preview.sharesUnknown) return `**Shares unknown**: ${text(preview.sharesUnknown)}`;
  if (preview.backends.length === 0) return '';
  return [
    '**Backends today**',
    ...preview.backends.map((entry) => `- ${code(entry.resource)}: ${text(backendWords(entry.parts))}`),
  ].join('\n');
}

function step(entry: StepPreview): string {
  const soak = entry.soakMs ? `, soak ${formatDuration(entry.soakMs)}` : '';
  const lines = [`- **${entry.index}** ${code(entry.label)}${soak}: ${approvalWords(entry)}`];
  for (const write of entry.writes)
    lines.push(`  - write ${code(write.resource)} ${text(write.object)}: ${code(write.change)}`);
  if (entry.shares)
    lines.push(
      `  - shares (source/target): ${entry.shares.map((share) => `${code(share.resource)} ${code(`${share.shares.source}/${share.shares.target}`)}`).join(', ')}`,
    );
  return lines.join('\n');
}

export function renderPreview(preview: PlanPreview): string {
  return [
    `## Preview: ${preview.ready ? 'ready' : 'blocked by the pre-flight'}`,
    `${text(preview.summary)} (${code(preview.kind)}); nothing was written.`,
    preflight(preview),
    backends(preview),
    '**Steps**',
    preview.steps.map(step).join('\n'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

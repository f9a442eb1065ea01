// A plan's preview as `gateshift plan` prints it: whether it is ready, the pre-flight (as `start` prints
// it), the backends the shares rest on, then every step in order with whether it waits for a human,
// each write on its resource, and for a phase the share each resource will apply.
import { approvalWords, backendWords, type PlanPreview, type StepPreview } from '../api/preview.js';
import { formatDuration } from '../plan/index.js';
import { checklistLines } from './checklist-lines.js';

const percent = (shares: { source: number; target: number }) => `${shares.source}% / ${shares.target}%`;

function stepLines(step: StepPreview): string[] {
  const soak = step.soakMs ? `, soak ${formatDuration(step.soakMs)}` : '';
  const lines = [`  ${step.index}  ${step.label}${soak}: ${approvalWords(step)}`];
  const width = Math.max(0, ...step.writes.map((write) => write.resource.length));
  for (const write of step.writes)
    lines.push(`       write  ${write.resource.padEnd(width)}  ${write.object}: ${write.change}`);
  for (const share of step.shares ?? [])
    lines.push(`       share  ${share.resource.padEnd(width)}  source / target ${percent(share.shares)}`);
  return lines;
}

export function previewLines(preview: PlanPreview): string[] {
  const backends = preview.sharesUnknown
    ? [`shares unknown: ${preview.sharesUnknown}`]
    : preview.backends.map((entry) => `backends today: ${entry.resource}: ${backendWords(entry.parts)}`);
  return [
    `preview of ${preview.summary} (${preview.kind}); nothing was written`,
    ...checklistLines(preview.preflight),
    ...backends,
    'steps:',
    ...preview.steps.flatMap(stepLines),
    preview.ready
      ? 'ready: every pre-flight item passed; `gateshift start` with this input runs these steps'
      : 'blocked: the pre-flight stands in the way (above); a start of this input would stop before any write',
  ];
}

// What a notification says, as plain data built from a small plain event: a title, a headline, facts,
// the exact commands to act (approve by the gateshift CLI or the Temporal CLI) and the Web UI link.
// Pure and deterministic: the same event gives the same message; the activity only formats and sends it.
import type { NotifyEventType } from './schema.js';

/** What the workflow knows when something worth telling happens. No credentials, no URLs with tokens. */
export interface NotifyEvent {
  event: NotifyEventType;
  /** The workflow id. */
  migrationId: string;
  /** The input's title, when it has one. */
  title?: string;
  /** Where the migration stands, e.g. "phase 2 (50/50)" or "step 3: copy Gateway resources". */
  stepOrPhaseLabel: string;
  /** waiting-approval: what the approval is for, e.g. "phase 2 (50/50), soak 2h". */
  waitingFor?: string;
  /** breach, rollback, failed: why (the breached check, the operator's reason, the error). */
  reason?: string;
  /** Who acted (rollback by a human, the approval that completed a gate). */
  by?: string;
  /** Desired weights at the time of the event. */
  weights?: { source: number; target: number };
  /** breach: the analysis values against their thresholds. */
  checks?: Array<{ name: string; value?: number; threshold: number; pass: boolean }>;
  /** Base URL of the Temporal Web UI, e.g. http://localhost:8080; the activity fills it from GATESHIFT_WEB_UI_URL. */
  webUiUrl?: string;
  /** Temporal namespace of the workflow. */
  namespace: string;
  taskQueue?: string;
  /** When it happened (ISO 8601), from the workflow's clock. */
  at?: string;
}

export interface NotifyCommands {
  /** `gateshift approve <id>` (the CLI installed from the image or `npm link`). */
  gateshift: string;
  /** The same from a clone: `npm run gateshift -- approve <id>`. */
  npm: string;
  /** `temporal workflow signal … --name approve --input '{"by":"<you>"}'`. */
  temporal: string;
}

export interface NotifyMessage {
  event: NotifyEventType;
  /** One line, for chat previews and notification titles. */
  title: string;
  /** The sentence that says what happened. */
  headline: string;
  /** Label/value facts, in order. */
  facts: Array<{ label: string; value: string }>;
  /** waiting-approval only: how to approve. */
  commands?: NotifyCommands;
  /** The workflow in the Web UI, when its base URL is known. */
  link?: string;
}

const SEVERITY: Record<NotifyEventType, string> = {
  'waiting-approval': 'waits for approval',
  breach: 'analysis breached',
  rollback: 'rolled back',
  completed: 'completed',
  failed: 'failed',
};

/** A word a POSIX shell reads back unchanged. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `<base>/namespaces/<ns>/workflows/<id>` of the Temporal Web UI. */
export function webUiWorkflowUrl(base: string, namespace: string, workflowId: string): string {
  return `${base.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The exact commands that approve the migration's current gate. */
export function approveCommands(migrationId: string, namespace: string): NotifyCommands {
  const id = shellQuote(migrationId);
  const ns = namespace === 'default' ? '' : ` --namespace ${shellQuote(namespace)}`;
  return {
    gateshift: `gateshift approve ${id}`,
    npm: `npm run gateshift -- approve ${id}`,
    temporal: `temporal workflow signal${ns} --workflow-id ${id} --name approve --input '{"by":"<you>"}'`,
  };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

export function buildNotifyMessage(event: NotifyEvent): NotifyMessage {
  const name = event.title ? `${event.title} (${event.migrationId})` : event.migrationId;
  const title = `gateshift: ${event.migrationId} ${SEVERITY[event.event]}`;
  const facts: NotifyMessage['facts'] = [{ label: 'at', value: event.stepOrPhaseLabel }];
  if (event.weights) {
    facts.push({ label: 'weights', value: `source ${event.weights.source} / target ${event.weights.target}` });
  }
  let headline: string;
  switch (event.event) {
    case 'waiting-approval':
      headline = `Migration ${name} waits for a human to approve ${event.waitingFor ?? 'the next step'}.`;
      break;
    case 'breach':
      headline = `Migration ${name}: the analysis breached${event.reason ? `: ${event.reason}` : ''}.`;
      break;
    case 'rollback':
      headline = `Migration ${name} rolled back to the source${event.reason ? `: ${event.reason}` : ''}.`;
      break;
    case 'completed':
      headline = `Migration ${name} completed: the target carries the traffic.`;
      break;
    case 'failed':
      headline = `Migration ${name} failed${event.reason ? `: ${event.reason}` : ''}.`;
      break;
  }
  if (event.by) facts.push({ label: 'by', value: event.by });
  for (const check of event.checks ?? []) {
    const value = check.value === undefined ? 'no data' : formatNumber(check.value);
    facts.push({
      label: `check ${check.name}`,
      value: `${value} (threshold ${formatNumber(check.threshold)}) ${check.pass ? 'pass' : 'FAIL'}`,
    });
  }
  facts.push({ label: 'namespace', value: event.namespace });
  if (event.at) facts.push({ label: 'time', value: event.at });
  return {
    event: event.event,
    title,
    headline,
    facts,
    commands: event.event === 'waiting-approval' ? approveCommands(event.migrationId, event.namespace) : undefined,
    link: event.webUiUrl ? webUiWorkflowUrl(event.webUiUrl, event.namespace, event.migrationId) : undefined,
  };
}

/** Markdown (DingTalk's subset: headings, lists, code, links), the body of chat messages. */
export function messageMarkdown(message: NotifyMessage): string {
  const lines = [`### ${message.title}`, '', message.headline, ''];
  for (const fact of message.facts) lines.push(`- **${fact.label}**: ${fact.value}`);
  if (message.commands) {
    lines.push('', 'Approve with either:', '');
    lines.push(`\`${message.commands.gateshift}\``, '');
    lines.push(`\`${message.commands.npm}\``, '');
    lines.push(`\`${message.commands.temporal}\``);
  }
  if (message.link) lines.push('', `[Open in the Temporal Web UI](${message.link})`);
  return lines.join('\n');
}

/** Plain text, for logs and the generic JSON payload. */
export function messageText(message: NotifyMessage): string {
  const lines = [message.title, message.headline];
  for (const fact of message.facts) lines.push(`${fact.label}: ${fact.value}`);
  if (message.commands) {
    lines.push('approve with either:', `  ${message.commands.gateshift}`, `  ${message.commands.npm}`);
    lines.push(`  ${message.commands.temporal}`);
  }
  if (message.link) lines.push(`Web UI: ${message.link}`);
  return lines.join('\n');
}

// The wire payload of each webhook format, built from the pure message (src/notify/message.ts).
import type { NotifyEvent, NotifyMessage } from '../../src/notify/message.js';
import { messageMarkdown, messageText } from '../../src/notify/message.js';
import type { NotifyFormat } from '../../src/notify/schema.js';

// DingTalk refuses markdown bodies above 20,000 bytes; Slack section text stops at 3,000 characters.
const DINGTALK_MAX_BYTES = 19_000;
const SLACK_SECTION_MAX = 2_900;

function clampBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let cut = text.slice(0, max);
  while (Buffer.byteLength(cut) > max - 3) cut = cut.slice(0, -16);
  return `${cut}…`;
}

function clamp(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack's mrkdwn escapes only &, < and > (https://api.slack.com/reference/surfaces/formatting). */
function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** DingTalk custom robot: `msgtype: markdown` (title shows in the notification, text in the chat). */
export function dingtalkPayload(message: NotifyMessage): object {
  return {
    msgtype: 'markdown',
    markdown: { title: clamp(message.title, 100), text: clampBytes(messageMarkdown(message), DINGTALK_MAX_BYTES) },
  };
}

/** Slack incoming webhook: `text` is the notification fallback, `blocks` the message. */
export function slackPayload(message: NotifyMessage): object {
  const facts = message.facts.map((fact) => `*${slackEscape(fact.label)}*: ${slackEscape(fact.value)}`).join('\n');
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: clamp(message.title, 150) } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clamp(`${slackEscape(message.headline)}\n${facts}`, SLACK_SECTION_MAX) },
    },
  ];
  if (message.commands) {
    const { gateshift, npm, temporal } = message.commands;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clamp(
          `Approve with either:\n\`${slackEscape(gateshift)}\`\n\`${slackEscape(npm)}\`\n\`${slackEscape(temporal)}\``,
          SLACK_SECTION_MAX,
        ),
      },
    });
  }
  if (message.link) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `<${message.link}|Open in the Temporal Web UI>` },
    });
  }
  return { text: `${message.title}: ${message.headline}`, blocks };
}

/** Generic JSON: the event as the workflow gave it, the message in structured and plain form. */
export function jsonPayload(message: NotifyMessage, event: NotifyEvent, idempotencyKey: string): object {
  return {
    type: 'gateshift.notification',
    version: 1,
    idempotencyKey,
    event: event.event,
    migrationId: event.migrationId,
    namespace: event.namespace,
    title: message.title,
    headline: message.headline,
    text: messageText(message),
    facts: message.facts,
    commands: message.commands,
    link: message.link,
    details: event,
  };
}

export function renderPayload(
  format: NotifyFormat,
  message: NotifyMessage,
  event: NotifyEvent,
  idempotencyKey: string,
): object {
  switch (format) {
    case 'dingtalk':
      return dingtalkPayload(message);
    case 'slack':
      return slackPayload(message);
    case 'json':
      return jsonPayload(message, event, idempotencyKey);
  }
}

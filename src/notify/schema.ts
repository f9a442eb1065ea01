// The input's optional `notify` section, and the worker-level defaults. The input names webhook targets;
// the worker holds their URLs (which carry tokens) in its environment: target `ops` is the URL in
// GATESHIFT_WEBHOOK_OPS, optionally signed with GATESHIFT_WEBHOOK_OPS_SECRET (DingTalk). A URL, a token or
// a secret in the input is refused with a message saying where it belongs.
import { z } from 'zod';

/** Every event a migration can notify about, in the order they usually happen. */
export const NOTIFY_EVENTS = ['waiting-approval', 'breach', 'rollback', 'completed', 'failed'] as const;
export type NotifyEventType = (typeof NOTIFY_EVENTS)[number];

/** Webhook payload formats: DingTalk custom robot (markdown), Slack incoming webhook, generic JSON. */
export const NOTIFY_FORMATS = ['dingtalk', 'slack', 'json'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

export const MAX_NOTIFY_TARGETS = 10;

const TARGET_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** The environment variable that holds target `name`'s webhook URL: `ops-cn` → GATESHIFT_WEBHOOK_OPS_CN. */
export function webhookEnvVar(name: string): string {
  return `GATESHIFT_WEBHOOK_${name.toUpperCase().replaceAll('-', '_')}`;
}

/** The environment variable that holds target `name`'s DingTalk signing secret (optional). */
export function webhookSecretEnvVar(name: string): string {
  return `${webhookEnvVar(name)}_SECRET`;
}

/** A value that is, or carries, a webhook address or its token rather than a name. */
export function looksLikeWebhookUrl(value: string): boolean {
  return /:\/\/|^www\.|[/?&=]|access_token|hooks\.slack\.com|oapi\.dingtalk\.com/i.test(value);
}

const targetName = z
  .string()
  .describe(
    'name of a webhook the worker holds: target "ops" is the URL in the worker\'s GATESHIFT_WEBHOOK_OPS ' +
      '(DingTalk signing secret, if any, in GATESHIFT_WEBHOOK_OPS_SECRET)',
  )
  .superRefine((value, ctx) => {
    if (looksLikeWebhookUrl(value)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'looks like a webhook URL: webhook URLs carry tokens and stay out of the input; set it on the worker ' +
          'as GATESHIFT_WEBHOOK_<NAME> and give NAME here (e.g. "ops" for GATESHIFT_WEBHOOK_OPS)',
        abort: true,
      });
    } else if (!TARGET_NAME.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a target name: a lower-case letter, then up to 31 lower-case letters, digits, "-" or "_"',
      });
    }
  });

const events = z
  .array(z.enum(NOTIFY_EVENTS))
  .min(1)
  .refine((list) => new Set(list).size === list.length, 'lists an event twice');

/** Keys someone may reach for to put a credential in the input; refused with a pointer to the worker. */
const CREDENTIAL_KEYS = /url|webhook|token|secret|sign|key|password/i;
const noCredentialKeys = (what: string) => (issue: { code?: string; keys?: string[] }) => {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const keys = issue.keys ?? [];
  const credential = keys.find((key) => CREDENTIAL_KEYS.test(key));
  if (credential) {
    return (
      `"${credential}" is not allowed: the input holds no webhook URLs, tokens or secrets; set them on the ` +
      'worker (GATESHIFT_WEBHOOK_<NAME>, GATESHIFT_WEBHOOK_<NAME>_SECRET) and name the target here'
    );
  }
  return `unknown ${what} field${keys.length > 1 ? 's' : ''} ${keys.map((key) => `"${key}"`).join(', ')}`;
};

export const notifyTargetSchema = z
  .strictObject(
    {
      name: targetName,
      format: z.enum(NOTIFY_FORMATS).describe('payload format of the webhook: dingtalk, slack or json'),
      events: events
        .optional()
        .describe('events sent to this target (default: the section\'s "events", else all of them)'),
    },
    { error: noCredentialKeys('target') },
  )
  .describe('a webhook target, named, never addressed: its URL stays on the worker');

export const notifySchema = z
  .strictObject(
    {
      targets: z
        .array(notifyTargetSchema)
        .max(MAX_NOTIFY_TARGETS)
        .describe("webhook targets; an empty list sends nothing (not even the worker's default targets)")
        .superRefine((targets, ctx) => {
          const seen = new Map<string, number>();
          targets.forEach((target, index) => {
            const variable = webhookEnvVar(target.name);
            const earlier = seen.get(variable);
            if (earlier !== undefined) {
              ctx.addIssue({
                code: 'custom',
                path: [index, 'name'],
                message: `target "${target.name}" uses ${variable}, like targets[${earlier}]`,
              });
            } else seen.set(variable, index);
          });
        }),
      events: events.optional().describe(`events to send (default: all of ${NOTIFY_EVENTS.join(', ')})`),
    },
    { error: noCredentialKeys('notify') },
  )
  .describe(
    'notifications to chat webhooks (DingTalk, Slack, generic JSON) when the migration waits for approval, ' +
      "breaches, rolls back, completes or fails. Without this section the worker's default targets " +
      '(GATESHIFT_NOTIFY_DEFAULT_TARGETS) are used.',
  );

export type NotifyConfig = z.output<typeof notifySchema>;
export type NotifyTarget = z.output<typeof notifyTargetSchema>;

/** The targets that get `event`: a target's own events, else the section's, else every event. */
export function targetsFor(config: NotifyConfig, event: NotifyEventType): NotifyTarget[] {
  return config.targets.filter((target) => (target.events ?? config.events ?? NOTIFY_EVENTS).includes(event));
}

/**
 * The worker's defaults, used for a migration whose input has no `notify` section:
 * GATESHIFT_NOTIFY_DEFAULT_TARGETS="ops:dingtalk,team:slack" and optionally
 * GATESHIFT_NOTIFY_DEFAULT_EVENTS="breach,rollback,failed". Throws on a malformed value, naming the
 * variable, so that a worker misconfiguration shows up at start rather than as silent chat.
 */
export function defaultNotifyConfig(env: NodeJS.ProcessEnv): NotifyConfig {
  const raw = env.GATESHIFT_NOTIFY_DEFAULT_TARGETS?.trim();
  const rawEvents = env.GATESHIFT_NOTIFY_DEFAULT_EVENTS?.trim();
  const targets = raw
    ? raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry, index) => {
          // Never quoted back: a misplaced URL here would carry its token into the worker's log.
          if (looksLikeWebhookUrl(entry)) {
            throw new Error(
              `GATESHIFT_NOTIFY_DEFAULT_TARGETS: entry ${index + 1} looks like a webhook URL; give NAME:FORMAT ` +
                '(e.g. ops:dingtalk) and put the URL in GATESHIFT_WEBHOOK_<NAME>',
            );
          }
          const [name, format = 'json', ...rest] = entry.split(':');
          if (rest.length > 0)
            throw new Error(`GATESHIFT_NOTIFY_DEFAULT_TARGETS: entry ${index + 1} is not NAME:FORMAT`);
          return { name, format };
        })
    : [];
  const candidate = {
    targets,
    ...(rawEvents ? { events: rawEvents.split(',').map((event) => event.trim()) } : {}),
  };
  const parsed = notifySchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.includes('events') && !issue.path.includes('targets') ? 'EVENTS' : 'TARGETS';
    throw new Error(`GATESHIFT_NOTIFY_DEFAULT_${where}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

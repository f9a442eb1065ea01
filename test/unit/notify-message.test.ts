// Notifications, the pure half: the input section refuses URLs and credentials, the defaults parse,
// and each event's message says what happened and, for approvals, exactly how to act.
import { describe, expect, it } from 'vitest';
import { dingtalkPayload, jsonPayload, slackPayload } from '../../activities/notify/payloads.js';
import {
  buildNotifyMessage,
  defaultNotifyConfig,
  messageMarkdown,
  messageText,
  NOTIFY_EVENTS,
  type NotifyEvent,
  notifySchema,
  targetsFor,
  webhookEnvVar,
} from '../../src/notify/index.js';

const base: NotifyEvent = {
  event: 'waiting-approval',
  migrationId: 'bookinfo-to-asm',
  title: 'bookinfo ingress to ASM',
  stepOrPhaseLabel: 'phase 2 (50/50)',
  waitingFor: 'phase 2 (50/50), soak 2h',
  weights: { source: 90, target: 10 },
  namespace: 'default',
  webUiUrl: 'http://localhost:8080/',
  at: '2026-11-30T01:00:00.000Z',
};

function problems(input: unknown): string[] {
  const result = notifySchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('the notify input section', () => {
  it('takes named targets with a format and optional events', () => {
    const parsed = notifySchema.parse({
      targets: [
        { name: 'ops', format: 'dingtalk' },
        { name: 'sre-pager', format: 'json', events: ['breach', 'rollback', 'failed'] },
      ],
      events: ['waiting-approval', 'breach', 'rollback', 'failed'],
    });
    expect(targetsFor(parsed, 'waiting-approval').map((t) => t.name)).toEqual(['ops']);
    expect(targetsFor(parsed, 'rollback').map((t) => t.name)).toEqual(['ops', 'sre-pager']);
    expect(targetsFor(parsed, 'completed')).toEqual([]);
    expect(webhookEnvVar('sre-pager')).toBe('GATESHIFT_WEBHOOK_SRE_PAGER');
  });

  it('refuses a webhook URL in place of a name, saying where it belongs', () => {
    const [problem] = problems({
      targets: [{ name: 'https://oapi.dingtalk.com/robot/send?access_token=abc123', format: 'dingtalk' }],
    });
    expect(problem).toMatch(/^targets\.0\.name: looks like a webhook URL/);
    expect(problem).toContain('GATESHIFT_WEBHOOK_<NAME>');
    expect(problem).not.toContain('abc123');
  });

  it('refuses url, token and secret fields, and names other unknown fields', () => {
    expect(problems({ targets: [{ name: 'ops', format: 'slack', url: 'x' }] })[0]).toMatch(
      /"url" is not allowed: the input holds no webhook URLs, tokens or secrets/,
    );
    expect(problems({ targets: [{ name: 'ops', format: 'dingtalk', secret: 'SEC1' }] })[0]).toMatch(
      /"secret" is not allowed/,
    );
    expect(problems({ targets: [], colour: 'red' })[0]).toMatch(/unknown notify field "colour"/);
  });

  it('refuses bad names, formats, unknown or repeated events, and two names on one variable', () => {
    expect(problems({ targets: [{ name: 'Ops', format: 'json' }] })[0]).toMatch(/must be a target name/);
    expect(problems({ targets: [{ name: 'ops', format: 'teams' }] })[0]).toMatch(/^targets\.0\.format/);
    expect(problems({ targets: [], events: ['breach', 'breach'] })[0]).toMatch(/lists an event twice/);
    expect(problems({ targets: [], events: ['paused'] })[0]).toMatch(/^events\.0/);
    expect(
      problems({
        targets: [
          { name: 'ops-cn', format: 'json' },
          { name: 'ops_cn', format: 'json' },
        ],
      }),
    ).toEqual(['targets.1.name: target "ops_cn" uses GATESHIFT_WEBHOOK_OPS_CN, like targets[0]']);
  });

  it('reads the worker defaults from the environment, and refuses a URL there without echoing it', () => {
    expect(defaultNotifyConfig({})).toEqual({ targets: [] });
    expect(
      defaultNotifyConfig({
        GATESHIFT_NOTIFY_DEFAULT_TARGETS: 'ops:dingtalk, team:slack,audit',
        GATESHIFT_NOTIFY_DEFAULT_EVENTS: 'breach,rollback',
      }),
    ).toEqual({
      targets: [
        { name: 'ops', format: 'dingtalk' },
        { name: 'team', format: 'slack' },
        { name: 'audit', format: 'json' },
      ],
      events: ['breach', 'rollback'],
    });
    const leak = 'https://oapi.dingtalk.com/robot/send?access_token=tok123';
    expect(() => defaultNotifyConfig({ GATESHIFT_NOTIFY_DEFAULT_TARGETS: leak })).toThrow(
      /GATESHIFT_NOTIFY_DEFAULT_TARGETS: entry 1 looks like a webhook URL/,
    );
    expect(() => defaultNotifyConfig({ GATESHIFT_NOTIFY_DEFAULT_TARGETS: leak })).not.toThrow(/tok123/);
    expect(() => defaultNotifyConfig({ GATESHIFT_NOTIFY_DEFAULT_TARGETS: 'ops:teams' })).toThrow(
      /GATESHIFT_NOTIFY_DEFAULT_TARGETS: targets\.0\.format/,
    );
  });
});

describe('notification messages', () => {
  it('gives the exact approve commands and the Web UI link while waiting for approval', () => {
    const message = buildNotifyMessage(base);
    expect(message.title).toBe('gateshift: bookinfo-to-asm waits for approval');
    expect(message.headline).toBe(
      'Migration bookinfo ingress to ASM (bookinfo-to-asm) waits for a human to approve phase 2 (50/50), soak 2h.',
    );
    expect(message.commands).toEqual({
      gateshift: 'gateshift approve bookinfo-to-asm',
      npm: 'npm run gateshift -- approve bookinfo-to-asm',
      temporal: `temporal workflow signal --workflow-id bookinfo-to-asm --name approve --input '{"by":"<you>"}'`,
    });
    expect(message.link).toBe('http://localhost:8080/namespaces/default/workflows/bookinfo-to-asm');
    const markdown = messageMarkdown(message);
    expect(markdown).toContain('`gateshift approve bookinfo-to-asm`');
    expect(markdown).toContain(
      '[Open in the Temporal Web UI](http://localhost:8080/namespaces/default/workflows/bookinfo-to-asm)',
    );
    expect(markdown).toContain('- **weights**: source 90 / target 10');
  });

  it('quotes ids for the shell and names a non-default namespace', () => {
    const message = buildNotifyMessage({ ...base, migrationId: "it's odd", namespace: 'prod.a1b2c' });
    expect(message.commands?.gateshift).toBe(`gateshift approve 'it'\\''s odd'`);
    expect(message.commands?.temporal).toBe(
      `temporal workflow signal --namespace prod.a1b2c --workflow-id 'it'\\''s odd' --name approve --input '{"by":"<you>"}'`,
    );
    expect(message.link).toBe("http://localhost:8080/namespaces/prod.a1b2c/workflows/it's%20odd");
  });

  it('says what happened for every other event, with commands only for approvals', () => {
    const texts = Object.fromEntries(
      NOTIFY_EVENTS.map((event) => {
        const message = buildNotifyMessage({
          ...base,
          event,
          reason: event === 'failed' ? 'CLB lb-1 did not follow in 5m' : 'target 5xx ratio 0.3 > 0.01',
          by: event === 'rollback' ? 'alice' : undefined,
          checks:
            event === 'breach'
              ? [
                  { name: 'error-ratio', value: 0.3, threshold: 0.01, pass: false },
                  { name: 'p99-latency', threshold: 1000, pass: true },
                ]
              : undefined,
        });
        return [event, { message, text: messageText(message) }];
      }),
    );
    expect(texts.breach?.message.headline).toContain('the analysis breached: target 5xx ratio 0.3 > 0.01');
    expect(texts.breach?.text).toContain('check error-ratio: 0.3 (threshold 0.01) FAIL');
    expect(texts.breach?.text).toContain('check p99-latency: no data (threshold 1000) pass');
    expect(texts.rollback?.message.headline).toContain('rolled back to the source');
    expect(texts.rollback?.text).toContain('by: alice');
    expect(texts.completed?.message.headline).toContain('completed: the target carries the traffic');
    expect(texts.failed?.message.headline).toContain('failed: CLB lb-1 did not follow in 5m');
    for (const event of NOTIFY_EVENTS.filter((e) => e !== 'waiting-approval')) {
      expect(texts[event]?.message.commands).toBeUndefined();
      expect(texts[event]?.text).toContain(
        'Web UI: http://localhost:8080/namespaces/default/workflows/bookinfo-to-asm',
      );
    }
  });
});

describe('webhook payloads', () => {
  const message = buildNotifyMessage(base);

  it('DingTalk: a markdown message with a title', () => {
    expect(dingtalkPayload(message)).toEqual({
      msgtype: 'markdown',
      markdown: { title: message.title, text: messageMarkdown(message) },
    });
  });

  it('DingTalk: a huge reason is cut below the 20,000-byte limit', () => {
    const long = buildNotifyMessage({ ...base, event: 'failed', reason: '失败'.repeat(10_000) });
    const payload = dingtalkPayload(long) as { markdown: { text: string } };
    expect(Buffer.byteLength(payload.markdown.text)).toBeLessThanOrEqual(19_000);
    expect(payload.markdown.text.endsWith('…')).toBe(true);
  });

  it("Slack: fallback text and blocks in Slack's mrkdwn, escaped", () => {
    const payload = slackPayload(buildNotifyMessage({ ...base, title: 'a <b> & c' })) as {
      text: string;
      blocks: Array<{ type: string; text: { text: string } }>;
    };
    expect(payload.text).toBe(
      'gateshift: bookinfo-to-asm waits for approval: Migration a <b> & c (bookinfo-to-asm) waits for a human to approve phase 2 (50/50), soak 2h.',
    );
    expect(payload.blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'section']);
    expect(payload.blocks[1]?.text.text).toContain('Migration a &lt;b&gt; &amp; c');
    expect(payload.blocks[2]?.text.text).toContain('`gateshift approve bookinfo-to-asm`');
    expect(payload.blocks[3]?.text.text).toBe(
      '<http://localhost:8080/namespaces/default/workflows/bookinfo-to-asm|Open in the Temporal Web UI>',
    );
  });

  it('generic JSON: the event, the idempotency key and the message', () => {
    const payload = jsonPayload(message, base, 'bookinfo-to-asm/waiting-approval/3') as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'gateshift.notification',
      version: 1,
      idempotencyKey: 'bookinfo-to-asm/waiting-approval/3',
      event: 'waiting-approval',
      migrationId: 'bookinfo-to-asm',
      commands: message.commands,
      details: base,
    });
    expect(payload.text).toBe(messageText(message));
  });
});

// The migration input: one zod schema is the source of truth for validation, defaults, the TypeScript
// types and the committed JSON Schema (schema/migration-input.schema.json). The `traffic` object is the
// driver's own fragment (src/plan/drivers/); checks that relate several fields live in plan.ts and in
// each driver.
import { z } from 'zod';
import { notifySchema } from '../notify/schema.js';
import { unknownPlaceholders } from './checks.js';
import { trafficFragments } from './drivers/index.js';
import { duration, promDuration, SECOND, weight } from './schema-parts.js';

export const approvalModeSchema = z.enum(['manual', 'auto']);

export const phaseSchema = z.strictObject({
  name: z.string().min(1).max(63).optional().describe('shown in status and the Web UI; default: "<source>/<target>"'),
  sourceWeight: weight.describe('weight annotation of the source Service, 0..100'),
  targetWeight: weight.describe('weight annotation of the target Service, 0..100'),
  soak: duration('how long the phase holds with analysis running before the next step').default('0s'),
  approval: approvalModeSchema.optional().describe('overrides approval.mode for the step into this phase'),
});

export const comparisonSchema = z.enum(['<', '<=', '>', '>=']);

export const checkSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes')
    .describe('unique among the checks, default checks included'),
  query: z
    .string()
    .min(1)
    .refine((query) => unknownPlaceholders(query).length === 0, {
      error: (issue) => `unknown placeholder ${unknownPlaceholders(String(issue.input)).join(', ')}`,
    })
    .describe(
      'PromQL; {{workload}}, {{namespace}}, {{sourceWorkload}}, {{sourceNamespace}}, {{window}} are substituted',
    ),
  pass: comparisonSchema.describe('the sample passes when `value <pass> threshold`'),
  threshold: z.number(),
});

export const analysisSchema = z.strictObject({
  prometheusUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL', abort: true })
    .superRefine((url, ctx) => {
      const parsed = new URL(url);
      if (parsed.username || parsed.password)
        ctx.addIssue({ code: 'custom', message: 'must not carry a user or password: the input holds no credentials' });
      if (parsed.search) ctx.addIssue({ code: 'custom', message: 'must not carry a query string: give the base URL' });
    })
    .optional()
    .describe("Prometheus HTTP API base URL; default: the worker's PROMETHEUS_URL"),
  interval: duration('time between two evaluations', SECOND).default('30s'),
  window: promDuration.default('2m').describe('range of rate() windows in the default checks (PromQL duration)'),
  consecutiveFailures: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe('failed evaluations in a row that make a breach'),
  onBreach: z.enum(['rollback', 'pause']).default('rollback').describe('what a breach does to the migration'),
  defaultChecks: z
    .boolean()
    .default(true)
    .describe("target 5xx ratio, p99 latency and request rate on Istio's metrics"),
  maxErrorRatio: z.number().min(0).max(1).default(0.01).describe('default check: highest 5xx ratio, 0..1'),
  maxErrorRatioAboveSource: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("default check, only when set: how far the target's 5xx ratio may exceed the source's, 0..1"),
  maxP99LatencyMs: z.number().positive().default(1000).describe('default check: highest p99 latency in ms'),
  maxP99LatencyAboveSourceMs: z
    .number()
    .positive()
    .optional()
    .describe(
      "default check, when set (and always for the virtualservice driver, default maxP99LatencyMs): how far the target's p99 latency may exceed the source's, in ms",
    ),
  minRequestRate: z
    .number()
    .min(0)
    .default(0)
    .describe('default check: lowest request rate per second (0: any traffic at all)'),
  checks: z.array(checkSchema).default([]).describe('Prometheus checks in addition to (or instead of) the defaults'),
  minDataCoverage: z
    .number()
    .min(0)
    .max(1)
    .default(0.8)
    .describe(
      'share of a soak (0..1) that evaluations with data for every check must cover for the soak to pass; less is no-data and a human decides',
    ),
});

export const routeSchema = z.strictObject({
  host: z
    .string()
    .max(253)
    .regex(
      /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/,
      'must be a host name such as "bookinfo.example.com"',
    )
    .describe('Host header of the request'),
  path: z
    .string()
    .regex(/^\/\S*$/, 'must start with "/" and contain no spaces')
    .default('/')
    .describe('request path'),
  port: z.number().int().min(1).max(65535).default(80).describe('container (target) port of the gateway pods'),
  scheme: z.enum(['http', 'https']).default('http'),
  expectStatus: z
    .array(z.number().int().min(100).max(599))
    .min(1)
    .default([200])
    .describe('HTTP statuses that count as a correct answer'),
});

export const DEFAULT_PHASES = [
  { name: 'initial', sourceWeight: 100, targetWeight: 0, soak: '0s' },
  { name: 'canary', sourceWeight: 90, targetWeight: 10, soak: '1h' },
  { name: 'half', sourceWeight: 50, targetWeight: 50, soak: '2h' },
  { name: 'majority', sourceWeight: 10, targetWeight: 90, soak: '1h' },
  { name: 'final', sourceWeight: 0, targetWeight: 100, soak: '1h' },
];

export const migrationInputSchema = z
  .strictObject({
    title: z.string().max(200).optional().describe('shown in the Temporal Web UI'),
    traffic: z
      .discriminatedUnion('kind', trafficFragments())
      .describe('what moves and how: `kind` names the driver, the rest is its own'),
    phases: z
      .array(phaseSchema)
      .min(1, 'must have at least one phase')
      .default(DEFAULT_PHASES)
      .describe('weights in order; the target weight never falls and the source weight never rises'),
    approval: z
      .strictObject({
        mode: approvalModeSchema
          .default('manual')
          .describe(
            'manual: a human approves every step that sends more traffic to the target; auto: a passing soak advances',
          ),
      })
      .default({ mode: 'manual' }),
    analysis: analysisSchema.default(() => analysisSchema.parse({})).describe('metrics watched during every soak'),
    routes: z
      .array(routeSchema)
      .default([])
      .describe('HTTP requests sent straight to the gateway pods to check that they answer correctly'),
    verifyTimeout: duration('how long the data plane may take to show the new weights', SECOND).default('5m'),
    notify: notifySchema.optional(),
  })
  .describe('gateshift migration input');

export type RouteProbe = z.output<typeof routeSchema>;
export type MigrationInput = z.input<typeof migrationInputSchema>;
export type ParsedInput = z.output<typeof migrationInputSchema>;

// The migration input: one zod schema is the source of truth for validation, defaults, the TypeScript
// types and the committed JSON Schema (schema/migration-input.schema.json).
import { z } from 'zod';
import { parseDuration } from './duration.js';

const duration = (description: string) =>
  z
    .string()
    .describe(`${description} (e.g. "30s", "15m", "1h", "1h30m")`)
    .refine((value) => parseDuration(value) !== undefined, {
      message: 'is not a duration such as "30s", "15m" or "1h30m"',
    });

const weight = z.number().int().min(0).max(100);
const name = z.string().min(1).max(253);
const labelSelector = z
  .record(z.string().min(1), z.string())
  .refine((selector) => Object.keys(selector).length > 0, { message: 'must name at least one label' })
  .describe('pod label selector of the gateway, e.g. {"istio": "ingressgateway"}');

export const gatewaySchema = z
  .strictObject({
    namespace: name.describe('namespace of the gateway Service and pods'),
    service: name.describe('name of the gateway Service that carries the CLB annotations'),
    selector: labelSelector,
    workload: name.optional().describe('workload name in Istio metrics (source_workload); default: the Service name'),
    kubeContext: z
      .string()
      .min(1)
      .optional()
      .describe("kubeconfig context of the cluster; default: the worker's current context"),
  })
  .describe('a gateway: its Service, its pods, and where it runs');

export const vServerGroupSchema = z.strictObject({
  id: z.string().regex(/^rsp-[a-z0-9-]+$/i, 'must be a vServer group id such as "rsp-bp1r4xk8a"'),
  port: z.number().int().min(1).max(65535).describe('Service port this group serves (the vgroup-port annotation)'),
  listenerPort: z.number().int().min(1).max(65535).optional().describe('CLB listener port; default: the Service port'),
});

export const loadBalancerSchema = z
  .strictObject({
    id: z.string().regex(/^lb-[a-z0-9-]+$/i, 'must be a CLB instance id such as "lb-bp1onpskfeceg"'),
    region: z.string().regex(/^[a-z]{2,3}-[a-z0-9-]+$/, 'must be a region id such as "cn-hangzhou"'),
    vServerGroups: z.array(vServerGroupSchema).min(1, 'must list every vServer group of the CLB'),
    sourceService: name.optional().describe('source Service for this CLB; default: source.service'),
    targetService: name.optional().describe('target Service for this CLB; default: target.service'),
  })
  .describe('a CLB shared by both gateways; several CLBs move in lockstep');

export const approvalModeSchema = z.enum(['manual', 'auto']);

export const phaseSchema = z.strictObject({
  name: z.string().min(1).max(63).optional(),
  sourceWeight: weight.describe('weight annotation of the source Service, 0..100'),
  targetWeight: weight.describe('weight annotation of the target Service, 0..100'),
  soak: duration('how long the phase holds with analysis running before the next step').default('0s'),
  approval: approvalModeSchema.optional().describe('overrides approval.mode for the step into this phase'),
});

export const comparisonSchema = z.enum(['<', '<=', '>', '>=']);

export const checkSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  query: z
    .string()
    .min(1)
    .describe(
      'PromQL; {{workload}}, {{namespace}}, {{sourceWorkload}}, {{sourceNamespace}}, {{window}} are substituted',
    ),
  pass: comparisonSchema.describe('the sample passes when `value <pass> threshold`'),
  threshold: z.number().finite(),
});

export const analysisSchema = z.strictObject({
  prometheusUrl: z.url().optional().describe("Prometheus HTTP API base URL; default: the worker's PROMETHEUS_URL"),
  interval: duration('time between two evaluations').default('30s'),
  window: duration('range of rate() windows in the default checks').default('2m'),
  consecutiveFailures: z.number().int().min(1).max(100).default(3),
  onBreach: z.enum(['rollback', 'pause']).default('rollback'),
  defaultChecks: z
    .boolean()
    .default(true)
    .describe("target 5xx ratio, p99 latency and request rate on Istio's metrics"),
  maxErrorRatio: z.number().min(0).max(1).default(0.01),
  maxP99LatencyMs: z.number().positive().default(1000),
  minRequestRate: z.number().min(0).default(0),
  checks: z.array(checkSchema).default([]),
});

export const routeSchema = z.strictObject({
  host: z.string().min(1).describe('Host header of the request'),
  path: z.string().startsWith('/', 'must start with "/"').default('/'),
  port: z.number().int().min(1).max(65535).default(80).describe('container (target) port of the gateway pods'),
  scheme: z.enum(['http', 'https']).default('http'),
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
});

export const migrationInputSchema = z
  .strictObject({
    title: z.string().max(200).optional().describe('shown in the Temporal Web UI'),
    driver: z.enum(['clb-annotation']).default('clb-annotation'),
    source: gatewaySchema,
    target: gatewaySchema,
    loadBalancers: z.array(loadBalancerSchema).min(1, 'must name at least one CLB'),
    phases: z
      .array(phaseSchema)
      .min(1)
      .default([
        { name: 'initial', sourceWeight: 100, targetWeight: 0, soak: '0s' },
        { name: 'canary', sourceWeight: 90, targetWeight: 10, soak: '1h' },
        { name: 'half', sourceWeight: 50, targetWeight: 50, soak: '2h' },
        { name: 'majority', sourceWeight: 10, targetWeight: 90, soak: '1h' },
        { name: 'final', sourceWeight: 0, targetWeight: 100, soak: '1h' },
      ]),
    approval: z.strictObject({ mode: approvalModeSchema.default('manual') }).default({ mode: 'manual' }),
    analysis: analysisSchema.default(() => analysisSchema.parse({})),
    routes: z.array(routeSchema).default([]),
    verifyTimeout: duration('how long the CLB may take to show the new weights').default('5m'),
  })
  .describe('gateshift migration input');

export type MigrationInput = z.input<typeof migrationInputSchema>;
export type ParsedInput = z.output<typeof migrationInputSchema>;

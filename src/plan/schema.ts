// The migration input: one zod schema is the source of truth for validation, defaults, the TypeScript
// types and the committed JSON Schema (schema/migration-input.schema.json). Checks that relate several
// fields (duplicates, phase order) live in plan.ts.
import { z } from 'zod';
import { unknownPlaceholders } from './checks.js';
import { formatDuration, parseDuration } from './duration.js';

const SECOND = 1000;
// Far beyond any sensible soak or timeout: a typo such as "1000000h" is refused here instead of
// becoming a timer that holds the migration (and its CLB leases) for a century.
export const MAX_DURATION_MS = 30 * 24 * 3_600_000;

/** Names that only credentials carry; the input holds references, the worker holds the secrets. */
export function looksLikeCredential(name: string): boolean {
  return /secret|passw(or)?d|token|credential|access[-_]?key|api[-_]?key|private[-_]?key/i.test(name);
}

const duration = (description: string, minMs = 0) =>
  z
    .string()
    .describe(`${description} (e.g. "30s", "15m", "1h", "1h30m")`)
    .superRefine((value, ctx) => {
      const parsed = parseDuration(value);
      if (parsed === undefined)
        ctx.addIssue({ code: 'custom', message: 'is not a duration such as "30s", "15m" or "1h30m"' });
      else if (parsed < minMs) ctx.addIssue({ code: 'custom', message: `must be at least ${formatDuration(minMs)}` });
      else if (parsed > MAX_DURATION_MS) ctx.addIssue({ code: 'custom', message: 'must be at most 30 days' });
    });

// The window is pasted into PromQL range selectors, so it must be PromQL's own duration syntax.
const promDuration = z
  .string()
  .regex(/^(\d+(ms|[smhdwy]))+$/, { message: 'must be a Prometheus duration such as "2m" or "1h30m"', abort: true })
  .refine((value) => !/^(0+(ms|[smhdwy]))+$/.test(value), 'must be longer than 0s');

const weight = z.number().int().min(0).max(100);

// Kubernetes object names: a namespace is a DNS-1123 label, a Service name a DNS-1035 label.
const dns1123Label = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes name: lower-case letters, digits and "-"');
const serviceName = z
  .string()
  .max(63)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a Service name: a lower-case letter, then letters, digits and "-"');
const dns1123Subdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes name: lower-case letters, digits, "-" and "."');

// Label syntax as Kubernetes checks it: an optional DNS prefix and "/", then a name of at most 63
// characters; values are empty or at most 63 characters of the same alphabet.
const LABEL_NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const labelKey = z
  .string()
  .regex(new RegExp(`^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?${LABEL_NAME}$`), {
    message: 'must be a Kubernetes label key such as "istio" or "app.kubernetes.io/name"',
    abort: true,
  })
  .refine((key) => !looksLikeCredential(key), 'looks like a credential: the input holds no credentials');
const labelValue = z
  .string()
  .regex(new RegExp(`^(${LABEL_NAME})?$`), {
    message: 'must be a Kubernetes label value: at most 63 letters, digits, "-", "_", "."',
    abort: true,
  })
  // An Alibaba Cloud AccessKey ID has this shape; it has no business in a pod selector.
  .refine(
    (value) => !/^LTAI[A-Za-z0-9]{8,}$/.test(value),
    'looks like an AccessKey ID: the input holds no credentials',
  );
const labelSelector = z
  .record(labelKey, labelValue)
  .refine((selector) => Object.keys(selector).length > 0, { message: 'must name at least one label' })
  .describe('pod label selector of the gateway, e.g. {"istio": "ingressgateway"}');

export const gatewaySchema = z
  .strictObject({
    namespace: dns1123Label.describe('namespace of the gateway Service and pods'),
    service: serviceName.describe('name of the gateway Service that carries the CLB annotations'),
    selector: labelSelector,
    workload: dns1123Subdomain
      .optional()
      .describe('workload name in Istio metrics (source_workload); default: the Service name'),
    kubeContext: z
      .string()
      .max(253)
      .regex(/^[\x21-\x7e]+$/, 'must be a kubeconfig context name (printable, no spaces)')
      .optional()
      .describe("kubeconfig context of the cluster; default: the worker's current context"),
  })
  .describe('a gateway: its Service, its pods, and where it runs');

// Alibaba Cloud ids are lower case; accepting another case would let one CLB pass for two (the
// migration lease is keyed by the id).
const cloudId = (prefix: string, example: string, what: string) =>
  z
    .string()
    .refine((id) => new RegExp(`^${prefix}-[a-z0-9-]+$`, 'i').test(id), {
      message: `must be a ${what} id such as "${example}"`,
      abort: true,
    })
    .regex(new RegExp(`^${prefix}-[a-z0-9-]+$`), `must be lower case, as Alibaba Cloud writes ${what} ids`);

export const vServerGroupSchema = z.strictObject({
  id: cloudId('rsp', 'rsp-bp1r4xk8a', 'vServer group').describe('vServer group id'),
  port: z.number().int().min(1).max(65535).describe('Service port this group serves (the vgroup-port annotation)'),
  listenerPort: z.number().int().min(1).max(65535).optional().describe('CLB listener port; default: the Service port'),
});

export const loadBalancerSchema = z
  .strictObject({
    id: cloudId('lb', 'lb-bp1onpskfeceg', 'CLB instance').describe('CLB instance id'),
    region: z
      .string()
      .regex(/^[a-z]{2,3}-[a-z0-9-]+$/, 'must be a region id such as "cn-hangzhou"')
      .describe('region of the CLB, e.g. "cn-hangzhou"'),
    vServerGroups: z
      .array(vServerGroupSchema)
      .min(1, 'must list every vServer group of the CLB')
      .describe('every vServer group of every listener; both gateways become backends of each'),
    sourceService: serviceName.optional().describe('source Service for this CLB; default: source.service'),
    targetService: serviceName.optional().describe('target Service for this CLB; default: target.service'),
  })
  .describe('a CLB shared by both gateways; several CLBs move in lockstep');

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
  minRequestRate: z
    .number()
    .min(0)
    .default(0)
    .describe('default check: lowest request rate per second (0: any traffic at all)'),
  checks: z.array(checkSchema).default([]).describe('Prometheus checks in addition to (or instead of) the defaults'),
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

export const migrationInputSchema = z
  .strictObject({
    title: z.string().max(200).optional().describe('shown in the Temporal Web UI'),
    driver: z
      .enum(['clb-annotation'])
      .default('clb-annotation')
      .describe('how weights are shifted: the CLB weight annotations of the two Services'),
    source: gatewaySchema.describe('the gateway traffic leaves (e.g. the Istio ingress gateway)'),
    target: gatewaySchema.describe('the gateway traffic moves to (e.g. the ASM ingress gateway)'),
    loadBalancers: z
      .array(loadBalancerSchema)
      .min(1, 'must name at least one CLB')
      .describe('the CLBs shared by both gateways'),
    phases: z
      .array(phaseSchema)
      .min(1, 'must have at least one phase')
      .default([
        { name: 'initial', sourceWeight: 100, targetWeight: 0, soak: '0s' },
        { name: 'canary', sourceWeight: 90, targetWeight: 10, soak: '1h' },
        { name: 'half', sourceWeight: 50, targetWeight: 50, soak: '2h' },
        { name: 'majority', sourceWeight: 10, targetWeight: 90, soak: '1h' },
        { name: 'final', sourceWeight: 0, targetWeight: 100, soak: '1h' },
      ])
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
    gatewayNamespaces: z
      .array(dns1123Label)
      .min(1)
      .optional()
      .describe(
        'namespaces of the Gateway, VirtualService and DestinationRule resources the pre-flight checks on the ASM control plane; default: the source namespace',
      ),
    verifyTimeout: duration('how long the CLB may take to show the new weights', SECOND).default('5m'),
  })
  .describe('gateshift migration input');

export type MigrationInput = z.input<typeof migrationInputSchema>;
export type ParsedInput = z.output<typeof migrationInputSchema>;

// The pieces of the input schema that the common part and the drivers' fragments share: durations,
// weights, Kubernetes names and labels, cloud ids, gateways.
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';

export const SECOND = 1000;
// Far beyond any sensible soak or timeout: a typo such as "1000000h" is refused here instead of
// becoming a timer that holds the migration (and its CLB leases) for a century.
export const MAX_DURATION_MS = 30 * 24 * 3_600_000;

/** Names that only credentials carry; the input holds references, the worker holds the secrets. */
export function looksLikeCredential(name: string): boolean {
  return /secret|passw(or)?d|token|credential|access[-_]?key|api[-_]?key|private[-_]?key/i.test(name);
}

export const duration = (description: string, minMs = 0) =>
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
export const promDuration = z
  .string()
  .regex(/^(\d+(ms|[smhdwy]))+$/, { message: 'must be a Prometheus duration such as "2m" or "1h30m"', abort: true })
  .refine((value) => !/^(0+(ms|[smhdwy]))+$/.test(value), 'must be longer than 0s');

export const weight = z.number().int().min(0).max(100);

// Kubernetes object names: a namespace is a DNS-1123 label, a Service name a DNS-1035 label.
export const dns1123Label = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes name: lower-case letters, digits and "-"');
export const serviceName = z
  .string()
  .max(63)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a Service name: a lower-case letter, then letters, digits and "-"');
export const dns1123Subdomain = z
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
export const labelSelector = z
  .record(labelKey, labelValue)
  .refine((selector) => Object.keys(selector).length > 0, { message: 'must name at least one label' })
  .describe('pod label selector of the gateway, e.g. {"istio": "ingressgateway"}');

export const kubeContext = z
  .string()
  .max(253)
  .regex(/^[\x21-\x7e]+$/, 'must be a kubeconfig context name (printable, no spaces)');

/** A gateway as the activities see it: its Service, its pods, its Istio workload name, its cluster. */
export interface GatewayRef {
  namespace: string;
  service: string;
  selector: Record<string, string>;
  workload: string;
  kubeContext?: string;
}

export const gatewaySchema = z
  .strictObject({
    namespace: dns1123Label.describe('namespace of the gateway Service and pods'),
    service: serviceName.describe('name of the gateway Service that carries the CLB annotations'),
    selector: labelSelector,
    workload: dns1123Subdomain
      .optional()
      .describe('workload name in Istio metrics (source_workload); default: the Service name'),
    kubeContext: kubeContext
      .optional()
      .describe("kubeconfig context of the cluster; default: the worker's current context"),
  })
  .describe('a gateway: its Service, its pods, and where it runs');

// Alibaba Cloud ids are lower case; accepting another case would let one CLB pass for two (the
// migration lease is keyed by the id).
export const cloudId = (prefix: string, example: string, what: string) =>
  z
    .string()
    .refine((id) => new RegExp(`^${prefix}-[a-z0-9-]+$`, 'i').test(id), {
      message: `must be a ${what} id such as "${example}"`,
      abort: true,
    })
    .regex(new RegExp(`^${prefix}-[a-z0-9-]+$`), `must be lower case, as Alibaba Cloud writes ${what} ids`);

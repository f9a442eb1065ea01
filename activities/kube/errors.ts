// Failed Kubernetes calls as Temporal ApplicationFailures the workflow can classify by type. The
// retryable ones (conflict, throttling, outage) are retried here first; the others name what to fix.
import { AbortError, ApiException, FetchError } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import type { KubeResource } from './resources.js';

export type KubeErrorType =
  /** The object, or the namespace it should live in, does not exist. */
  | 'KubeNotFound'
  /** The worker's RBAC lacks the verb on the resource. */
  | 'KubeForbidden'
  /** The API server refused the worker's credentials. */
  | 'KubeUnauthorized'
  /** Any other request the API server refuses as invalid (400, 422, ...). */
  | 'KubeRejected'
  /** 409: the object changed between our read and our write, on every attempt. */
  | 'KubeConflict'
  /** 429 on every attempt. */
  | 'KubeThrottled'
  /** 5xx, timeouts, refused or reset connections on every attempt. */
  | 'KubeUnavailable'
  /** No kubeconfig, no context of the given name, or a cluster that cannot be reached as configured (TLS). */
  | 'KubeConfigInvalid'
  /** The API server stored other values than written (a mutating webhook). */
  | 'KubeWriteNotConfirmed'
  /** A request no call was made for: a weight outside 0..100, an empty pod selector. */
  | 'KubeInvalidRequest'
  /** The Istio gateway Service lacks the CLB annotations the ASM gateway copies (step 1 not done). */
  | 'ClbAnnotationsMissing';

const RETRYABLE = new Set<string>(['KubeConflict', 'KubeThrottled', 'KubeUnavailable']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

export interface KubeCall {
  /** The RBAC verb the call needs. */
  verb: 'get' | 'list' | 'patch' | 'create' | 'delete';
  resource: KubeResource;
  namespace: string;
  name?: string;
  context?: string;
}

export interface KubeErrorDetails {
  verb: string;
  resource: string;
  group: string;
  namespace: string;
  name?: string;
  context?: string;
  status?: number;
  retryAfterMs?: number;
}

/** `patch Service istio-system/istio-ingressgateway (context asm)` */
export function describeCall(call: KubeCall): string {
  const target = call.name
    ? `${call.resource.kind} ${call.namespace}/${call.name}`
    : `${call.resource.plural} in namespace ${call.namespace}`;
  return `${call.verb} ${target}${call.context ? ` (context ${call.context})` : ''}`;
}

function serverMessage(error: ApiException<unknown>): string {
  if (typeof error.body === 'string') {
    try {
      const status = JSON.parse(error.body) as { message?: unknown };
      if (typeof status.message === 'string') return status.message;
    } catch {
      return error.body.slice(0, 500);
    }
  }
  return `HTTP ${error.code}`;
}

/** Only conflicts, throttling and outages are retryable: they are retried here, then by Temporal. */
export function kubeFailure(type: KubeErrorType, message: string, details?: KubeErrorDetails): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: !RETRYABLE.has(type),
    details: details ? [details] : undefined,
  });
}

function forbidden(call: KubeCall, said: string, details: KubeErrorDetails): ApplicationFailure {
  // The API server names exactly what was refused: `cannot create resource "gateways" in API group "…"`.
  const refused = /cannot (\S+) resource "([^"]+)" in API group "([^"]*)"/.exec(said);
  const verb = refused?.[1] ?? call.verb;
  const resource = refused?.[2] ?? call.resource.plural;
  const group = refused?.[3] ?? call.resource.group;
  return kubeFailure(
    'KubeForbidden',
    `${describeCall(call)}: forbidden: the worker's RBAC lacks verb "${verb}" on resource "${resource}" ` +
      `(apiGroup "${group}"); grant it in deploy/rbac.yaml (${said})`,
    { ...details, verb, resource, group },
  );
}

/** The typed failure for a call that failed; errors that are not about the API call pass through. */
export function toKubeError(error: unknown, call: KubeCall): unknown {
  if (error instanceof ApplicationFailure) return error;
  const details: KubeErrorDetails = {
    verb: call.verb,
    resource: call.resource.plural,
    group: call.resource.group,
    namespace: call.namespace,
    name: call.name,
    context: call.context,
  };
  const what = describeCall(call);
  if (error instanceof AbortError)
    return kubeFailure('KubeUnavailable', `${what}: the API server did not answer in time`, details);
  if (error instanceof FetchError) {
    // Anything else is about the configuration: an untrusted certificate, an unknown host name.
    const transient = NETWORK_CODES.has((error as { code?: string }).code ?? '');
    return transient
      ? kubeFailure('KubeUnavailable', `${what}: API server unreachable: ${error.message}`, details)
      : kubeFailure(
          'KubeConfigInvalid',
          `${what}: cannot connect to the API server as configured: ${error.message}`,
          details,
        );
  }
  if (!(error instanceof ApiException)) return error;
  const status = error.code;
  const said = serverMessage(error);
  const withStatus = { ...details, status };
  if (status === 404) return kubeFailure('KubeNotFound', `${what}: not found (${said})`, withStatus);
  if (status === 403) return forbidden(call, said, withStatus);
  if (status === 401)
    return kubeFailure('KubeUnauthorized', `${what}: the API server refused the worker's credentials`, withStatus);
  if (status === 409) return kubeFailure('KubeConflict', `${what}: conflict (${said})`, withStatus);
  if (status === 429) {
    const retryAfter = Number((error.headers as Record<string, string> | undefined)?.['retry-after']);
    const retryAfterMs = Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined;
    return kubeFailure('KubeThrottled', `${what}: throttled by the API server (${said})`, {
      ...withStatus,
      retryAfterMs,
    });
  }
  if (status >= 500) return kubeFailure('KubeUnavailable', `${what}: API server error ${status} (${said})`, withStatus);
  return kubeFailure('KubeRejected', `${what}: rejected with HTTP ${status} (${said})`, withStatus);
}

/** Whether a later attempt may succeed, and how long the server asked us to wait. */
export function retryAdvice(error: unknown): { transient: boolean; retryAfterMs?: number } {
  if (!(error instanceof ApplicationFailure) || !error.type || !RETRYABLE.has(error.type)) return { transient: false };
  const details = error.details?.[0] as KubeErrorDetails | undefined;
  return { transient: true, retryAfterMs: details?.retryAfterMs };
}

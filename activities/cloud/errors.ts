// What can go wrong calling an Alibaba Cloud RPC API (SLB, ASM), sorted into what a retry may fix and
// what it cannot. A CloudApiError is an ApplicationFailure, so an activity can let it through: Temporal
// keeps its type (e.g. `ClbNotFound`, `AsmForbidden`) and stops retrying the non-retryable ones.
import { ApplicationFailure } from '@temporalio/common';
import { openApi } from './sdk.js';

const { AlibabaCloudError, ThrottlingError } = openApi;
type AlibabaCloudError = InstanceType<typeof AlibabaCloudError>;

/** A product gateshift calls: how its errors are named and which RAM actions it needs. */
export interface CloudProduct {
  /** In messages: "SLB API", "ASM API". */
  name: string;
  /** Of the failure types: `Clb…`, `Asm…`. */
  prefix: 'Clb' | 'Asm';
  /** Of the RAM actions: `slb:…`, `servicemesh:…`. */
  ramPrefix: string;
  version: string;
}

export type CloudErrorKind =
  /** The resource does not exist in the region. */
  | 'NotFound'
  /** The worker's RAM identity lacks the action. */
  | 'Forbidden'
  /** The service refused the credentials: wrong secret, unknown AccessKey, clock skew. */
  | 'AuthFailed'
  /** Any other request the service refuses as invalid. */
  | 'RequestRejected'
  /** Throttled on every attempt. */
  | 'Throttled'
  /** 5xx, timeouts, connection failures on every attempt. */
  | 'Unavailable'
  /** The credential chain found no credentials, or could not fetch them (STS, metadata service). */
  | 'CredentialsUnavailable'
  /** A response that does not have the documented shape. */
  | 'BadResponse';

const NON_RETRYABLE = new Set<CloudErrorKind>(['NotFound', 'Forbidden', 'AuthFailed', 'RequestRejected']);

export interface CloudErrorInfo {
  action: string;
  /** What the call was about, e.g. `CLB lb-123`, `vServer group rsp-123`, `ASM instance c08…`. */
  resource: string;
  regionId: string;
  code?: string;
  statusCode?: number;
  requestId?: string;
  /** The RAM action to grant, for Forbidden. */
  ramAction?: string;
}

export class CloudApiError extends ApplicationFailure {
  constructor(
    message: string,
    readonly kind: CloudErrorKind,
    product: Pick<CloudProduct, 'prefix'>,
    readonly info: CloudErrorInfo,
  ) {
    super(message, `${product.prefix}${kind}`, NON_RETRYABLE.has(kind), [info]);
  }
}

/** Codes that a later attempt can succeed on, besides throttling and 5xx. */
const TRANSIENT_CODES = new Set([
  'LocationServiceTimeout',
  'ServiceUnavailable',
  'InternalError',
  'SignatureNonceUsed',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const AUTH_HINTS: Record<string, string> = {
  SignatureDoesNotMatch: 'the AccessKey secret does not match the AccessKey id',
  'InvalidAccessKeyId.NotFound': 'the AccessKey id is unknown to Alibaba Cloud',
  'InvalidAccessKeyId.Inactive': 'the AccessKey is disabled',
  'InvalidTimeStamp.Expired': "the worker's clock is more than 15 minutes off",
  'InvalidSecurityToken.Expired': 'the STS token has expired',
  'InvalidSecurityToken.MismatchWithAccessKey': 'the STS token does not belong to the AccessKey',
  'InvalidSecurityToken.Malformed': 'the STS token is malformed',
  IncompleteSignature: 'the request signature is incomplete',
};

/** How a failed attempt should be handled: retried (after at least `retryAfterMs`) or given up on. */
export function isTransient(error: unknown): { transient: boolean; retryAfterMs?: number } {
  if (error instanceof ThrottlingError) return { transient: true, retryAfterMs: error.retryAfter };
  if (error instanceof AlibabaCloudError)
    return { transient: (error.statusCode ?? 0) >= 500 || TRANSIENT_CODES.has(error.code) };
  const { name = '', code = '' } = error as { name?: string; code?: string };
  return { transient: name.includes('Timeout') || NETWORK_CODES.has(code) };
}

function isNotFound(error: AlibabaCloudError): boolean {
  if (error.code.startsWith('InvalidAccessKeyId')) return false;
  return error.statusCode === 404 || error.code.endsWith('.NotFound') || /does not exist/i.test(error.message);
}

function ramActionOf(error: AlibabaCloudError, action: string, product: CloudProduct): string {
  const detail = (error as { accessDeniedDetail?: { AuthAction?: unknown } }).accessDeniedDetail;
  return typeof detail?.AuthAction === 'string' ? detail.AuthAction : `${product.ramPrefix}:${action}`;
}

/** The error for a call that failed for good; `call` names what was asked, never with credentials. */
export function toCloudError(
  error: unknown,
  call: Omit<CloudErrorInfo, 'code' | 'statusCode' | 'requestId'>,
  product: CloudProduct,
): CloudApiError {
  if (error instanceof CloudApiError) return error;
  const fail = (message: string, kind: CloudErrorKind, info: CloudErrorInfo) =>
    new CloudApiError(message, kind, product, info);
  const where = `${call.resource} (${call.regionId})`;
  if (!(error instanceof AlibabaCloudError)) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(`${product.name} unreachable for ${call.action} on ${where}: ${message}`, 'Unavailable', call);
  }
  const info: CloudErrorInfo = { ...call, code: error.code, statusCode: error.statusCode, requestId: error.requestId };
  const suffix = `(${error.code}, request ${error.requestId ?? 'unknown'})`;
  if (error instanceof ThrottlingError)
    return fail(`${product.name} kept throttling ${call.action} on ${where} ${suffix}`, 'Throttled', info);
  if ((error.statusCode ?? 0) >= 500 || TRANSIENT_CODES.has(error.code))
    return fail(`${product.name} failed ${call.action} on ${where} ${suffix}`, 'Unavailable', info);
  if (error.code.startsWith('Forbidden') || error.code === 'NoPermission' || error.statusCode === 403) {
    const ramAction = ramActionOf(error, call.action, product);
    return fail(
      `the worker's RAM identity may not call ${call.action} on ${where}: grant it the RAM action ${ramAction} ${suffix}`,
      'Forbidden',
      { ...info, ramAction },
    );
  }
  const authHint = AUTH_HINTS[error.code];
  if (authHint)
    return fail(`${product.name} refused the worker's credentials: ${authHint} ${suffix}`, 'AuthFailed', info);
  if (isNotFound(error)) return fail(`${where} does not exist ${suffix}`, 'NotFound', info);
  return fail(
    `${product.name} rejected ${call.action} on ${where}: ${error.data?.Message ?? error.message} ${suffix}`,
    'RequestRejected',
    info,
  );
}

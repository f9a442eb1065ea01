// What can go wrong calling the SLB API, sorted into what a retry may fix and what it cannot. A
// ClbError is an ApplicationFailure, so an activity can let it through: Temporal keeps its type and
// stops retrying the non-retryable ones.
import { ApplicationFailure } from '@temporalio/common';
import { openApi } from './sdk.js';

const { AlibabaCloudError, ThrottlingError } = openApi;
type AlibabaCloudError = InstanceType<typeof AlibabaCloudError>;

export type ClbErrorType =
  /** The CLB or vServer group does not exist in the region. */
  | 'ClbNotFound'
  /** The worker's RAM identity lacks the action. */
  | 'ClbForbidden'
  /** The service refused the credentials: wrong secret, unknown AccessKey, clock skew. */
  | 'ClbAuthFailed'
  /** Any other request the service refuses as invalid. */
  | 'ClbRequestRejected'
  /** Throttled on every attempt. */
  | 'ClbThrottled'
  /** 5xx, timeouts, connection failures on every attempt. */
  | 'ClbUnavailable'
  /** The credential chain found no credentials, or could not fetch them (STS, metadata service). */
  | 'ClbCredentialsUnavailable'
  /** A response that does not have the documented shape. */
  | 'ClbBadResponse';

const NON_RETRYABLE = new Set<ClbErrorType>(['ClbNotFound', 'ClbForbidden', 'ClbAuthFailed', 'ClbRequestRejected']);

export interface ClbErrorInfo {
  action: string;
  /** What the call was about, e.g. `CLB lb-123` or `vServer group rsp-123`. */
  resource: string;
  regionId: string;
  code?: string;
  statusCode?: number;
  requestId?: string;
  /** The RAM action to grant, for ClbForbidden. */
  ramAction?: string;
}

export class ClbError extends ApplicationFailure {
  constructor(
    message: string,
    type: ClbErrorType,
    readonly info: ClbErrorInfo,
  ) {
    super(message, type, NON_RETRYABLE.has(type), [info]);
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
  return error.code.endsWith('.NotFound') || /does not exist/i.test(error.message);
}

function ramActionOf(error: AlibabaCloudError, action: string): string {
  const detail = (error as { accessDeniedDetail?: { AuthAction?: unknown } }).accessDeniedDetail;
  return typeof detail?.AuthAction === 'string' ? detail.AuthAction : `slb:${action}`;
}

/** The ClbError for a call that failed for good; `call` names what was asked, never with credentials. */
export function toClbError(error: unknown, call: Omit<ClbErrorInfo, 'code' | 'statusCode' | 'requestId'>): ClbError {
  if (error instanceof ClbError) return error;
  const where = `${call.resource} (${call.regionId})`;
  if (!(error instanceof AlibabaCloudError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ClbError(`SLB API unreachable for ${call.action} on ${where}: ${message}`, 'ClbUnavailable', call);
  }
  const info: ClbErrorInfo = { ...call, code: error.code, statusCode: error.statusCode, requestId: error.requestId };
  const suffix = `(${error.code}, request ${error.requestId ?? 'unknown'})`;
  if (error instanceof ThrottlingError)
    return new ClbError(`SLB API kept throttling ${call.action} on ${where} ${suffix}`, 'ClbThrottled', info);
  if ((error.statusCode ?? 0) >= 500 || TRANSIENT_CODES.has(error.code))
    return new ClbError(`SLB API failed ${call.action} on ${where} ${suffix}`, 'ClbUnavailable', info);
  if (error.code.startsWith('Forbidden') || error.code === 'NoPermission' || error.statusCode === 403) {
    const ramAction = ramActionOf(error, call.action);
    return new ClbError(
      `the worker's RAM identity may not call ${call.action} on ${where}: grant it the RAM action ${ramAction} ${suffix}`,
      'ClbForbidden',
      { ...info, ramAction },
    );
  }
  const authHint = AUTH_HINTS[error.code];
  if (authHint)
    return new ClbError(`SLB API refused the worker's credentials: ${authHint} ${suffix}`, 'ClbAuthFailed', info);
  if (isNotFound(error)) return new ClbError(`${where} does not exist ${suffix}`, 'ClbNotFound', info);
  return new ClbError(
    `SLB API rejected ${call.action} on ${where}: ${error.data?.Message ?? error.message} ${suffix}`,
    'ClbRequestRejected',
    info,
  );
}

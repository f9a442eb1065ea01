// Faults an emulated RPC API can inject, set by tests and the demo while it runs.
import { OpenApiError } from './errors.js';

export interface ApiFaults {
  /** Share of requests (0..1) answered with HTTP 400 Throttling.User. */
  throttleRate: number;
  /** Sent as `x-acs-retry-after` (milliseconds, as the SDK reads it) with each throttling answer. */
  retryAfterMs?: number;
  /** Delay added before every answer. */
  latencyMs: number;
  /** Share of requests (0..1) answered with 503 ServiceUnavailable or 500 InternalError. */
  serverErrorRate: number;
  /** Actions the caller's RAM policy does not grant: answered with 403 Forbidden.RAM. */
  forbiddenActions: Set<string>;
}

export function noFaults(): ApiFaults {
  return { throttleRate: 0, latencyMs: 0, serverErrorRate: 0, forbiddenActions: new Set() };
}

/**
 * The error this request draws, if any; RAM denials come first, as the gateway checks them before
 * quotas. `product` is the RAM action prefix (`slb`, `servicemesh`).
 */
export function drawFault(
  faults: ApiFaults,
  product: string,
  action: string,
  random: () => number,
): OpenApiError | undefined {
  if (faults.forbiddenActions.has(action))
    return new OpenApiError(
      403,
      'Forbidden.RAM',
      "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
      {
        AuthAction: `${product}:${action}`,
        AuthPrincipalType: 'SubUser',
        PolicyType: 'AccountLevelIdentityBasedPolicy',
        NoPermissionType: 'ImplicitDeny',
      },
    );
  if (random() < faults.throttleRate)
    return new OpenApiError(
      400,
      'Throttling.User',
      'Request was denied due to user flow control.',
      undefined,
      faults.retryAfterMs,
    );
  if (random() < faults.serverErrorRate)
    return random() < 0.5
      ? new OpenApiError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.')
      : new OpenApiError(
          500,
          'InternalError',
          'The request processing has failed due to some unknown error, exception or failure.',
        );
  return undefined;
}

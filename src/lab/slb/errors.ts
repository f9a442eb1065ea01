// The errors the emulated SLB API answers with: HTTP status, code and message as the real service
// spells them, rendered into its error body by the server.

export class SlbApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Sent as `AccessDeniedDetail` on RAM denials. */
    readonly accessDeniedDetail?: Record<string, string>,
    /** Milliseconds, sent as `x-acs-retry-after` on throttling. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SlbApiError';
  }
}

export const missingParameter = (name: string) =>
  new SlbApiError(400, `Missing${name}`, `${name} is mandatory for this action.`);

export const invalidParameter = (name: string, why = '') =>
  new SlbApiError(400, 'InvalidParameter', `The specified parameter "${name}" is not valid.${why ? ` ${why}` : ''}`);

export const loadBalancerNotFound = () =>
  new SlbApiError(404, 'InvalidLoadBalancerId.NotFound', 'LoadBalancerId does not exist.');

export const vServerGroupNotFound = () =>
  new SlbApiError(400, 'InvalidParameter', 'The specified VServerGroupId does not exist.');

export const resourceNotFound = (id: string) =>
  new SlbApiError(404, 'InvalidResourceId.NotFound', `The specified resource ${id} does not exist.`);

export const backendNotFound = () =>
  new SlbApiError(400, 'InvalidParameter', 'The specified backend server does not exist in the VServerGroup.');

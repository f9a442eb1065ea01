// The errors an emulated Alibaba Cloud RPC API answers with: HTTP status, code and message as the
// real services spell them, rendered into their error body by the server.

export class OpenApiError extends Error {
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
    this.name = 'OpenApiError';
  }
}

export const missingParameter = (name: string) =>
  new OpenApiError(400, `Missing${name}`, `${name} is mandatory for this action.`);

export const invalidParameter = (name: string, why = '') =>
  new OpenApiError(400, 'InvalidParameter', `The specified parameter "${name}" is not valid.${why ? ` ${why}` : ''}`);

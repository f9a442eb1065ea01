// Exponential backoff with jitter around one API call. The SDK's own retry policies count delays in
// powers of two of an exponent, which cannot express "200 ms, doubling, at most 5 s", so the client
// retries here and leaves the SDK at one attempt.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, initialDelayMs: 200, maxDelayMs: 5_000 };

export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** "Equal jitter": half the exponential step, plus a random part of the other half. */
function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  classify: (error: unknown) => { transient: boolean; retryAfterMs?: number },
  onRetry?: (event: RetryEvent) => void,
): Promise<T> {
  for (let number = 1; ; number++) {
    try {
      return await attempt();
    } catch (error) {
      const { transient, retryAfterMs = 0 } = classify(error);
      if (!transient || number >= policy.maxAttempts) throw error;
      const delayMs = Math.min(policy.maxDelayMs, Math.max(backoffDelay(policy, number), retryAfterMs));
      onRetry?.({ attempt: number, delayMs, error });
      await sleep(delayMs);
    }
  }
}

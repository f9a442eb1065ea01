// One Kubernetes API call: a per-request timeout, an optional patch content type, failures mapped to
// typed ApplicationFailures, and retries with backoff for the transient ones.
import {
  type ConfigurationOptions,
  Observable,
  type ObservableMiddleware,
  type PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { type RetryPolicy, withRetries } from '../cloud/retry.js';
import { type KubeCall, retryAdvice, toKubeError } from './errors.js';

const KUBE_RETRY: RetryPolicy = { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 2_000 };
const REQUEST_TIMEOUT_MS = 15_000;

// client-node sets no timeout: a request to a hung API server would wait for the activity's own.
const timeout: ObservableMiddleware = {
  pre: (context) => {
    context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    return new Observable(Promise.resolve(context));
  },
  post: (response) => new Observable(Promise.resolve(response)),
};

function options(contentType?: PatchStrategy): ConfigurationOptions {
  const base: ConfigurationOptions = { middleware: [timeout], middlewareMergeStrategy: 'append' };
  return contentType ? setHeaderOptions('Content-Type', contentType, base) : base;
}

type Send<T> = (options: ConfigurationOptions) => Promise<T>;

/** One attempt; a failure comes out as a typed ApplicationFailure. */
export async function once<T>(call: KubeCall, send: Send<T>, contentType?: PatchStrategy): Promise<T> {
  try {
    return await send(options(contentType));
  } catch (error) {
    throw toKubeError(error, call);
  }
}

/** Runs `attempt` again while it fails with a retryable kube failure; returns its value and how many runs it took. */
export async function withKubeRetries<T>(attempt: () => Promise<T>): Promise<{ value: T; attempts: number }> {
  let attempts = 0;
  const value = await withRetries(
    () => {
      attempts++;
      return attempt();
    },
    KUBE_RETRY,
    retryAdvice,
  );
  return { value, attempts };
}

/** One call, retried while it fails transiently. */
export async function kubeRequest<T>(call: KubeCall, send: Send<T>, contentType?: PatchStrategy): Promise<T> {
  return (await withKubeRetries(() => once(call, send, contentType))).value;
}

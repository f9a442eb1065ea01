// Instant queries against Prometheus's HTTP API (/api/v1/query). Every failure comes back as a value,
// never thrown: for the analysis a failed query is a round without data, not a failed activity.
import { ApplicationFailure } from '@temporalio/common';

export interface PrometheusEndpoint {
  /** Base URL of the HTTP API, e.g. http://prometheus.monitoring:9090 or https://host/prometheus. */
  url: string;
  bearerToken?: string;
}

export type QueryResult =
  /** The sample values of the result; empty when the query selected nothing. NaN is kept. */
  | { ok: true; values: number[] }
  /** badQuery: Prometheus refused the query itself (bad_data), which no retry will change. */
  | { ok: false; error: string; badQuery: boolean };

/** The plan's URL, else the worker's PROMETHEUS_URL; the token comes only from the worker's environment. */
export function prometheusEndpoint(
  planUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PrometheusEndpoint {
  const url = planUrl ?? env.PROMETHEUS_URL;
  if (!url)
    throw ApplicationFailure.nonRetryable(
      'no Prometheus to query: analysis.prometheusUrl is not set and the worker has no PROMETHEUS_URL',
      'PrometheusNotConfigured',
    );
  return { url, bearerToken: env.PROMETHEUS_BEARER_TOKEN || undefined };
}

interface ApiResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

export async function queryPrometheus(
  endpoint: PrometheusEndpoint,
  query: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<QueryResult> {
  const url = new URL('api/v1/query', endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (endpoint.bearerToken) headers.authorization = `Bearer ${endpoint.bearerToken}`;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let status: number;
  let body: ApiResponse | undefined;
  try {
    // POST: long PromQL does not fit every proxy's URL length limit.
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ query }),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
    status = response.status;
    body = (await response.json().catch(() => undefined)) as ApiResponse | undefined;
  } catch (error) {
    if (timeout.aborted) return { ok: false, error: `no answer within ${options.timeoutMs} ms`, badQuery: false };
    return { ok: false, error: fetchErrorMessage(error), badQuery: false };
  }
  if (body?.status === 'success') return resultValues(body.data);
  const reason = body?.error ? `${body.errorType ?? 'error'}: ${body.error}` : 'no Prometheus API answer';
  return { ok: false, error: `HTTP ${status}, ${reason}`, badQuery: status === 400 && body?.errorType === 'bad_data' };
}

function resultValues(data: ApiResponse['data']): QueryResult {
  switch (data?.resultType) {
    case 'vector': {
      const series = Array.isArray(data.result) ? (data.result as { value?: [number, string] }[]) : [];
      return { ok: true, values: series.map((sample) => sampleValue(sample.value?.[1])) };
    }
    case 'scalar':
      return { ok: true, values: [sampleValue((data.result as [number, string] | undefined)?.[1])] };
    default:
      return {
        ok: false,
        error: `the query returns a ${data?.resultType ?? 'result of no known type'}; a check needs an instant vector or a scalar`,
        badQuery: true,
      };
  }
}

/** Prometheus writes sample values as strings, including "NaN", "+Inf" and "-Inf". */
function sampleValue(text: string | undefined): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return text === undefined ? Number.NaN : Number(text);
}

/** fetch hides the reason (ECONNREFUSED, ENOTFOUND, …) in the error's cause. */
function fetchErrorMessage(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return detail ? `${message} (${detail})` : message;
}

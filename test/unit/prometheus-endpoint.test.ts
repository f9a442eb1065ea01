import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { prometheusEndpoint } from '../../activities/analysis/prometheus-query.js';

describe('prometheusEndpoint', () => {
  it("takes the plan's URL before the worker's PROMETHEUS_URL, and the token only from the worker", () => {
    const env = { PROMETHEUS_URL: 'http://worker:9090', PROMETHEUS_BEARER_TOKEN: 't0ken' };
    expect(prometheusEndpoint('https://plan/prometheus', env)).toEqual({
      url: 'https://plan/prometheus',
      bearerToken: 't0ken',
    });
    expect(prometheusEndpoint(undefined, env)).toEqual({ url: 'http://worker:9090', bearerToken: 't0ken' });
    expect(
      prometheusEndpoint(undefined, { PROMETHEUS_URL: 'http://worker:9090', PROMETHEUS_BEARER_TOKEN: '' }),
    ).toEqual({
      url: 'http://worker:9090',
      bearerToken: undefined,
    });
  });

  it('fails without retries when there is no Prometheus to ask', () => {
    let failure: unknown;
    try {
      prometheusEndpoint(undefined, {});
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'PrometheusNotConfigured', nonRetryable: true });
  });
});

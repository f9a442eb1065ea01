// The CLB driver's drain step: after a last phase that leaves the source at 0 the plan waits until the
// source gateway's request rate stayed under the limit for a while, read by a query a retry answers alike.
import { describe, expect, it } from 'vitest';
import { type AwaitStep, buildPlan, renderQuery, type Step } from '../../src/plan/index.js';
import { lbInput } from '../support/inputs.js';
import { refusal } from '../support/refusal.js';

const drainStep = (steps: Step[]) => steps.find((step): step is AwaitStep => step.kind === 'await');

describe('the drain step', () => {
  it('follows a last phase of 0/100, before the completion gate, with the defaults', () => {
    const plan = buildPlan(lbInput());
    expect(plan.steps.slice(-2).map((step) => step.kind)).toEqual(['await', 'gate']);
    expect(drainStep(plan.steps)).toMatchObject({
      name: 'source drained: under 0.1 requests/s for 5m',
      condition: 'source-drained',
      timeoutMs: 3_600_000,
      onTimeout: 'approval',
      args: { maxRequestsPerSecond: 0.1, for: '5m' },
    });
  });

  it('reads the highest rate of the source gateway over the whole `for`, on the analysis metric and labels', () => {
    const plan = buildPlan({
      ...lbInput(),
      traffic: { ...lbInput().traffic, drain: { maxRequestsPerSecond: 2, for: '90s', timeout: '20m' } },
    });
    const step = drainStep(plan.steps);
    expect(step?.timeoutMs).toBe(1_200_000);
    expect(renderQuery(String(step?.args.query), plan.analysis.variables)).toBe(
      'max_over_time(sum(rate(istio_requests_total{reporter="source",source_workload="istio-ingressgateway",source_workload_namespace="istio-system"}[2m]))[90s:])',
    );
    expect(renderQuery(String(step?.args.rateQuery), plan.analysis.variables)).toBe(
      'sum(rate(istio_requests_total{reporter="source",source_workload="istio-ingressgateway",source_workload_namespace="istio-system"}[2m]))',
    );
  });

  it('is left out when the last phase keeps traffic on the source (e.g. stopping at 50/50)', () => {
    const plan = buildPlan(
      lbInput(undefined, [
        { sourceWeight: 100, targetWeight: 0 },
        { sourceWeight: 50, targetWeight: 50 },
      ]),
    );
    expect(plan.steps.map((step) => step.kind)).toEqual(['shift', 'shift', 'gate']);
  });

  it.each([
    [{ maxRequestsPerSecond: -1 }, 'traffic.drain.maxRequestsPerSecond', 'must be at least 0'],
    [{ for: '5 minutes' }, 'traffic.drain.for', 'Prometheus duration'],
    [{ timeout: 'soon' }, 'traffic.drain.timeout', 'not a duration'],
    [{ for: '1h', timeout: '30m' }, 'traffic.drain.for', 'shorter than traffic.drain.timeout (30m)'],
    [{ after: '5m' }, 'traffic.drain.after', 'unknown field'],
  ])('refuses %j, naming %s', (drain, field, problem) => {
    const error = refusal({ ...lbInput(), traffic: { ...lbInput().traffic, drain } });
    expect(error.field).toBe(field);
    expect(error.problem).toContain(problem);
  });
});

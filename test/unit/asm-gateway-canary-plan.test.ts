// The canary upgrade's plan: the steps in the order ASM's procedure takes them, the upgrade the one
// step with no way back, analysis scoped to the canary, and the input's mistakes refused by field.
import { describe, expect, it } from 'vitest';
import { buildPlan, type CanaryTraffic, stepLabel } from '../../src/plan/index.js';
import { refusal } from '../support/refusal.js';

const input = (traffic: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) => ({
  traffic: {
    kind: 'asm-gateway-canary',
    mesh: { id: 'c08ba3fd1e6484b0f8cc1ad8fe10d1234', region: 'cn-hangzhou' },
    gateway: { name: 'ingressgateway' },
    targetVersion: 'v1.22.6.29-g4712daf0-aliyun',
    ...traffic,
  },
  ...rest,
});

describe('the asm-gateway-canary plan', () => {
  it("takes ASM's steps in order: canary, its soak, the upgrade, the roll, the cleanup", () => {
    const plan = buildPlan(input());
    expect(plan.steps.map(stepLabel)).toEqual([
      'step 0 (deploy the canary)',
      'step 1 (canary ready and serving)',
      'step 2 (canary soak)',
      'step 3 (upgrade the gateway)',
      'step 4 (every gateway pod upgraded)',
      'step 5 (remove the canary)',
      'step 6 (canary gone)',
      'completion',
    ]);
    expect(plan.steps.map((step) => step.kind)).toEqual([
      'action',
      'await',
      'soak',
      'action',
      'await',
      'action',
      'await',
      'gate',
    ]);
    expect(plan.steps[0]).toMatchObject({
      action: 'annotate-canary',
      undo: { action: 'remove-canary' },
      undoOnRollback: true,
      irreversible: false,
      approval: 'manual',
      preview: 'IstioGateway istio-system/ingressgateway: + asm.alibabacloud.com/enable-canary-deployment: "true"',
    });
    expect(plan.steps[3]).toMatchObject({ action: 'upgrade-gateway', irreversible: true, approval: 'manual' });
    expect(plan.steps[4]).toMatchObject({ condition: 'gateway-upgraded', watch: true, timeoutMs: 30 * 60_000 });
    expect(plan.steps[2]).toMatchObject({ soakMs: 30 * 60_000 });
    expect(plan.restore).toBeNull();
    expect(plan.locks).toEqual(['istiogateway/istio-system/ingressgateway']);
    expect((plan.traffic as CanaryTraffic).services).toEqual(['istio-ingressgateway']);
  });

  it('scopes the default checks to the canary, compared with the gateway, under either ASM naming', () => {
    const plan = buildPlan(input());
    expect(plan.analysis.checks.map((check) => check.name)).toEqual([
      'canary-5xx-ratio',
      'canary-p99-latency-ms',
      'canary-request-rate',
      'canary-vs-source-5xx-ratio',
    ]);
    const [ratio, , rate, versus] = plan.analysis.checks;
    expect(ratio?.query).toContain('source_workload=~"(istio-)?ingressgateway-canary"');
    expect(versus?.query).toContain('source_workload=~"(istio-)?ingressgateway"');
    expect(versus?.threshold).toBe(0.01);
    // A canary that gets no traffic never passes.
    expect(rate).toMatchObject({ pass: '>', threshold: 0 });
  });

  it('runs on its own only where the plan says auto; the cleanup never waits for a human', () => {
    const plan = buildPlan(input({}, { approval: { mode: 'auto' } }));
    expect(plan.steps.filter((step) => step.kind === 'action').map((step) => step.approval)).toEqual([
      'auto',
      'auto',
      'auto',
    ]);
    const manual = buildPlan(input());
    expect(manual.steps[5]).toMatchObject({ action: 'remove-canary-annotation', approval: 'auto' });
  });

  it.each([
    [{ targetVersion: 'v1.18.2.1-g1-aliyun' }, {}, 'traffic.targetVersion', 'need ASM 1.20 or later'],
    [{ targetVersion: 'latest' }, {}, 'traffic.targetVersion', 'must be an ASM version'],
    [{ mesh: { id: 'x', region: 'cn-hangzhou' } }, {}, 'traffic.mesh.id', 'must be an ASM instance id'],
    [{}, { phases: [{ sourceWeight: 100, targetWeight: 0 }] }, 'phases', 'moves no weights: leave phases out'],
    [{ canarySoak: 'a while' }, {}, 'traffic.canarySoak', 'is not a duration'],
    [{ services: [] }, {}, 'traffic.services', 'must have at least 1 item'],
  ])('refuses %j %j, naming %s', (traffic, rest, field, problem) => {
    const error = refusal(input(traffic, rest));
    expect(error.field).toBe(field);
    expect(error.problem).toContain(problem);
  });
});

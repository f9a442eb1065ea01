import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { labMigrationInput } from '../../src/lab/input.js';
import { buildPlan, type ClbTraffic, type MigrationPlan, shiftSteps } from '../../src/plan/index.js';

const example = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');

/** The CLB driver's part of a plan (the only driver today). */
function clb(plan: MigrationPlan): ClbTraffic {
  if (plan.traffic.kind !== 'clb-annotation') throw new Error(`not a CLB plan: ${plan.traffic.kind}`);
  return plan.traffic;
}

describe('the examples', () => {
  it('migration.yaml is the default plan for one CLB with two vServer groups', () => {
    const raw = YAML.parse(example('migration.yaml'));
    const plan = buildPlan(raw);
    const { phases: _phases, approval: _approval, analysis: _analysis, verifyTimeout: _timeout, ...bare } = raw;
    const defaults = buildPlan(bare);
    expect(plan.steps).toEqual(defaults.steps);
    expect(plan.analysis).toEqual(defaults.analysis);
    expect(plan.verifyTimeoutMs).toBe(defaults.verifyTimeoutMs);
    expect(plan.kind).toBe('clb-annotation');
    const traffic = clb(plan);
    expect(traffic.loadBalancers).toHaveLength(1);
    expect(traffic.loadBalancers[0]?.vServerGroups).toHaveLength(2);
    expect(traffic.source).toMatchObject({
      namespace: 'istio-system',
      service: 'istio-ingressgateway',
      selector: { istio: 'ingressgateway' },
    });
    expect(traffic.target).toMatchObject({
      namespace: 'istio-system',
      service: 'istio-ingressgateway-asm',
      selector: { istio: 'ingressgateway-asm' },
    });
    expect(plan.routes).toEqual([
      { host: 'bookinfo.example.com', path: '/productpage', port: 8080, scheme: 'http', expectStatus: [200] },
    ]);
  });

  it('two-clbs.json moves two CLBs together on a compressed, automatic timeline', () => {
    const plan = buildPlan(JSON.parse(example('two-clbs.json')));
    expect(clb(plan).loadBalancers.map((lb) => lb.id)).toEqual(['lb-bp1onpskfeceg', 'lb-bp1internal7k2']);
    expect(plan.locks).toEqual(['clb/lb-bp1onpskfeceg', 'clb/lb-bp1internal7k2']);
    expect(shiftSteps(plan.steps).map((p) => [p.weights.source, p.weights.target, p.soakMs, p.approval])).toEqual([
      [100, 0, 0, 'auto'],
      [90, 10, 30_000, 'auto'],
      [50, 50, 30_000, 'auto'],
      [10, 90, 30_000, 'auto'],
      [0, 100, 30_000, 'auto'],
    ]);
    expect(plan.analysis.intervalMs).toBe(5000);
  });

  it("lab.yaml is the lab's migration (the demo's), with manual approval and 60 s soaks", () => {
    expect(YAML.parse(example('lab.yaml'))).toEqual(labMigrationInput({ autoApprove: false, soakSec: 60 }));
    expect(buildPlan(YAML.parse(example('lab.yaml'))).locks).toEqual(['clb/lb-labpublic01', 'clb/lb-labinternal01']);
  });

  it('virtualservice.yaml moves the bookinfo route to the target ingress read from the target cluster', () => {
    const plan = buildPlan(YAML.parse(example('virtualservice.yaml')));
    expect(plan.kind).toBe('virtualservice');
    expect(plan.locks).toEqual(['virtualservice/source/default/bookinfo']);
    expect(plan.steps.slice(0, 2).map((step) => (step.kind === 'action' ? step.action : step.kind))).toEqual([
      'ensure-service-entry',
      'add-remote-destination',
    ]);
    expect(shiftSteps(plan.steps).map((phase) => [phase.weights.source, phase.weights.target])).toEqual([
      [100, 0],
      [90, 10],
      [50, 50],
      [10, 90],
      [0, 100],
    ]);
  });
});

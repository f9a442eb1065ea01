import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliExit } from '../../src/cli/errors.js';
import { inputFormat, readInputFile, validateInput } from '../../src/cli/input.js';
import { type ClbTraffic, type MigrationPlan, shiftSteps } from '../../src/plan/index.js';

const input = {
  title: 'bookinfo ingress to ASM',
  traffic: {
    kind: 'clb-annotation',
    source: { namespace: 'istio-system', service: 'istio-ingressgateway', selector: { istio: 'ingressgateway' } },
    target: { namespace: 'istio-system', service: 'ingressgateway-asm', selector: { istio: 'ingressgateway-asm' } },
    loadBalancers: [
      {
        id: 'lb-bp1onpskfeceg',
        region: 'cn-hangzhou',
        vServerGroups: [
          { id: 'rsp-bp1r4xk8a', port: 80 },
          { id: 'rsp-bp1r4xk8b', port: 443 },
        ],
      },
    ],
  },
  phases: [
    { sourceWeight: 100, targetWeight: 0 },
    { name: 'canary', sourceWeight: 90, targetWeight: 10, soak: '30m' },
    { sourceWeight: 0, targetWeight: 100, soak: '1h' },
  ],
};

const yaml = `title: bookinfo ingress to ASM
traffic:
  kind: clb-annotation
  source:
    namespace: istio-system
    service: istio-ingressgateway
    selector: { istio: ingressgateway }
  target:
    namespace: istio-system
    service: ingressgateway-asm
    selector: { istio: ingressgateway-asm }
  loadBalancers:
    - id: lb-bp1onpskfeceg
      region: cn-hangzhou
      vServerGroups:
        - { id: rsp-bp1r4xk8a, port: 80 }
        - { id: rsp-bp1r4xk8b, port: 443 }
phases:
  - { sourceWeight: 100, targetWeight: 0 }
  - name: canary
    sourceWeight: 90
    targetWeight: 10
    soak: 30m
  - { sourceWeight: 0, targetWeight: 100, soak: 1h }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateshift-cli-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The CLB driver's part of a plan (the only driver today). */
function clb(plan: MigrationPlan): ClbTraffic {
  if (plan.traffic.kind !== 'clb-annotation') throw new Error(`not a CLB plan: ${plan.traffic.kind}`);
  return plan.traffic;
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function exitOf(promise: Promise<unknown>): Promise<CliExit> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CliExit)) throw new Error(`expected a CliExit, got ${String(error)}`);
  return error;
}

function refusal(raw: unknown): CliExit {
  try {
    validateInput(raw);
  } catch (error) {
    if (error instanceof CliExit) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('readInputFile', () => {
  it('reads JSON and YAML into the same input', async () => {
    expect(await readInputFile(await file('migration.json', JSON.stringify(input)))).toEqual(input);
    expect(await readInputFile(await file('migration.yaml', yaml))).toEqual(input);
    expect(await readInputFile(await file('migration.yml', yaml))).toEqual(input);
  });

  it('recognises the format by content when the extension says nothing', async () => {
    expect(inputFormat('migration', '  {"a": 1}')).toBe('json');
    expect(inputFormat('migration.txt', 'a: 1')).toBe('yaml');
    expect(await readInputFile(await file('migration-json', JSON.stringify(input, null, 2)))).toEqual(input);
    expect(await readInputFile(await file('migration-yaml', yaml))).toEqual(input);
  });

  it('exits 2 on a file it cannot read or parse', async () => {
    const missing = await exitOf(readInputFile(join(dir, 'absent.yaml')));
    expect(missing.code).toBe(2);
    expect(missing.message).toMatch(/^cannot read .*absent\.yaml: ENOENT/);

    const broken = await exitOf(readInputFile(await file('broken.json', '{"traffic": ')));
    expect(broken.code).toBe(2);
    expect(broken.message).toMatch(/^cannot parse .*broken\.json as JSON: /);

    const badYaml = await exitOf(readInputFile(await file('broken.yaml', 'traffic: [a, b\nphases: {')));
    expect(badYaml.code).toBe(2);
    expect(badYaml.message).toMatch(/^cannot parse .*broken\.yaml as YAML: /);
  });
});

describe('validateInput', () => {
  it('returns the plan of a valid input', async () => {
    const plan = validateInput(await readInputFile(await file('valid.yaml', yaml)));
    expect(clb(plan).loadBalancers.map((lb) => lb.id)).toEqual(['lb-bp1onpskfeceg']);
    expect(shiftSteps(plan.steps).map((phase) => [phase.name, phase.soakMs])).toEqual([
      ['100/0', 0],
      ['canary', 1_800_000],
      ['0/100', 3_600_000],
    ]);
  });

  it('refuses bad input with exit 2 and the field named', () => {
    const badId = refusal({
      ...input,
      traffic: { ...input.traffic, loadBalancers: [{ ...input.traffic.loadBalancers[0], id: 'bp1onpskfeceg' }] },
    });
    expect(badId.code).toBe(2);
    expect(badId.message).toBe(
      'invalid input: traffic.loadBalancers[0].id: must be a CLB instance id such as "lb-bp1onpskfeceg"',
    );
  });

  it('prints one line per problem', () => {
    const { target: _target, ...withoutTarget } = input.traffic;
    const exit = refusal({
      ...input,
      traffic: { ...withoutTarget, loadBalancers: [{ ...input.traffic.loadBalancers[0], region: 'Hangzhou' }] },
    });
    expect(exit.message.split('\n')).toEqual([
      'invalid input: traffic.target: is required',
      'invalid input: traffic.loadBalancers[0].region: must be a region id such as "cn-hangzhou"',
    ]);
  });
});

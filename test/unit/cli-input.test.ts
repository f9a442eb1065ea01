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
  routes: [{ host: 'bookinfo.example.com', path: '/productpage', port: 8080 }],
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
routes:
  - { host: bookinfo.example.com, path: /productpage, port: 8080 }
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

  it('exits 2 on a file it cannot read', async () => {
    const missing = await exitOf(readInputFile(join(dir, 'absent.yaml')));
    expect(missing.code).toBe(2);
    expect(missing.message).toMatch(/^cannot read .*absent\.yaml: ENOENT/);
  });

  it('says where a JSON or YAML file breaks, as line:column', async () => {
    const broken = await file('broken.json', '{\n  "title": "x",\n  "traffic": }\n');
    const json = await exitOf(readInputFile(broken));
    expect(json.code).toBe(2);
    expect(json.message).toBe(`cannot parse ${broken}:3:14 as JSON: expected a value, found "}"`);
    const comma = await file('comma.json', '{\n  "title": "x",\n}');
    expect((await exitOf(readInputFile(comma))).message).toBe(
      `cannot parse ${comma}:3:1 as JSON: no value after the last ",": JSON allows no trailing comma`,
    );
    const badYaml = await file('broken.yaml', 'traffic: [a, b\nphases: {');
    const yamlExit = await exitOf(readInputFile(badYaml));
    expect(yamlExit.code).toBe(2);
    expect(yamlExit.message).toBe(
      `cannot parse ${badYaml}:2:1 as YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
  });

  it('refuses an empty file and a file of several YAML documents with its own words', async () => {
    for (const [name, text] of [
      ['empty.yaml', ''],
      ['comments.yaml', '# nothing yet\n'],
      ['null.json', 'null'],
    ] as const) {
      const path = await file(name, text);
      const exit = await exitOf(readInputFile(path));
      expect(exit.code).toBe(2);
      expect(exit.message).toBe(`${path} is empty: a migration input is one object (see examples/migration.yaml)`);
    }
    const several = await file('several.yaml', `${yaml}---\napiVersion: v1\nkind: Service\n`);
    const exit = await exitOf(readInputFile(several));
    expect(exit.message).toBe(
      `${several} holds 2 YAML documents (separated by "---"): a migration input is one object (see examples/migration.yaml); keep the migration input alone in the file`,
    );
    expect(exit.message).not.toContain('parseAllDocuments');
    // A trailing "---" leaves no second document.
    expect(await readInputFile(await file('trailing.yaml', `${yaml}---\n`))).toEqual(input);
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

  it('recognises a pasted Kubernetes object', async () => {
    const raw = await readInputFile(
      await file('service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: istio-ingressgateway\nspec: {}\n'),
    );
    expect(refusal(raw).message).toBe(
      'invalid input: (input): is a Kubernetes Service (apiVersion v1), not a gateshift migration input: a migration names the gateways and what moves under `traffic`, its phases and checks (see examples/migration.yaml)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildPlan,
  type ClbTraffic,
  type MigrationInput,
  type MigrationPlan,
  shiftSteps,
} from '../../src/plan/index.js';
import { bookinfoGateways } from '../support/inputs.js';
import { refusal } from '../support/refusal.js';

// biome-ignore lint/suspicious/noExplicitAny: the table writes deliberately malformed values
type Raw = any;

function valid(): Raw {
  return {
    traffic: {
      kind: 'clb-annotation',
      ...bookinfoGateways(),
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
    routes: [{ host: 'bookinfo.example.com', path: '/productpage', port: 8080 }],
  } satisfies MigrationInput;
}

/** The CLB driver's part of a plan (the only driver today). */
function clb(plan: MigrationPlan): ClbTraffic {
  if (plan.traffic.kind !== 'clb-annotation') throw new Error(`not a CLB plan: ${plan.traffic.kind}`);
  return plan.traffic;
}

const phases = (...pairs: [number, number][]) =>
  pairs.map(([sourceWeight, targetWeight]) => ({ sourceWeight, targetWeight, soak: '10m' }));

const secondLb = (id: string, groupId = 'rsp-bp1internal') => ({
  id,
  region: 'cn-hangzhou',
  vServerGroups: [{ id: groupId, port: 80 }],
});

// [what is wrong, how to break a valid input, the field named, a fragment of the problem]
const badInputs: [string, (input: Raw) => unknown, string, string][] = [
  ['a weight above 100', (i) => (i.phases = phases([101, 0])), 'phases[0].sourceWeight', 'must be at most 100'],
  ['a negative weight', (i) => (i.phases = phases([100, -1])), 'phases[0].targetWeight', 'must be at least 0'],
  ['a fractional weight', (i) => (i.phases = phases([87.5, 12.5])), 'phases[0].sourceWeight', 'must be an integer'],
  [
    'a weight as text',
    (i) => (i.phases = [{ sourceWeight: '90', targetWeight: 10 }]),
    'phases[0].sourceWeight',
    'must be a number (got a string)',
  ],
  [
    'a phase with every side at 0',
    (i) => (i.phases = phases([100, 0], [0, 0])),
    'phases[1]',
    'every gateway is at weight 0: the data plane would have no backend to send traffic to',
  ],
  [
    'a target weight that decreases',
    (i) => (i.phases = phases([90, 10], [50, 50], [90, 10])),
    'phases[2].targetWeight',
    'must not decrease',
  ],
  [
    'a source weight that rises',
    (i) => (i.phases = phases([90, 10], [80, 20], [100, 30])),
    'phases[2].sourceWeight',
    'must not increase',
  ],
  ['no phase at all', (i) => (i.phases = []), 'phases', 'must have at least one phase'],
  [
    'an unparsable soak',
    (i) => (i.phases = [{ sourceWeight: 90, targetWeight: 10, soak: 'a while' }]),
    'phases[0].soak',
    'is not a duration',
  ],
  [
    'a soak without a unit',
    (i) => (i.phases = [{ sourceWeight: 90, targetWeight: 10, soak: '3600' }]),
    'phases[0].soak',
    'is not a duration',
  ],
  [
    'an empty soak',
    (i) => (i.phases = [{ sourceWeight: 90, targetWeight: 10, soak: ' ' }]),
    'phases[0].soak',
    'is not a duration',
  ],
  [
    'a negative soak',
    (i) => (i.phases = [{ sourceWeight: 90, targetWeight: 10, soak: '-1h' }]),
    'phases[0].soak',
    'is not a duration',
  ],
  [
    'a soak of a century',
    (i) => (i.phases = [{ sourceWeight: 90, targetWeight: 10, soak: '876000h' }]),
    'phases[0].soak',
    'must be at most 30 days',
  ],
  ['an analysis interval of 0s', (i) => (i.analysis = { interval: '0s' }), 'analysis.interval', 'must be at least 1s'],
  ['a verify timeout of 100ms', (i) => (i.verifyTimeout = '100ms'), 'verifyTimeout', 'must be at least 1s'],
  [
    'a window PromQL cannot read',
    (i) => (i.analysis = { window: '2 minutes' }),
    'analysis.window',
    'Prometheus duration',
  ],
  ['an empty window', (i) => (i.analysis = { window: '0m' }), 'analysis.window', 'must be longer than 0s'],
  ['no CLB', (i) => (i.traffic.loadBalancers = []), 'traffic.loadBalancers', 'must name at least one CLB'],
  ['the CLB list left out', (i) => delete i.traffic.loadBalancers, 'traffic.loadBalancers', 'is required'],
  [
    'a CLB listed twice',
    (i) => i.traffic.loadBalancers.push(secondLb('lb-bp1onpskfeceg')),
    'traffic.loadBalancers[1].id',
    'CLB lb-bp1onpskfeceg is listed twice (also traffic.loadBalancers[0])',
  ],
  [
    'the same CLB in upper case',
    (i) => i.traffic.loadBalancers.push(secondLb('LB-BP1ONPSKFECEG')),
    'traffic.loadBalancers[1].id',
    'must be lower case',
  ],
  [
    'a CLB id without its prefix',
    (i) => (i.traffic.loadBalancers[0].id = 'bp1onpskfeceg'),
    'traffic.loadBalancers[0].id',
    'must be a CLB instance id such as "lb-bp1onpskfeceg"',
  ],
  [
    'a region in words',
    (i) => (i.traffic.loadBalancers[0].region = 'Hangzhou'),
    'traffic.loadBalancers[0].region',
    'must be a region id',
  ],
  [
    'a CLB without vServer groups',
    (i) => (i.traffic.loadBalancers[0].vServerGroups = []),
    'traffic.loadBalancers[0].vServerGroups',
    'must list every vServer group',
  ],
  [
    'a vServer group port 0',
    (i) => (i.traffic.loadBalancers[0].vServerGroups[0].port = 0),
    'traffic.loadBalancers[0].vServerGroups[0].port',
    'must be at least 1',
  ],
  [
    'a vServer group port above 65535',
    (i) => (i.traffic.loadBalancers[0].vServerGroups[1].port = 65536),
    'traffic.loadBalancers[0].vServerGroups[1].port',
    'must be at most 65535',
  ],
  [
    'a listener port above 65535',
    (i) => (i.traffic.loadBalancers[0].vServerGroups[0].listenerPort = 80_000),
    'traffic.loadBalancers[0].vServerGroups[0].listenerPort',
    'must be at most 65535',
  ],
  [
    'a vServer group listed twice on a CLB',
    (i) => i.traffic.loadBalancers[0].vServerGroups.push({ id: 'rsp-bp1r4xk8a', port: 8443 }),
    'traffic.loadBalancers[0].vServerGroups[2].id',
    'vServer group rsp-bp1r4xk8a is listed twice',
  ],
  [
    'one vServer group on two CLBs',
    (i) => i.traffic.loadBalancers.push(secondLb('lb-bp1internal', 'rsp-bp1r4xk8b')),
    'traffic.loadBalancers[1].vServerGroups[0].id',
    'also listed under traffic.loadBalancers[0]',
  ],
  [
    'a CLB given by its id alone',
    (i) => (i.traffic.loadBalancers = ['lb-bp1onpskfeceg']),
    'traffic.loadBalancers[0]',
    'must be an object (got a string)',
  ],
  [
    'a port written the Istio way',
    (i) => (i.traffic.loadBalancers[0].vServerGroups[0].port = { number: 80 }),
    'traffic.loadBalancers[0].vServerGroups[0].port',
    'must be a number (got an object)',
  ],
  [
    'an empty selector',
    (i) => (i.traffic.source.selector = {}),
    'traffic.source.selector',
    'must name at least one label',
  ],
  [
    'a selector that is a string',
    (i) => (i.traffic.target.selector = 'istio=ingressgateway-asm'),
    'traffic.target.selector',
    'must be an object (got a string)',
  ],
  [
    'a selector value with spaces',
    (i) => (i.traffic.source.selector = { istio: 'ingress gateway' }),
    'traffic.source.selector.istio',
    'must be a Kubernetes label value',
  ],
  [
    'a selector key that is not a label',
    (i) => (i.traffic.source.selector = { 'istio gateway': 'x' }),
    'traffic.source.selector["istio gateway"]',
    'must be a Kubernetes label key',
  ],
  [
    'a secret smuggled in as a label',
    (i) => (i.traffic.target.selector = { istio: 'ingressgateway-asm', accessKeySecret: 'abc' }),
    'traffic.target.selector.accessKeySecret',
    'looks like a credential',
  ],
  [
    'an AccessKey ID as a label value',
    (i) => (i.traffic.source.selector = { istio: 'LTAI5tQm9yXxVbN2ZkEwP7' }),
    'traffic.source.selector.istio',
    'looks like an AccessKey ID',
  ],
  [
    'the same pods on both sides',
    (i) => (i.traffic.target.selector = { istio: 'ingressgateway' }),
    'traffic.target.selector',
    'selects the same pods as traffic.source.selector',
  ],
  [
    'the same Service on both sides',
    (i) => (i.traffic.target.service = 'istio-ingressgateway'),
    'traffic.target.service',
    'names the same Service as traffic.source.service (istio-system/istio-ingressgateway): the target gateway must be another Service',
  ],
  [
    'a per-CLB target Service that is the source Service',
    (i) => (i.traffic.loadBalancers[0].targetService = 'istio-ingressgateway'),
    'traffic.loadBalancers[0].targetService',
    'names the same Service as traffic.source.service (istio-system/istio-ingressgateway)',
  ],
  [
    'a per-CLB source Service that is the target Service',
    (i) => (i.traffic.loadBalancers[0].sourceService = 'istio-ingressgateway-asm'),
    'traffic.loadBalancers[0].sourceService',
    'names the same Service as traffic.target.service (istio-system/istio-ingressgateway-asm)',
  ],
  [
    'no route for the pre-flight to probe',
    (i) => delete i.routes,
    'routes',
    'must list at least one route: the pre-flight sends each to the ASM gateway pods',
  ],
  ['an empty route list', (i) => (i.routes = []), 'routes', 'must list at least one route'],
  ['a misspelt top-level field', (i) => (i.tilte = 'x'), 'tilte', 'unknown field; did you mean "title"?'],
  ['a field in the wrong case', (i) => (i.Phases = []), 'Phases', 'unknown field; did you mean "phases"?'],
  [
    'a misspelt driver field',
    (i) => (i.traffic.loadBalancer = []),
    'traffic.loadBalancer',
    'unknown field; did you mean "loadBalancers"?',
  ],
  [
    'a misspelt field in a list item',
    (i) => (i.traffic.loadBalancers[0].vServerGroup = []),
    'traffic.loadBalancers[0].vServerGroup',
    'unknown field; did you mean "vServerGroups"?',
  ],
  [
    'a misspelt analysis field',
    (i) => (i.analysis = { intervall: '1m' }),
    'analysis.intervall',
    'unknown field; did you mean "interval"?',
  ],
  ['an unknown field like no other', (i) => (i.zzzzz = 1), 'zzzzz', 'unknown field'],
  [
    'a namespace with capitals',
    (i) => (i.traffic.source.namespace = 'Istio-System'),
    'traffic.source.namespace',
    'must be a Kubernetes name',
  ],
  [
    'a workload that would break PromQL',
    (i) => (i.traffic.target.workload = 'gw"} or vector(1)'),
    'traffic.target.workload',
    'must be a Kubernetes name',
  ],
  ['no source gateway', (i) => delete i.traffic.source, 'traffic.source', 'is required'],
  [
    'an unknown field',
    (i) => (i.traffic.loadBalancers[0].weight = 50),
    'traffic.loadBalancers[0].weight',
    'unknown field',
  ],
  [
    'a credential at the top level',
    (i) => (i.accessKeySecret = 'x'),
    'accessKeySecret',
    'credentials never go in the input',
  ],
  [
    'a Prometheus URL with a password',
    (i) => (i.analysis = { prometheusUrl: 'https://admin:hunter2@prometheus:9090' }),
    'analysis.prometheusUrl',
    'must not carry a user or password',
  ],
  [
    'a Prometheus URL that is a file',
    (i) => (i.analysis = { prometheusUrl: 'file:///etc/passwd' }),
    'analysis.prometheusUrl',
    'must be an http or https URL',
  ],
  [
    'a negative error ratio',
    (i) => (i.analysis = { maxErrorRatio: -0.01 }),
    'analysis.maxErrorRatio',
    'must be at least 0',
  ],
  [
    'an error ratio given in percent',
    (i) => (i.analysis = { maxErrorRatio: 5 }),
    'analysis.maxErrorRatio',
    'must be at most 1',
  ],
  [
    'a p99 latency limit of 0',
    (i) => (i.analysis = { maxP99LatencyMs: 0 }),
    'analysis.maxP99LatencyMs',
    'must be more than 0',
  ],
  [
    'a negative request rate',
    (i) => (i.analysis = { minRequestRate: -1 }),
    'analysis.minRequestRate',
    'must be at least 0',
  ],
  [
    'zero consecutive failures',
    (i) => (i.analysis = { consecutiveFailures: 0 }),
    'analysis.consecutiveFailures',
    'must be at least 1',
  ],
  [
    'an unknown breach action',
    (i) => (i.analysis = { onBreach: 'ignore' }),
    'analysis.onBreach',
    'must be one of "rollback", "pause"',
  ],
  [
    'nothing to watch',
    (i) => (i.analysis = { defaultChecks: false }),
    'analysis.checks',
    'nothing would watch the migration',
  ],
  [
    'a check that shadows a default check',
    (i) => (i.analysis = { checks: [{ name: 'target-5xx-ratio', query: 'vector(0)', pass: '<', threshold: 1 }] }),
    'analysis.checks[0].name',
    'is defined twice',
  ],
  [
    'a query with an unknown placeholder',
    (i) => (i.analysis = { checks: [{ name: 'pods', query: 'up{pod="{{pod}}"}', pass: '>', threshold: 0 }] }),
    'analysis.checks[0].query',
    'unknown placeholder {{pod}}',
  ],
  [
    'an unknown approval mode',
    (i) => (i.approval = { mode: 'never' }),
    'approval.mode',
    'must be one of "manual", "auto"',
  ],
  ['a route with an empty host', (i) => (i.routes = [{ host: '' }]), 'routes[0].host', 'must be a host name'],
  [
    'a route host with a scheme',
    (i) => (i.routes = [{ host: 'http://bookinfo.example.com' }]),
    'routes[0].host',
    'must be a host name',
  ],
  [
    'a route path without a slash',
    (i) => (i.routes = [{ host: 'bookinfo.example.com', path: 'productpage' }]),
    'routes[0].path',
    'must start with "/"',
  ],
  [
    'a route expecting no status',
    (i) => (i.routes = [{ host: 'bookinfo.example.com', expectStatus: [] }]),
    'routes[0].expectStatus',
    'must have at least 1 item',
  ],
  [
    'a status code that does not exist',
    (i) => (i.routes = [{ host: 'bookinfo.example.com', expectStatus: [200, 700] }]),
    'routes[0].expectStatus[1]',
    'must be at most 599',
  ],
  [
    'a status code listed twice',
    (i) => (i.routes = [{ host: 'bookinfo.example.com', expectStatus: [200, 200] }]),
    'routes[0].expectStatus[1]',
    'lists 200 twice',
  ],
  ['an unknown driver', (i) => (i.traffic.kind = 'vs-split'), 'traffic.kind', 'must be one of "clb-annotation"'],
  ['a driver left unnamed', (i) => delete i.traffic.kind, 'traffic.kind', 'is required: one of "clb-annotation"'],
  ['no traffic at all', (i) => delete i.traffic, 'traffic', 'is required'],
  ['a driver field outside traffic', (i) => (i.source = i.traffic.source), 'source', 'unknown field'],
  [
    'a data coverage given in percent',
    (i) => (i.analysis = { minDataCoverage: 80 }),
    'analysis.minDataCoverage',
    'must be at most 1',
  ],
  [
    'a negative data coverage',
    (i) => (i.analysis = { minDataCoverage: -0.1 }),
    'analysis.minDataCoverage',
    'must be at least 0',
  ],
];

describe('buildPlan refuses bad input, naming the field', () => {
  it.each(badInputs)('%s', (_what, breakIt, field, fragment) => {
    const input = valid();
    breakIt(input);
    const error = refusal(input);
    expect(error.field).toBe(field);
    expect(error.problem).toContain(fragment);
    expect(error.message.startsWith(`invalid input: ${field}: `)).toBe(true);
  });

  it('refuses what is not an object', () => {
    const empty = 'invalid input: (input): is empty: a migration input is one object (see examples/migration.yaml)';
    expect(refusal(undefined).message).toBe(empty);
    expect(refusal(null).message).toBe(empty);
    expect(refusal([valid()]).message).toBe('invalid input: (input): must be an object (got a list)');
  });

  it('recognises a pasted Kubernetes object and says what a migration input is instead', () => {
    const error = refusal({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway' }, spec: {} });
    expect(error.message).toBe(
      'invalid input: (input): is a Kubernetes Service (apiVersion v1), not a gateshift migration input: a migration names the gateways and what moves under `traffic`, its phases and checks (see examples/migration.yaml)',
    );
    expect(error.others).toEqual([]);
  });

  it('refuses an input in the shape before it named its driver, showing the new shape', () => {
    const { traffic, ...rest } = valid();
    const { kind: _kind, ...fields } = traffic;
    for (const old of [
      { ...rest, ...fields },
      { ...rest, driver: 'clb-annotation', ...fields },
    ]) {
      const error = refusal(old);
      expect(error.field).toBe('traffic');
      expect(error.message).toBe(
        'invalid input: traffic: is required: the input now names its driver. Move source, target, loadBalancers under ' +
          '`traffic: { kind: clb-annotation, source: …, target: …, loadBalancers: … }` (see examples/migration.yaml)',
      );
      expect(error.others).toEqual([]);
    }
    // The message names the fields the input holds.
    const { loadBalancers: _loadBalancers, ...withoutClbs } = fields;
    expect(refusal({ ...rest, ...withoutClbs, gatewayNamespaces: ['istio-system'] }).problem).toContain(
      'Move source, target, gatewayNamespaces under `traffic: { kind: clb-annotation, source: …, target: …, gatewayNamespaces: … }`',
    );
  });

  it('reports every problem, the first one in the message', () => {
    const input = valid();
    input.traffic.loadBalancers[0].region = 'Hangzhou';
    input.phases = phases([100, 0], [0, 0]);
    input.oops = true;
    const error = refusal(input);
    expect(error.message).toBe(
      'invalid input: traffic.loadBalancers[0].region: must be a region id such as "cn-hangzhou" (and 1 more problem)',
    );
    expect(error.others).toEqual([{ field: 'oops', problem: 'unknown field' }]);
  });

  it('never repeats a refused value that could be a secret', () => {
    const input = valid();
    input.traffic.source.selector = { istio: 'LTAI5tQm9yXxVbN2ZkEwP7' };
    input.analysis = { prometheusUrl: 'https://admin:hunter2@prometheus:9090' };
    input.credentials = { accessKeySecret: 'kT8wq0sWm3Rn' };
    const error = refusal(input);
    const everything = JSON.stringify({ message: error.message, others: error.others });
    expect(error.others).toHaveLength(2);
    for (const secret of ['LTAI5tQm9yXxVbN2ZkEwP7', 'hunter2', 'kT8wq0sWm3Rn'])
      expect(everything).not.toContain(secret);
  });
});

describe('buildPlan fills in the defaults of the ASM procedure', () => {
  const plan = buildPlan(valid());

  it('shifts in five phases, soaking 1h, 2h, 1h and a 1h final validation', () => {
    const phases = shiftSteps(plan.steps);
    expect(phases.map((p) => [p.name, p.weights.source, p.weights.target, p.soakMs / 60_000])).toEqual([
      ['initial', 100, 0, 0],
      ['canary', 90, 10, 60],
      ['half', 50, 50, 120],
      ['majority', 10, 90, 60],
      ['final', 0, 100, 60],
    ]);
    expect(phases.map((p) => p.phase)).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs the phases as steps in order, waits for the source to drain, then the completion gate', () => {
    expect(plan.steps.map((step) => [step.index, step.kind])).toEqual([
      [0, 'shift'],
      [1, 'shift'],
      [2, 'shift'],
      [3, 'shift'],
      [4, 'shift'],
      [5, 'await'],
      [6, 'gate'],
    ]);
    expect(plan.steps.at(-1)).toEqual({ kind: 'gate', name: 'completion', index: 6 });
  });

  it('waits for a human at every step', () => {
    expect(shiftSteps(plan.steps).every((p) => p.approval === 'manual')).toBe(true);
  });

  it('rolls back on a breach of the three default checks', () => {
    expect(plan.analysis).toMatchObject({
      onBreach: 'rollback',
      consecutiveFailures: 3,
      intervalMs: 30_000,
      window: '2m',
      minDataCoverage: 0.8,
    });
    expect(plan.analysis.checks.map((c) => [c.name, c.pass, c.threshold])).toEqual([
      ['target-5xx-ratio', '<=', 0.01],
      ['target-p99-latency-ms', '<=', 1000],
      ['target-request-rate', '>', 0],
    ]);
    expect(plan.analysis.prometheusUrl).toBeUndefined();
  });

  it('uses the Services as workloads, the Service port as listener port, and one Service pair for every CLB', () => {
    const traffic = clb(plan);
    expect(traffic.source.workload).toBe('istio-ingressgateway');
    expect(traffic.target.workload).toBe('istio-ingressgateway-asm');
    expect(traffic.loadBalancers[0]).toEqual({
      id: 'lb-bp1onpskfeceg',
      region: 'cn-hangzhou',
      vServerGroups: [
        { id: 'rsp-bp1r4xk8a', port: 80, listenerPort: 80 },
        { id: 'rsp-bp1r4xk8b', port: 443, listenerPort: 443 },
      ],
      sourceService: 'istio-ingressgateway',
      targetService: 'istio-ingressgateway-asm',
    });
    expect(plan).toMatchObject({ kind: 'clb-annotation', verifyTimeoutMs: 300_000 });
  });

  it('reads the metrics of the target gateway against the source, checks Gateways in the source namespace', () => {
    expect(plan.analysis.variables).toEqual({
      workload: 'istio-ingressgateway-asm',
      namespace: 'istio-system',
      sourceWorkload: 'istio-ingressgateway',
      sourceNamespace: 'istio-system',
      window: '2m',
    });
    expect(clb(plan).gatewayNamespaces).toEqual(['istio-system']);
  });

  it('holds every CLB and rolls back to the source alone', () => {
    expect(plan.locks).toEqual(['clb/lb-bp1onpskfeceg']);
    expect(plan.restore).toEqual({ source: 100, target: 0 });
  });

  it('fills in a route probe: path /, port 80, http, expecting 200', () => {
    const withRoute = buildPlan({ ...valid(), routes: [{ host: 'bookinfo.example.com' }] });
    expect(withRoute.routes).toEqual([
      { host: 'bookinfo.example.com', path: '/', port: 80, scheme: 'http', expectStatus: [200] },
    ]);
  });
});

describe('buildPlan accepts what an SRE may mean', () => {
  it('advances on its own with auto approval, except where a phase asks for a human', () => {
    const plan = buildPlan({
      ...valid(),
      approval: { mode: 'auto' },
      phases: [...phases([100, 0], [50, 50]), { sourceWeight: 0, targetWeight: 100, approval: 'manual' }],
    });
    expect(shiftSteps(plan.steps).map((p) => p.approval)).toEqual(['auto', 'auto', 'manual']);
    expect(shiftSteps(plan.steps).map((p) => p.name)).toEqual(['100/0', '50/50', '0/100']);
  });

  it('may stop at 50/50 and hold a phase twice', () => {
    const plan = buildPlan({ ...valid(), phases: phases([100, 0], [50, 50], [50, 50]) });
    expect(shiftSteps(plan.steps).at(-1)).toMatchObject({ weights: { source: 50, target: 50 } });
  });

  it('reads durations as kubectl and Prometheus users write them', () => {
    const plan = buildPlan({
      ...valid(),
      phases: [
        { sourceWeight: 90, targetWeight: 10, soak: '1h30m' },
        { sourceWeight: 50, targetWeight: 50, soak: '2 hours' },
        { sourceWeight: 0, targetWeight: 100, soak: '1h 15m' },
      ],
      analysis: { interval: '1m', window: '1h30m' },
    });
    expect(shiftSteps(plan.steps).map((p) => p.soakMs / 60_000)).toEqual([90, 120, 75]);
    expect(plan.analysis).toMatchObject({ intervalMs: 60_000, window: '1h30m' });
  });

  it('takes prefixed label keys, several CLBs, per-CLB Services and custom checks', () => {
    const plan = buildPlan({
      ...valid(),
      traffic: {
        ...valid().traffic,
        source: {
          ...valid().traffic.source,
          selector: { 'app.kubernetes.io/name': 'istio-ingressgateway', istio: 'ingressgateway' },
        },
        loadBalancers: [
          ...valid().traffic.loadBalancers,
          {
            ...secondLb('lb-bp1internal'),
            sourceService: 'istio-ingressgateway-internal',
            targetService: 'asm-internal',
          },
        ],
      },
      analysis: {
        prometheusUrl: 'http://prometheus.istio-system:9090',
        checks: [
          {
            name: 'source-5xx',
            query: 'sum(rate(istio_requests_total{source_workload="{{sourceWorkload}}"}[{{window}}]))',
            pass: '<',
            threshold: 1,
          },
        ],
      },
    });
    expect(clb(plan).loadBalancers.map((lb) => [lb.id, lb.sourceService, lb.targetService])).toEqual([
      ['lb-bp1onpskfeceg', 'istio-ingressgateway', 'istio-ingressgateway-asm'],
      ['lb-bp1internal', 'istio-ingressgateway-internal', 'asm-internal'],
    ]);
    expect(plan.analysis.checks.map((c) => c.name)).toEqual([
      'target-5xx-ratio',
      'target-p99-latency-ms',
      'target-request-rate',
      'source-5xx',
    ]);
  });
});

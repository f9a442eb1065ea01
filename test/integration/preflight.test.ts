// The pre-flight against the real world of the ASM procedure (test/support/asm-scene.ts): a real
// kube-apiserver for the data plane and another for the ASM control plane, both reached as the worker's
// restricted ServiceAccount, the SLB emulator through the real SDK client, and gateway pods answering
// HTTP. The healthy scene passes every item; each broken precondition fails exactly its own item,
// saying why and how to fix it; what cannot be checked says why not, and what depends on it too.
import { PatchStrategy, setHeaderOptions, type V1ServicePort } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { PreflightReport } from '../../activities/contracts.js';
import { createDrivers } from '../../activities/drivers/index.js';
import { preflightActivity } from '../../activities/engine/preflight.js';
import { checklistSummary } from '../../src/api/checklist.js';
import type { ChecklistItem } from '../../src/api/records.js';
import { checklistLines } from '../../src/cli/checklist-lines.js';
import {
  buildPlan,
  CLB_ANNOTATIONS,
  type ClbTraffic,
  IGNORE_WEIGHT_UPDATE_ANNOTATION,
  legacyKey,
  type MigrationInput,
  type MigrationPlan,
} from '../../src/plan/index.js';
import { runActivity } from '../support/activity-run.js';
import {
  type AsmScene,
  cloudClients,
  GATEWAY_NS,
  HOST,
  ROUTES_NS,
  SOURCE_SERVICE,
  setEnv,
  startAsmScene,
  TARGET_SERVICE,
} from '../support/asm-scene.js';

const ITEMS = {
  sourcePods: 'source gateway has ready pods',
  targetPods: 'target gateway has ready pods',
  tags: 'CLB has no blocking tag',
  protection: 'CLB modification protection off',
  listeners: 'every listener has a vServer group in vgroup-port',
  schedulers: 'every listener spreads connections by backend weight',
  sourceAnnotations: `source Service ${GATEWAY_NS}/${SOURCE_SERVICE} carries the CLB annotations`,
  targetAnnotations: `target Service ${GATEWAY_NS}/${TARGET_SERVICE} carries the CLB annotations`,
  weightsParse: 'both weight annotations are integers 0–100',
  weightUpdates: 'neither Service turns off weight updates',
  prefix: 'the CLB annotations use the alibaba-cloud- prefix',
  ports: 'target Service ports match the source',
  backends: 'target pods are healthy backends of every vServer group',
  shares: 'every phase gives the target about the share its weights say',
  covered: "every phase's weights cover their side's backends",
  gateways: 'Gateway resources select the ASM gateway on the ASM control plane',
  routes: 'ASM gateway pods answer every route like the Istio gateway',
};
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const GATEWAY = {
  group: 'networking.istio.io',
  version: 'v1beta1',
  namespace: ROUTES_NS,
  plural: 'gateways',
  name: 'bookinfo-gateway',
};

let scene: AsmScene;
let restoreEnv: (() => void) | undefined;
let preflight: ReturnType<typeof preflightActivity>;

beforeAll(async () => {
  scene = await startAsmScene({ asmControlPlane: true });
  restoreEnv = setEnv(scene.env);
  preflight = preflightActivity(createDrivers(cloudClients({ maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 20 })));
});

afterAll(async () => {
  restoreEnv?.();
  await scene?.stop();
});

async function runPreflight(plan: MigrationPlan = scene.plan): Promise<PreflightReport> {
  const { result, error } = await runActivity(preflight, { migrationId: 'scene', plan }).outcome;
  if (!result) throw error;
  return result;
}

/** The scene's plan with its first CLB, target gateway or phases changed. */
function planWith(change: { lb?: object; target?: object; phases?: MigrationInput['phases'] }): MigrationPlan {
  const traffic = scene.plan.traffic as ClbTraffic;
  const [first, ...others] = traffic.loadBalancers;
  const changed = {
    ...scene.plan,
    traffic: {
      ...traffic,
      target: { ...traffic.target, ...change.target },
      loadBalancers: [{ ...first, ...change.lb }, ...others],
    },
  } as MigrationPlan;
  if (!change.phases) return changed;
  const steps = buildPlan({
    traffic: { kind: 'clb-annotation', ...minimalTraffic },
    phases: change.phases,
    routes: scene.plan.routes,
  }).steps;
  return { ...changed, steps };
}

const minimalTraffic = {
  source: { namespace: GATEWAY_NS, service: SOURCE_SERVICE, selector: { istio: 'ingressgateway' } },
  target: { namespace: GATEWAY_NS, service: TARGET_SERVICE, selector: { istio: 'ingressgateway-asm' } },
  loadBalancers: [{ id: 'lb-any', region: 'cn-hangzhou', vServerGroups: [{ id: 'rsp-any', port: 80 }] }],
};

/** The pre-flight fails `item` and nothing else: every other precondition still holds. */
async function onlyFailure(item: string): Promise<ChecklistItem> {
  const report = await runPreflight();
  const failed = report.items.filter((candidate) => !candidate.ok);
  expect(failed.map((candidate) => candidate.item)).toEqual([item]);
  expect(report.ok).toBe(false);
  return failed[0] as ChecklistItem;
}

const clb = () => scene.clbs[0] as AsmScene['clbs'][number];

/** Sets (or, with null, removes) annotations of a gateway Service until the test ends. */
async function annotateForTest(service: string, values: Record<string, string | null>): Promise<void> {
  const patch = (annotations: Record<string, string | null>) =>
    scene.admin.patchNamespacedService(
      { namespace: GATEWAY_NS, name: service, body: { metadata: { annotations } } },
      MERGE_PATCH,
    );
  const before = (await scene.admin.readNamespacedService({ namespace: GATEWAY_NS, name: service })).metadata
    ?.annotations;
  await patch(values);
  onTestFinished(async () => {
    await patch(Object.fromEntries(Object.keys(values).map((key) => [key, before?.[key] ?? null])));
  });
}
const ipOf = (name: string) => scene.pods.find((pod) => pod.name === name)?.ip ?? '';

describe('pre-flight', () => {
  it('passes every item of the healthy scene', async () => {
    const report = await runPreflight();
    expect(report.items.filter((item) => !item.ok)).toEqual([]);
    expect(report.items.map((item) => item.item)).toEqual(Object.values(ITEMS));
    expect(report.items.every((item) => item.status === 'pass')).toBe(true);
    expect(checklistSummary(report.items)).toBe(`all ${Object.values(ITEMS).length} checks passed`);
    expect(report.ok).toBe(true);
  });

  it('fails on a CLB tag that makes the CCM refuse to reuse it', async () => {
    scene.emulator.state.setTags(clb().id, { 'kubernetes.do.not.delete': SOURCE_SERVICE });
    onTestFinished(() => scene.emulator.state.removeTags(clb().id, ['kubernetes.do.not.delete']));
    const failed = await onlyFailure(ITEMS.tags);
    expect(failed.resource).toBe(`clb/${clb().id}`);
    expect(failed.why).toBe(
      'tag kubernetes.do.not.delete makes the CCM refuse to reuse it ("can not reuse loadbalancer created by kubernetes")',
    );
    expect(failed.fix).toContain(`UntagResources (ResourceType=instance, ResourceId.1=${clb().id}`);
  });

  it('fails while modification protection is on', async () => {
    scene.emulator.state.setModificationProtection(clb().id, 'ConsoleProtection', 'locked by the platform team');
    onTestFinished(() => scene.emulator.state.setModificationProtection(clb().id, 'NonProtection'));
    const failed = await onlyFailure(ITEMS.protection);
    expect(failed.why).toContain('configuration read-only mode is on (locked by the platform team)');
    expect(failed.fix).toBe(
      `turn it off: SetLoadBalancerModificationProtection LoadBalancerId=${clb().id} ModificationProtectionStatus=NonProtection`,
    );
  });

  it('fails when the source Service lacks a CLB annotation', async () => {
    const vgroupPort = clb()
      .groups.map((group) => `${group.id}:${group.port}`)
      .join(',');
    const patch = (value: string | null) =>
      scene.admin.patchNamespacedService(
        {
          namespace: GATEWAY_NS,
          name: SOURCE_SERVICE,
          body: { metadata: { annotations: { [CLB_ANNOTATIONS.vgroupPort]: value } } },
        },
        MERGE_PATCH,
      );
    await patch(null);
    onTestFinished(() => patch(vgroupPort).then(() => undefined));
    const failed = await onlyFailure(ITEMS.sourceAnnotations);
    expect(failed.why).toBe(`${CLB_ANNOTATIONS.vgroupPort} is missing, expected "${vgroupPort}"`);
    // Only adds what is missing: without --overwrite, kubectl changes no value that is there.
    expect(failed.fix).toBe(
      `kubectl -n ${GATEWAY_NS} annotate service ${SOURCE_SERVICE} ${CLB_ANNOTATIONS.vgroupPort}="${vgroupPort}"`,
    );
  });

  it('shows both values, input first, and proposes no write when the input names another CLB', async () => {
    const report = await runPreflight(planWith({ lb: { id: 'lb-typo' } }));
    const blocking = report.items.filter((item) => !item.ok);
    expect(blocking.map((item) => [item.status, item.item])).toEqual([
      ['unchecked', 'CLB reusable'],
      ['unchecked', ITEMS.listeners],
      ['unchecked', ITEMS.schedulers],
      ['fail', ITEMS.sourceAnnotations],
      ['fail', ITEMS.targetAnnotations],
      ['unchecked', ITEMS.backends],
    ]);
    const [reusable, , , source] = blocking as ChecklistItem[];
    // A CLB that does not exist is about the input, not about permissions.
    expect(reusable?.cause).toBe('not found: CLB lb-typo in cn-hangzhou');
    expect(reusable?.fix).toBe(
      'check traffic.loadBalancers[0].id ("lb-typo") and traffic.loadBalancers[0].region ("cn-hangzhou") in the input: no such CLB in that region',
    );
    expect(source?.why).toBe(
      `the input gives "lb-typo" (traffic.loadBalancers[0].id), ${GATEWAY_NS}/${SOURCE_SERVICE} carries "${clb().id}" (${CLB_ANNOTATIONS.id})`,
    );
    expect(source?.fix).toMatch(/^check the input first: if traffic.loadBalancers\[0\].id is wrong, correct it/);
    for (const item of blocking) expect(item.fix ?? '').not.toMatch(/kubectl|grant/);
    expect(checklistSummary(report.items)).toBe(
      'not found (CLB lb-typo in cn-hangzhou): 12 of 16 checks could run, 2 failed',
    );
    // What `gateshift status` and `gateshift start` print of it.
    expect(checklistLines(report.items).join('\n')).toMatchInlineSnapshot(`
      "preflight: not found (CLB lb-typo in cn-hangzhou): 12 of 16 checks could run, 2 failed
        UNCHECKED  [clb/lb-typo] CLB reusable
                   [clb/lb-typo] every listener has a vServer group in vgroup-port
                   [clb/lb-typo] every listener spreads connections by backend weight
                   why: could not check: CLB lb-typo in cn-hangzhou does not exist
                   fix: check traffic.loadBalancers[0].id ("lb-typo") and traffic.loadBalancers[0].region ("cn-hangzhou") in the input: no such CLB in that region
        FAIL       [clb/lb-typo] source Service istio-system/istio-ingressgateway carries the CLB annotations: the input gives "lb-typo" (traffic.loadBalancers[0].id), istio-system/istio-ingressgateway carries "lb-bp1scenepublic" (service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id)
                   fix: check the input first: if traffic.loadBalancers[0].id is wrong, correct it and start again; if the input is right, istio-system/istio-ingressgateway disagrees with it (or traffic.source.service names the wrong Service), which the Service's owner must sort out: gateshift proposes no write to a gateway Service that disagrees with the input
        FAIL       [clb/lb-typo] target Service istio-system/istio-ingressgateway-asm carries the CLB annotations: the input gives "lb-typo" (traffic.loadBalancers[0].id), istio-system/istio-ingressgateway-asm carries "lb-bp1scenepublic" (service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id)
                   fix: check the input first: if traffic.loadBalancers[0].id is wrong, correct it and start again; if the input is right, istio-system/istio-ingressgateway-asm disagrees with it (or traffic.target.service names the wrong Service), which the Service's owner must sort out: gateshift proposes no write to a gateway Service that disagrees with the input
        UNCHECKED  [clb/lb-typo] target pods are healthy backends of every vServer group: could not check: CLB lb-typo in cn-hangzhou does not exist
                   fix: check traffic.loadBalancers[0].id and traffic.loadBalancers[0].vServerGroups in the input: they name what does not exist"
    `);
  });

  it('tells a selector that matches no pod from pods that are not ready, listing the labels there', async () => {
    const report = await runPreflight(planWith({ target: { selector: { istio: 'ingressgateway-asn' } } }));
    const blocking = report.items.filter((item) => !item.ok);
    expect(blocking.map((item) => [item.status, item.item])).toEqual([
      ['fail', ITEMS.targetPods],
      ['unchecked', ITEMS.backends],
      ['unchecked', ITEMS.shares],
      ['unchecked', ITEMS.covered],
      // The Gateway copies select the ASM gateway by the selector's istio label.
      ['fail', ITEMS.gateways],
      ['unchecked', ITEMS.routes],
    ]);
    expect(blocking[0]?.why).toBe(
      `no pod in ${GATEWAY_NS} (context source) matches istio=ingressgateway-asn: pods in ${GATEWAY_NS} carry istio=ingressgateway (2 pods), istio=ingressgateway-asm (3 pods)`,
    );
    expect(blocking[0]?.fix).toBe(
      `check traffic.target.selector (istio=ingressgateway-asn) and traffic.target.namespace (${GATEWAY_NS}) in the input`,
    );
    expect(blocking[1]?.why).toBe(
      'could not check: no pod matches traffic.target.selector (see "target gateway has ready pods")',
    );
  });

  it('warns, without stopping, about a phase whose real share differs from its weights', async () => {
    const report = await runPreflight(
      planWith({
        phases: [
          { sourceWeight: 100, targetWeight: 0 },
          { name: 'canary', sourceWeight: 70, targetWeight: 10, soak: '1h' },
          { sourceWeight: 0, targetWeight: 100, soak: '1h' },
        ],
      }),
    );
    expect(report.ok).toBe(true);
    const shares = report.items.find((item) => item.item === ITEMS.shares);
    expect(shares?.status).toBe('warn');
    expect(shares?.why).toMatch(
      /^with 2 source and 3 target pod\(s\) behind lb-\S+: phase 1 \(canary 70\/10\) gives the target 11.39%, not 10%/,
    );
    expect(checklistSummary(report.items)).toBe(`all ${Object.values(ITEMS).length} checks passed, 1 with a warning`);
  });

  it('fails on a listener whose vServer group is not in the plan (nor in vgroup-port)', async () => {
    const { state } = scene.emulator;
    state.addVServerGroup(clb().id, { id: 'rsp-bp1publicadmin', listenerPorts: [8443] });
    onTestFinished(() => {
      const lb = state.requireLoadBalancer(clb().id);
      lb.listeners = lb.listeners.filter((listener) => listener.port !== 8443);
      state.vServerGroups.delete('rsp-bp1publicadmin');
    });
    const failed = await onlyFailure(ITEMS.listeners);
    expect(failed.why).toBe(
      'listener port tcp:8443 is served by no vServer group of the plan: its traffic would not move',
    );
    expect(failed.fix).toBe(
      'add the vServer group of each listener to traffic.loadBalancers[0].vServerGroups (and to the vgroup-port annotation)',
    );
  });

  it('fails on a vServer group the CCM created, which it refuses to reuse', async () => {
    const http = clb().groups[0]?.id ?? '';
    const group = scene.emulator.state.requireVServerGroup(http);
    const name = group.name;
    group.name = 'k8s/80/istio-ingressgateway/istio-system/c0123';
    onTestFinished(() => {
      group.name = name;
    });
    const failed = await onlyFailure(ITEMS.listeners);
    expect(failed.why).toBe(
      `${http} (k8s/80/istio-ingressgateway/istio-system/c0123) was created by the CCM for a Service: the CCM refuses it in vgroup-port ("cannot reuse a ccm created vgroup")`,
    );
    expect(failed.fix).toContain('create a vServer group of your own per listener');
  });

  it('fails when a target pod is not a backend of one vServer group', async () => {
    const https = clb().groups[1]?.id ?? '';
    const { state } = scene.emulator;
    const before = state.requireVServerGroup(https).backends.map((backend) => ({ ...backend }));
    const missing = ipOf(`${TARGET_SERVICE}-2`);
    state.setBackends(
      https,
      before.filter((backend) => backend.serverIp !== missing),
    );
    onTestFinished(() => state.setBackends(https, before));
    const failed = await onlyFailure(ITEMS.backends);
    expect(failed.why).toBe(`${https} lacks ${missing}`);
    expect(failed.fix).toContain('check the target Service annotations (id, vgroup-port) and the CCM events');
  });

  it('fails when a target backend fails the CLB health check', async () => {
    const sick = ipOf(`${TARGET_SERVICE}-1`);
    scene.emulator.state.setHealth(sick, 'abnormal');
    onTestFinished(() => scene.emulator.state.setHealth(sick, 'normal'));
    const failed = await onlyFailure(ITEMS.backends);
    const { http, https } = scene.podPorts;
    expect(failed.why).toBe(`${sick}:${http} is abnormal on listener 80; ${sick}:${https} is abnormal on listener 443`);
  });

  it('fails when the ASM control plane has no copy of the Gateway', async () => {
    await scene.asmCustom?.deleteNamespacedCustomObject(GATEWAY);
    onTestFinished(() => scene.copyRoutingToAsm());
    const failed = await onlyFailure(ITEMS.gateways);
    expect(failed.why).toContain(`Gateway ${ROUTES_NS}/bookinfo-gateway: create\n`);
    expect(failed.why).toContain('+ spec.selector.istio: "ingressgateway-asm"');
    expect(failed.fix).toBe(
      `copy the Gateways of ${ROUTES_NS} to ASM with spec.selector.istio: ingressgateway-asm, and their VirtualServices and DestinationRules unchanged`,
    );
  });

  it('fails when the Gateway copy still selects the Istio gateway', async () => {
    await scene.asmCustom?.patchNamespacedCustomObject(
      { ...GATEWAY, body: { spec: { selector: { istio: 'ingressgateway' } } } },
      MERGE_PATCH,
    );
    onTestFinished(() => scene.copyRoutingToAsm());
    const failed = await onlyFailure(ITEMS.gateways);
    expect(failed.why).toBe(
      'the ASM control plane differs from the source cluster:\n' +
        `Gateway ${ROUTES_NS}/bookinfo-gateway: update\n` +
        '  ~ spec.selector.istio: "ingressgateway" → "ingressgateway-asm"',
    );
  });

  it('fails when the ASM gateway pods answer the route with 404', async () => {
    delete scene.targetRoutes[HOST];
    onTestFinished(() => {
      scene.targetRoutes[HOST] = 200;
    });
    const failed = await onlyFailure(ITEMS.routes);
    const route = `http://${HOST}:${scene.podPorts.http}/productpage`;
    expect(failed.why).toContain(
      `${route} on ${GATEWAY_NS}/${TARGET_SERVICE} pod ${TARGET_SERVICE}-0 (${ipOf(`${TARGET_SERVICE}-0`)}): HTTP 404, expected 200`,
    );
    expect(failed.fix).toBe('copy the VirtualService of each failing route to ASM and check its Gateway');
  });

  it('blames the route, not ASM, when it fails on both gateways', async () => {
    delete scene.targetRoutes[HOST];
    delete scene.sourceRoutes[HOST];
    onTestFinished(() => {
      scene.targetRoutes[HOST] = 200;
      scene.sourceRoutes[HOST] = 200;
    });
    const failed = await onlyFailure(ITEMS.routes);
    const route = `http://${HOST}:${scene.podPorts.http}/productpage`;
    expect(failed.why).toBe(
      `${route} (routes[0]) fails on the Istio gateway ${GATEWAY_NS}/${SOURCE_SERVICE} too (HTTP 404): the route is wrong, not ASM`,
    );
    expect(failed.fix).toBe(
      'check routes[0] in the input (host, path, port, expectStatus) against the routes the Istio gateway serves',
    );
  });

  it('fails when the target Service ports differ from the source', async () => {
    const read = await scene.admin.readNamespacedService({ namespace: GATEWAY_NS, name: TARGET_SERVICE });
    const original = read.spec?.ports ?? [];
    const patchPorts = (ports: V1ServicePort[]) =>
      scene.admin.patchNamespacedService(
        { namespace: GATEWAY_NS, name: TARGET_SERVICE, body: { spec: { ports } } },
        MERGE_PATCH,
      );
    await patchPorts(original.map((port) => (port.port === 443 ? { ...port, targetPort: 9443 } : port)));
    onTestFinished(() => patchPorts(original).then(() => undefined));
    const failed = await onlyFailure(ITEMS.ports);
    expect(failed.why).toBe(`port 443: targetPort ${scene.podPorts.https} on the source, 9443 on the target`);
    expect(failed.fix).toBe('give the IstioGateway the ports and targetPorts of the Istio gateway Service');
  });

  it('fails on a round-robin listener, which ignores weights, and warns on a hashing one', async () => {
    const [http, https] = clb().groups;
    const { state } = scene.emulator;
    state.setScheduler(clb().id, http?.port ?? 0, 'rr');
    onTestFinished(() => state.setScheduler(clb().id, http?.port ?? 0, 'wrr'));
    const failed = await onlyFailure(ITEMS.schedulers);
    expect(failed.resource).toBe(`clb/${clb().id}`);
    expect(failed.why).toBe(
      `listener tcp:${http?.port} uses rr (round robin: backends take turns, whatever their weight): the backend weights the CCM writes do not change its split, so every phase would be a no-op reported as done`,
    );
    expect(failed.fix).toBe(
      `set the scheduling algorithm of tcp:${http?.port} to weighted round robin (wrr) in the CLB console or with SetLoadBalancerTCPListenerAttribute LoadBalancerId=${clb().id} ListenerPort=${http?.port} Scheduler=wrr`,
    );

    state.setScheduler(clb().id, http?.port ?? 0, 'wrr');
    state.setScheduler(clb().id, https?.port ?? 0, 'sch');
    onTestFinished(() => state.setScheduler(clb().id, https?.port ?? 0, 'wrr'));
    const report = await runPreflight();
    expect(report.ok).toBe(true);
    const hashing = report.items.find((item) => item.item === ITEMS.schedulers);
    expect(hashing).toMatchObject({ status: 'warn' });
    expect(hashing?.why).toContain(
      `listener tcp:${https?.port} uses sch (consistent hashing of the source IP: a client stays on its backend)`,
    );
  });

  it('fails when a Service turns off weight updates', async () => {
    await annotateForTest(TARGET_SERVICE, { [IGNORE_WEIGHT_UPDATE_ANNOTATION]: 'On' });
    const failed = await onlyFailure(ITEMS.weightUpdates);
    expect(failed.why).toBe(
      `the target Service ${GATEWAY_NS}/${TARGET_SERVICE} carries ${IGNORE_WEIGHT_UPDATE_ANNOTATION}: "on": the CCM would never change its backend weights, whatever the weight annotation says`,
    );
    expect(failed.fix).toBe(
      `kubectl -n ${GATEWAY_NS} annotate service ${TARGET_SERVICE} ${IGNORE_WEIGHT_UPDATE_ANNOTATION}-`,
    );
  });

  it("fails on a weight the CCM cannot parse, which would drop the Service's backends", async () => {
    await annotateForTest(TARGET_SERVICE, { [CLB_ANNOTATIONS.weight]: '0.5' });
    const report = await runPreflight();
    const failed = report.items.filter((item) => !item.ok);
    expect(failed.map((item) => item.item)).toEqual([ITEMS.targetAnnotations, ITEMS.weightsParse]);
    expect(failed[1]?.why).toBe(
      `the target Service ${GATEWAY_NS}/${TARGET_SERVICE} has weight "0.5": the CCM takes only an integer 0–100; with anything else it drops the Service from its model of the vServer groups and removes every backend of the Service from them, with no Event`,
    );
    expect(failed[1]?.fix).toBe(
      `kubectl -n ${GATEWAY_NS} annotate service ${TARGET_SERVICE} --overwrite ${CLB_ANNOTATIONS.weight}="0"`,
    );
  });

  it('recognises the legacy alicloud- prefix: reads it where the current key is absent, and says which one wins', async () => {
    // The target's id only under the legacy key; the source with a stale legacy weight the current key overrides.
    await annotateForTest(TARGET_SERVICE, { [CLB_ANNOTATIONS.id]: null, [legacyKey(CLB_ANNOTATIONS.id)]: clb().id });
    await annotateForTest(SOURCE_SERVICE, { [legacyKey(CLB_ANNOTATIONS.weight)]: '50' });
    const report = await runPreflight();
    expect(report.items.filter((item) => !item.ok)).toEqual([]);
    const legacy = report.items.find((item) => item.item === ITEMS.prefix);
    expect(legacy?.status).toBe('warn');
    expect(legacy?.why).toBe(
      `the source Service ${GATEWAY_NS}/${SOURCE_SERVICE} carries the legacy ${legacyKey(CLB_ANNOTATIONS.weight)}: "50" (ignored: ${CLB_ANNOTATIONS.weight} is "100" and wins); ` +
        `the target Service ${GATEWAY_NS}/${TARGET_SERVICE} carries the legacy ${legacyKey(CLB_ANNOTATIONS.id)}: "${clb().id}" (read, as ${CLB_ANNOTATIONS.id} is absent). ` +
        'The CCM reads both prefixes and the alibaba-cloud- key wins where both are set; gateshift reads the same way and writes the weight under the alibaba-cloud- key',
    );
    expect(legacy?.fix).toContain(
      `kubectl -n ${GATEWAY_NS} annotate service ${TARGET_SERVICE} ${CLB_ANNOTATIONS.id}="${clb().id}" ${legacyKey(CLB_ANNOTATIONS.id)}-`,
    );
  });

  it("flags a phase whose weight is under its side's backend count, with the share the CLB will apply", async () => {
    const report = await runPreflight(
      planWith({
        phases: [
          { sourceWeight: 100, targetWeight: 0 },
          { name: 'sliver', sourceWeight: 99, targetWeight: 2, soak: '1h' },
          { sourceWeight: 0, targetWeight: 100, soak: '1h' },
        ],
      }),
    );
    expect(report.ok).toBe(true);
    const covered = report.items.find((item) => item.item === ITEMS.covered);
    expect(covered?.status).toBe('warn');
    // 99 over 2 source pods is 49 each (98); 2 over 3 target pods is 1 each (3): 3 / 101.
    expect(covered?.why).toBe(
      `phase 1 (sliver 99/2) on ${clb().id}: the target weight 2 is under its 3 backends (3 pods (ENI)), each of which gets at least 1, so the CLB applies 97.03% to the source and 2.97% to the target, not 99/2`,
    );
  });
});

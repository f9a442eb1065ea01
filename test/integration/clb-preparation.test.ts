// The CLB driver's preparation of a raw cluster (steps 1–3 of the ASM procedure) against real
// kube-apiservers (the data plane, and the ASM control plane, as the worker's restricted ServiceAccount)
// and the SLB emulator through the real SDK client: each action changes what it should and nothing
// else, a second run changes nothing, and its undo restores exactly what was there — leaving alone what
// gateshift did not create.
import { type CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { MigrationActivities } from '../../activities/contracts.js';
import { createDrivers } from '../../activities/drivers/index.js';
import { activitiesFor } from '../../activities/index.js';
import { planPreview } from '../../src/api/preview.js';
import {
  type ActionStep,
  CLB_ANNOTATIONS,
  type ClbTraffic,
  type Json,
  PREPARE_ACTIONS,
  PREPARE_UNDO,
  PREPARED_CONDITION,
  SOURCE_REGISTERED_CONDITION,
} from '../../src/plan/index.js';
import { runActivity } from '../support/activity-run.js';
import {
  type AsmScene,
  applyCcm,
  CCM_CLB_TAGS,
  CCM_PROTECTION_REASON,
  ccmGroupId,
  cloudClients,
  GATEWAY_NS,
  OWN_ANNOTATION,
  ROUTES_NS,
  SOURCE_SERVICE,
  setEnv,
  startAsmScene,
} from '../support/asm-scene.js';
import { activityRefusal } from '../support/refusal.js';

const ISTIO_GATEWAYS = { group: 'istio.alibabacloud.com', version: 'v1beta1', plural: 'istiogateways' };
const NETWORKING = { group: 'networking.istio.io', version: 'v1beta1' };
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

let scene: AsmScene;
let restoreEnv: (() => void) | undefined;
let acts: MigrationActivities;
let asm: CustomObjectsApi;

beforeAll(async () => {
  scene = await startAsmScene({ raw: true, asmControlPlane: true });
  restoreEnv = setEnv(scene.env);
  acts = activitiesFor(createDrivers(cloudClients({ maxAttempts: 8, initialDelayMs: 5, maxDelayMs: 50 })));
  if (!scene.asmCustom) throw new Error('the scene has no ASM control plane');
  asm = scene.asmCustom;
});

afterAll(async () => {
  restoreEnv?.();
  await scene?.stop();
});

const traffic = () => scene.plan.traffic as ClbTraffic;
const clbId = () => traffic().loadBalancers[0]?.id ?? '';

async function run(action: string) {
  const { result, error } = await runActivity(acts.runAction, {
    migrationId: 'prepare',
    step: 1,
    traffic: traffic(),
    action,
    args: {},
  }).outcome;
  if (error !== undefined) throw error;
  return result?.changes ?? [];
}

/** What the action would change now, as its approver sees it. */
async function preview(action: string) {
  const { result, error } = await runActivity(acts.previewAction, {
    migrationId: 'prepare',
    step: 1,
    traffic: traffic(),
    action,
    args: {},
  }).outcome;
  if (error !== undefined) throw error;
  return result?.changes;
}

async function names(plural: string, api = NETWORKING): Promise<string[]> {
  const namespace = plural === 'istiogateways' ? GATEWAY_NS : ROUTES_NS;
  const list = (await asm.listNamespacedCustomObject({ ...api, plural, namespace })) as {
    items: { metadata: { name: string } }[];
  };
  return list.items.map((item) => item.metadata.name).sort();
}

/** Whether the condition holds now, and why not. */
async function condition(name: string, args: Record<string, Json> = {}) {
  const { result } = await runActivity(acts.awaitCondition, {
    migrationId: 'prepare',
    step: 2,
    traffic: traffic(),
    condition: name,
    args,
    timeoutMs: 1_000,
    metrics: { variables: scene.plan.analysis.variables },
  }).outcome;
  return { met: result?.met, message: result?.message ?? '' };
}

const planned = () => traffic().loadBalancers[0]?.vServerGroups ?? [];

/** Everything the preparation may change. */
async function snapshot() {
  const lb = scene.emulator.state.requireLoadBalancer(clbId());
  const source = await scene.admin.readNamespacedService({ namespace: GATEWAY_NS, name: SOURCE_SERVICE });
  return {
    tags: Object.fromEntries(lb.tags),
    protection: { ...lb.modificationProtection },
    annotations: source.metadata?.annotations ?? {},
    listeners: lb.listeners.map((listener) => `${listener.protocol}:${listener.port} → ${listener.vServerGroupId}`),
    istioGateways: await names('istiogateways', ISTIO_GATEWAYS),
    gateways: await names('gateways'),
    virtualServices: await names('virtualservices'),
    destinationRules: await names('destinationrules'),
  };
}

describe('the plan of a raw cluster', () => {
  it('prepares before the first shift, each action with its undo, and previews what each writes', () => {
    const { steps } = scene.plan;
    const firstShift = steps.findIndex((step) => step.kind === 'shift');
    const preparation = steps.slice(0, firstShift);
    expect(preparation.map((step) => (step.kind === 'action' ? step.action : step.kind))).toEqual([
      PREPARE_ACTIONS.fixClb,
      PREPARE_ACTIONS.annotate,
      'await',
      PREPARE_ACTIONS.moveListeners,
      PREPARE_ACTIONS.gateway,
      PREPARE_ACTIONS.copy,
      'await',
    ]);
    const actions = preparation.filter((step): step is ActionStep => step.kind === 'action');
    for (const step of actions) {
      expect(step.undo?.action).toBe(PREPARE_UNDO[step.action as keyof typeof PREPARE_UNDO]);
      // A rollback puts the ASM gateway at weight 0 and leaves the preparation in place.
      expect(step.undoOnRollback).toBe(false);
      expect(step.approval).toBe('manual');
    }
    const preview = planPreview(scene.plan, { preflight: { ok: true, items: [] } });
    const annotate = preview.steps.find((step) => step.label.includes('annotate the source Service'));
    expect(annotate?.writes.map((write) => write.change)).toEqual([
      `+ ${CLB_ANNOTATIONS.id}: "${clbId()}"`,
      `+ ${CLB_ANNOTATIONS.forceOverrideListeners}: "false"`,
      `+ ${CLB_ANNOTATIONS.vgroupPort}: "${scene.clbs[0]?.groups.map((g) => `${g.id}:${g.port}`).join(',')}"`,
      `+ ${CLB_ANNOTATIONS.weight}: "100"`,
    ]);
    expect(actions.find((step) => step.action === PREPARE_ACTIONS.fixClb)?.preview).toContain('UntagResources');
  });

  it('passes the pre-flight of what the preparation does not do itself; without fixClb the CLB item fails with its fix', async () => {
    // Each listener forwards to a group the CCM created: the preparation moves it to the planned one.
    const check = async (fixClb: boolean) => {
      const plan = { ...scene.plan, traffic: { ...traffic(), prepare: { ...traffic().prepare, fixClb } } };
      const { result } = await runActivity(acts.preflight, { migrationId: 'prepare', plan } as never).outcome;
      return result as { ok: boolean; items: { item: string; ok: boolean; fix?: string }[] };
    };
    const fixed = await check(true);
    expect(fixed.items.filter((item) => !item.ok)).toEqual([]);
    expect(fixed.items.find((item) => item.item === 'every listener has a vServer group in vgroup-port')).toMatchObject(
      { why: expect.stringContaining('tcp:80, tcp:443 forwards to another group now: the step "move the listeners') },
    );
    const refused = await check(false);
    expect(refused.ok).toBe(false);
    expect(refused.items.find((item) => item.item === 'CLB has no blocking tag')?.fix).toContain('UntagResources');
  });

  it('previews the raw cluster without writing: the shares wait for the ASM gateway the preparation creates', async () => {
    const before = await snapshot();
    const { result, error } = await runActivity(acts.readPreview, { migrationId: 'prepare', plan: scene.plan }).outcome;
    expect(error).toBeUndefined();
    expect(result?.preflight.ok).toBe(true);
    expect(result?.sharesUnknown).toContain(`${GATEWAY_NS}/istio-ingressgateway-asm does not exist`);
    expect(await snapshot()).toEqual(before);
  });

  it('is not prepared yet: the last step waits, naming what is missing', async () => {
    const prepared = await condition(PREPARED_CONDITION, { routes: scene.plan.routes });
    expect(prepared.met).toBe(false);
    expect(prepared.message).toContain('target');
    // The planned groups are empty until the CCM fills them: no listener may move there yet.
    const registered = await condition(SOURCE_REGISTERED_CONDITION);
    expect(registered.met).toBe(false);
    // Nothing of the Service registered yet: the mode is the CCM's default (ECS), each group names its gap.
    expect(registered.message).toContain(
      `source pods are healthy backends of every vServer group: ${planned()[0]?.id} has no node backend`,
    );
  });
});

describe('each preparation action', () => {
  const cases: {
    action: keyof typeof PREPARE_UNDO;
    changed: (s: Awaited<ReturnType<typeof snapshot>>) => void;
    before?: () => Promise<void>;
  }[] = [
    {
      action: PREPARE_ACTIONS.fixClb,
      changed: (s: Awaited<ReturnType<typeof snapshot>>) => {
        expect(s.tags).toEqual({});
        expect(s.protection.status).toBe('NonProtection');
      },
    },
    {
      action: PREPARE_ACTIONS.annotate,
      changed: (s: Awaited<ReturnType<typeof snapshot>>) => {
        expect(s.annotations).toMatchObject({
          ...OWN_ANNOTATION,
          [CLB_ANNOTATIONS.id]: clbId(),
          [CLB_ANNOTATIONS.forceOverrideListeners]: 'false',
          [CLB_ANNOTATIONS.weight]: '100',
        });
      },
    },
    {
      action: PREPARE_ACTIONS.moveListeners,
      // The CCM fills the groups the Service now names; then the step before the move is met.
      before: async () => {
        await applyCcm(scene);
        expect(await condition(SOURCE_REGISTERED_CONDITION)).toMatchObject({ met: true });
      },
      changed: (s: Awaited<ReturnType<typeof snapshot>>) =>
        expect(s.listeners).toEqual(planned().map((group) => `tcp:${group.listenerPort} → ${group.id}`)),
    },
    {
      action: PREPARE_ACTIONS.gateway,
      changed: (s: Awaited<ReturnType<typeof snapshot>>) => expect(s.istioGateways).toEqual(['ingressgateway-asm']),
    },
    {
      action: PREPARE_ACTIONS.copy,
      changed: (s: Awaited<ReturnType<typeof snapshot>>) => {
        expect(s.gateways).toEqual(['bookinfo-gateway']);
        expect(s.virtualServices.length).toBeGreaterThan(0);
        expect(s.destinationRules.length).toBeGreaterThan(0);
      },
    },
  ];

  // In plan order, each on top of the previous ones (the ASM gateway copies the annotations of step 2).
  for (const { action, changed, before: setUp } of cases)
    it(`${action}: changes what it says, a second run changes nothing, its undo restores the state before`, async () => {
      await setUp?.();
      const before = await snapshot();
      const diff = await preview(action);
      expect(await snapshot()).toEqual(before);
      expect(diff?.length).toBeGreaterThan(0);
      // The preview's diff is what the action then reports having changed.
      expect(await run(action)).toEqual(diff);
      const after = await snapshot();
      expect(await preview(action)).toEqual([]);
      changed(after);
      expect(await run(action)).toEqual([]);
      expect(await snapshot()).toEqual(after);

      const undo = PREPARE_UNDO[action];
      expect((await run(undo)).length).toBeGreaterThan(0);
      expect(await snapshot()).toEqual(before);
      expect(await run(undo)).toEqual([]);
      // Again, to leave the state for the next action.
      await run(action);
    });

  it('gives the CLB back the exact tags and protection reason it had', async () => {
    const lb = scene.emulator.state.requireLoadBalancer(clbId());
    expect(Object.fromEntries(lb.tags)).toEqual({});
    await run(PREPARE_UNDO[PREPARE_ACTIONS.fixClb]);
    expect(Object.fromEntries(lb.tags)).toEqual(CCM_CLB_TAGS);
    expect(lb.modificationProtection).toEqual({ status: 'ConsoleProtection', reason: CCM_PROTECTION_REASON });
    await run(PREPARE_ACTIONS.fixClb);
  });
});

describe('the listener move', () => {
  it('shows each listener and its groups in its diff, and its undo leaves a listener whose old group is gone', async () => {
    const [http, https] = planned();
    const lb = clbId();
    await run(PREPARE_UNDO[PREPARE_ACTIONS.moveListeners]);
    expect(await preview(PREPARE_ACTIONS.moveListeners)).toEqual([
      `CLB ${lb} listener tcp:80: vServer group ${ccmGroupId(http?.id ?? '')} → ${http?.id}`,
      `CLB ${lb} listener tcp:443: vServer group ${ccmGroupId(https?.id ?? '')} → ${https?.id}`,
    ]);
    await run(PREPARE_ACTIONS.moveListeners);
    // As the CCM's cleanup does once no listener forwards to its group.
    scene.emulator.state.deleteVServerGroup(ccmGroupId(http?.id ?? ''));
    expect(await run(PREPARE_UNDO[PREPARE_ACTIONS.moveListeners])).toEqual([
      `CLB ${lb} listener tcp:80: left on ${http?.id}, which serves the same backends: ${ccmGroupId(http?.id ?? '')}, where it forwarded before, no longer exists (the CCM deletes the groups it created once the Service names others)`,
      `CLB ${lb} listener tcp:443: vServer group ${https?.id} → ${ccmGroupId(https?.id ?? '')} (back)`,
    ]);
    expect((await snapshot()).listeners).toEqual([`tcp:80 → ${http?.id}`, `tcp:443 → ${ccmGroupId(https?.id ?? '')}`]);
    expect(await run(PREPARE_UNDO[PREPARE_ACTIONS.moveListeners])).toEqual([]);
    await run(PREPARE_ACTIONS.moveListeners);
  });
});

describe('what gateshift did not create', () => {
  it('restores an annotation the source Service had before, instead of removing it', async () => {
    await run(PREPARE_UNDO[PREPARE_ACTIONS.annotate]);
    await scene.admin.patchNamespacedService(
      {
        namespace: GATEWAY_NS,
        name: SOURCE_SERVICE,
        body: { metadata: { annotations: { [CLB_ANNOTATIONS.forceOverrideListeners]: 'true' } } },
      },
      MERGE_PATCH,
    );
    onTestFinished(() => run(PREPARE_ACTIONS.annotate).then(() => undefined));
    const changes = await run(PREPARE_ACTIONS.annotate);
    expect(changes.join('\n')).toContain(`${CLB_ANNOTATIONS.forceOverrideListeners}: "true" → "false"`);
    await run(PREPARE_UNDO[PREPARE_ACTIONS.annotate]);
    const source = await scene.admin.readNamespacedService({ namespace: GATEWAY_NS, name: SOURCE_SERVICE });
    const annotations = source.metadata?.annotations ?? {};
    expect(annotations).toMatchObject({ ...OWN_ANNOTATION, [CLB_ANNOTATIONS.forceOverrideListeners]: 'true' });
    for (const key of [CLB_ANNOTATIONS.id, CLB_ANNOTATIONS.vgroupPort, CLB_ANNOTATIONS.weight])
      expect(annotations[key]).toBeUndefined();
  });

  it('neither takes over nor deletes an ASM gateway or a routing object someone else wrote', async () => {
    // An admin's copy of a VirtualService that differs from the source: the copy refuses, naming it.
    const [vsName] = await names('virtualservices');
    if (!vsName) throw new Error('no VirtualService copied');
    await run(PREPARE_UNDO[PREPARE_ACTIONS.copy]);
    const adminAsm = asm;
    await adminAsm.createNamespacedCustomObject({
      ...NETWORKING,
      plural: 'virtualservices',
      namespace: ROUTES_NS,
      body: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: vsName },
        spec: { hosts: ['someone-else.example.com'], http: [{ route: [{ destination: { host: 'other' } }] }] },
      },
    });
    const refused = await activityRefusal(run(PREPARE_ACTIONS.copy));
    expect(refused.message).toContain(`VirtualService ${ROUTES_NS}/${vsName}`);
    expect(refused.message).toContain('does not overwrite');
    // Its undo leaves the admin's object where it is.
    await run(PREPARE_UNDO[PREPARE_ACTIONS.copy]);
    expect(await names('virtualservices')).toEqual([vsName]);
    await adminAsm.deleteNamespacedCustomObject({
      ...NETWORKING,
      plural: 'virtualservices',
      namespace: ROUTES_NS,
      name: vsName,
    });

    // The same for the IstioGateway: one written by an admin stays after the undo.
    await run(PREPARE_UNDO[PREPARE_ACTIONS.gateway]);
    await adminAsm.createNamespacedCustomObject({
      ...ISTIO_GATEWAYS,
      namespace: GATEWAY_NS,
      body: {
        apiVersion: 'istio.alibabacloud.com/v1beta1',
        kind: 'IstioGateway',
        metadata: { name: 'ingressgateway-asm' },
        spec: { gatewayType: 'ingress', ports: [] },
      },
    });
    const taken = await activityRefusal(run(PREPARE_ACTIONS.gateway));
    expect(taken.message).toContain('was not created by gateshift');
    expect(await run(PREPARE_UNDO[PREPARE_ACTIONS.gateway])).toEqual([]);
    expect(await names('istiogateways', ISTIO_GATEWAYS)).toEqual(['ingressgateway-asm']);
  });
});

// The CLB-annotation traffic driver and the weight activities over two CLBs, each with its own pair of
// gateway Services, against a real kube-apiserver (as the worker's restricted ServiceAccount) and the
// SLB emulator through the real SDK client. There is no CCM: applyCcm plays it between the driver's
// write and the verification, with the CCM's real arithmetic.
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Service,
  Watch,
} from '@kubernetes/client-node';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { VerifyRequest, VerifyResult, WeightsRequest } from '../../activities/contracts.js';
import { createDrivers } from '../../activities/drivers/index.js';
import { weightActivities } from '../../activities/engine/weights.js';
import { kubeConfig } from '../../activities/kube/config.js';
import { markPodRunning } from '../../src/lab/cluster/index.js';
import { CLB_ANNOTATIONS, type ClbTraffic, type SideWeights } from '../../src/plan/index.js';
import { runActivity } from '../support/activity-run.js';
import { type AsmScene, applyCcm, cloudClients, GATEWAY_NS, setEnv, startAsmScene } from '../support/asm-scene.js';

const WORKER = 'system:serviceaccount:gateshift:gateshift-worker';
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

let scene: AsmScene;
let restoreEnv: (() => void) | undefined;
let activities: ReturnType<typeof weightActivities>;
let adminConfig: KubeConfig;

beforeAll(async () => {
  scene = await startAsmScene({ clbs: 2 });
  restoreEnv = setEnv(scene.env);
  adminConfig = new KubeConfig();
  adminConfig.loadFromFile(scene.cluster.adminKubeconfig);
  // At a 50% throttle rate, 16 attempts make a call that never gets through a 1-in-65536 event.
  activities = weightActivities(createDrivers(cloudClients({ maxAttempts: 16, initialDelayMs: 5, maxDelayMs: 50 })));
});

afterAll(async () => {
  restoreEnv?.();
  await scene?.stop();
});

/** Puts every Service at `weights` (by hand, as an admin) and lets the CCM apply them. */
async function setScene(weights: SideWeights): Promise<void> {
  for (const clb of scene.clbs)
    for (const [service, weight] of [
      [clb.sourceService, weights.source],
      [clb.targetService, weights.target],
    ] as const)
      await scene.admin.patchNamespacedService(
        {
          namespace: GATEWAY_NS,
          name: service,
          body: { metadata: { annotations: { [CLB_ANNOTATIONS.weight]: String(weight) } } },
        },
        MERGE_PATCH,
      );
  await applyCcm(scene);
}

beforeEach(async () => {
  Object.assign(scene.emulator.faults, { throttleRate: 0, latencyMs: 0, serverErrorRate: 0 });
  scene.emulator.requests.length = 0;
  await setScene({ source: 100, target: 0 });
});

function request(weights: SideWeights, purpose: WeightsRequest['purpose'] = 'phase'): WeightsRequest {
  return { migrationId: 'scene', traffic: scene.plan.traffic, weights, purpose, step: 1 };
}

async function verify(weights: SideWeights, timeoutMs: number): Promise<VerifyResult> {
  const verifyRequest: VerifyRequest = { ...request(weights), timeoutMs };
  const { result, error } = await runActivity(activities.verifyWeights, verifyRequest).outcome;
  if (!result) throw error;
  return result;
}

const weightOf = (service: V1Service) => service.metadata?.annotations?.[CLB_ANNOTATIONS.weight];

async function services(): Promise<V1Service[]> {
  return (await scene.admin.listNamespacedService({ namespace: GATEWAY_NS })).items;
}

/** Every change of a gateway Service's weight annotation, in the order the API server stored them. */
async function recordWeightChanges() {
  const list = await scene.admin.listNamespacedService({ namespace: GATEWAY_NS });
  const last = new Map(list.items.map((service) => [service.metadata?.name, weightOf(service)]));
  const changes: string[] = [];
  const watch = await new Watch(adminConfig).watch(
    `/api/v1/namespaces/${GATEWAY_NS}/services`,
    { resourceVersion: list.metadata?.resourceVersion },
    (phase: string, service: V1Service) => {
      const name = service.metadata?.name;
      if (phase !== 'MODIFIED' || last.get(name) === weightOf(service)) return;
      last.set(name, weightOf(service));
      changes.push(`${name}=${weightOf(service)}`);
    },
    () => undefined,
  );
  onTestFinished(() => watch.abort());
  return {
    /** Waits for `count` changes and checks that no CLB ever had both Services at 0. */
    async settle(count: number): Promise<string[]> {
      await vi.waitFor(() => expect(changes).toHaveLength(count), { timeout: 5_000 });
      const weights = new Map(list.items.map((service) => [service.metadata?.name, weightOf(service)]));
      for (const change of changes) {
        const [name, weight] = change.split('=');
        weights.set(name, weight);
        for (const clb of scene.clbs)
          expect(
            [weights.get(clb.sourceService), weights.get(clb.targetService)],
            `${clb.id} after ${change}`,
          ).not.toEqual(['0', '0']);
      }
      return changes;
    },
  };
}

describe('setWeights', () => {
  it('raises the target on every CLB before lowering the source on any; a second run changes nothing', async () => {
    const [publicLb, intranetLb] = scene.clbs;
    if (!publicLb || !intranetLb) throw new Error('the scene has two CLBs');
    const recorder = await recordWeightChanges();
    const applied = await activities.setWeights(request({ source: 90, target: 10 }));
    const write = (lb: typeof publicLb, side: 'source' | 'target', weight: number) => ({
      resource: `clb/${lb.id}`,
      object: `${GATEWAY_NS}/${side === 'source' ? lb.sourceService : lb.targetService}`,
      side,
      weight,
      changed: true,
    });
    expect(applied.writes).toEqual([
      write(publicLb, 'target', 10),
      write(intranetLb, 'target', 10),
      write(publicLb, 'source', 90),
      write(intranetLb, 'source', 90),
    ]);
    expect(await recorder.settle(4)).toEqual([
      `${publicLb.targetService}=10`,
      `${intranetLb.targetService}=10`,
      `${publicLb.sourceService}=90`,
      `${intranetLb.sourceService}=90`,
    ]);

    const versions = (await services()).map((service) => service.metadata?.resourceVersion);
    const again = await activities.setWeights(request({ source: 90, target: 10 }));
    expect(again.writes).toHaveLength(4);
    expect(again.writes).toEqual(expect.arrayContaining(applied.writes.map((w) => ({ ...w, changed: false }))));
    expect((await services()).map((service) => service.metadata?.resourceVersion)).toEqual(versions);
  });

  for (const from of [
    { source: 10, target: 90 },
    { source: 0, target: 100 },
  ])
    it(`rolls back from ${from.source}/${from.target} to 100/0 raising the source on every CLB first`, async () => {
      await setScene(from);
      const recorder = await recordWeightChanges();
      const applied = await activities.setWeights(request({ source: 100, target: 0 }, 'rollback'));
      expect(applied.writes.map((w) => `${w.resource} ${w.side}=${w.weight}`)).toEqual(
        scene.clbs.map((clb) => `clb/${clb.id} source=100`).concat(scene.clbs.map((clb) => `clb/${clb.id} target=0`)),
      );
      await recorder.settle(4);
      await applyCcm(scene);
      const verified = await verify({ source: 100, target: 0 }, 1_000);
      expect(verified.ok).toBe(true);
      expect(verified.observations.map((lb) => lb.effective)).toEqual([
        { source: 100, target: 0 },
        { source: 100, target: 0 },
      ]);
    });
});

describe('verifyWeights', () => {
  it('agrees once the CCM applied 90/10: 10 over 3 pods is 3 each, a 9.09% share against 45 + 45', async () => {
    await activities.setWeights(request({ source: 90, target: 10 }));
    await applyCcm(scene);
    const verified = await verify({ source: 90, target: 10 }, 1_000);
    expect(verified.message).toBeUndefined();
    expect(verified.ok).toBe(true);
    expect(verified.observations).toEqual(
      scene.clbs.map((clb) => ({
        resource: `clb/${clb.id}`,
        desired: { source: 90, target: 10 },
        expected: { source: 90.91, target: 9.09 },
        effective: { source: 90.91, target: 9.09 },
        parts: clb.groups.map((group) => ({
          id: group.id,
          source: { backends: 2, weightSum: 90 },
          target: { backends: 3, weightSum: 9 },
        })),
        agrees: true,
      })),
    );
  });

  it('counts weight 1 over 4 pods as 1 each: 3.92% against 99 over 2 pods', async () => {
    const pod = { name: 'istio-ingressgateway-asm-3', ip: '127.0.2.4' };
    await scene.admin.createNamespacedPod({
      namespace: GATEWAY_NS,
      body: {
        metadata: { name: pod.name, labels: (scene.plan.traffic as ClbTraffic).target.selector },
        spec: { containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] },
      },
    });
    onTestFinished(async () => {
      await scene.admin.deleteNamespacedPod({ namespace: GATEWAY_NS, name: pod.name, gracePeriodSeconds: 0 });
    });
    await markPodRunning(scene.cluster.adminKubeconfig, GATEWAY_NS, pod.name, pod.ip);

    await activities.setWeights(request({ source: 99, target: 1 }));
    await applyCcm(scene);
    const verified = await verify({ source: 99, target: 1 }, 1_000);
    expect(verified.ok).toBe(true);
    for (const lb of verified.observations) {
      expect(lb.effective).toEqual({ source: 96.08, target: 3.92 });
      expect(lb.expected).toEqual(lb.effective);
      expect(lb.parts?.map((part) => [part.target.backends, part.target.weightSum, part.source.weightSum])).toEqual([
        [4, 4, 98],
        [4, 4, 98],
      ]);
    }
  });

  it('fails within its timeout, with a readable diff, while the CCM has not applied the weights', async () => {
    await activities.setWeights(request({ source: 90, target: 10 }));
    const started = Date.now();
    const verified = await verify({ source: 90, target: 10 }, 1_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(verified.ok).toBe(false);
    expect(verified.observations.map((lb) => lb.effective)).toEqual([
      { source: 100, target: 0 },
      { source: 100, target: 0 },
    ]);
    const [publicLb, intranetLb] = scene.clbs;
    const { http } = scene.podPorts;
    const lines = verified.message?.split('\n') ?? [];
    expect(lines.filter((line) => !line.startsWith('  '))).toEqual([
      `${publicLb?.id}: expected source 90.91% / target 9.09%, the CLB applies source 100% / target 0%`,
      `${intranetLb?.id}: expected source 90.91% / target 9.09%, the CLB applies source 100% / target 0%`,
    ]);
    expect(lines).toContain(`  ${publicLb?.groups[0]?.id}: source 127.0.1.1:${http} has weight 50, expected 45`);
    expect(lines).toContain(`  ${publicLb?.groups[0]?.id}: target 127.0.2.1:${http} has weight 0, expected 3`);
    // Two groups of five backends on each CLB, every one off.
    expect(lines).toHaveLength(2 + 2 * 2 * 5);
  });

  it("quotes the CCM's Warning Events on the Services when the CLB does not follow", async () => {
    const [publicLb] = scene.clbs;
    if (!publicLb) throw new Error('no CLB in the scene');
    await activities.setWeights(request({ source: 50, target: 50 }));
    const message = `Error syncing load balancer [${publicLb.id}]: can not find vgroupId rsp-gone in lb ${publicLb.id}`;
    const now = new Date();
    await scene.admin.createNamespacedEvent({
      namespace: GATEWAY_NS,
      body: {
        metadata: { generateName: 'ccm-' },
        involvedObject: { kind: 'Service', name: publicLb.targetService, namespace: GATEWAY_NS },
        reason: 'SyncLoadBalancerFailed',
        message,
        type: 'Warning',
        source: { component: 'cloud-controller-manager' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
    const verified = await verify({ source: 50, target: 50 }, 1_000);
    expect(verified.ok).toBe(false);
    expect(verified.message?.split('\n')).toContain(
      `the CCM reported: ${GATEWAY_NS}/${publicLb.targetService}: SyncLoadBalancerFailed: ${message}`,
    );
  });

  it('stops promptly when cancelled while it waits for the CCM', async () => {
    await activities.setWeights(request({ source: 90, target: 10 }));
    const run = runActivity<VerifyRequest, VerifyResult, { round: number }>(activities.verifyWeights, {
      ...request({ source: 90, target: 10 }),
      timeoutMs: 60_000,
    });
    await run.heartbeat((details) => details.round === 1, 5_000);
    const started = Date.now();
    run.cancel();
    const { error } = await run.outcome;
    expect(error).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('verifies through a throttled SLB API', async () => {
    await activities.setWeights(request({ source: 50, target: 50 }));
    await applyCcm(scene);
    scene.emulator.faults.throttleRate = 0.5;
    const throttled = () => scene.emulator.requests.some((r) => r.code === 'Throttling.User');
    scene.emulator.requests.length = 0;
    // A verification reads four groups: repeat until the coin has come up "throttled" at least once.
    for (let round = 0; round < 10 && (round === 0 || !throttled()); round++) {
      const verified = await verify({ source: 50, target: 50 }, 30_000);
      expect(verified.ok).toBe(true);
      // 25 + 25 against 16 + 16 + 16.
      expect(verified.observations.map((lb) => lb.effective.target)).toEqual([48.98, 48.98]);
    }
    expect(throttled()).toBe(true);
  });
});

describe("the worker's identity", () => {
  it('is its ServiceAccount, and a right missing from its RBAC is named before any Service changes', async () => {
    const review = await kubeConfig('source').makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(WORKER);

    const rbac = adminConfig.makeApiClient(RbacAuthorizationV1Api);
    const role = await rbac.readClusterRole({ name: 'gateshift-worker' });
    const withoutPatch = (role.rules ?? []).map((rule) =>
      rule.resources?.includes('services') ? { ...rule, verbs: rule.verbs.filter((verb) => verb !== 'patch') } : rule,
    );
    await rbac.replaceClusterRole({ name: 'gateshift-worker', body: { ...role, rules: withoutPatch } });
    onTestFinished(async () => {
      const current = await rbac.readClusterRole({ name: 'gateshift-worker' });
      await rbac.replaceClusterRole({ name: 'gateshift-worker', body: { ...current, rules: role.rules } });
      await untilAllowed(true);
    });
    await untilAllowed(false);

    const before = (await services()).map(weightOf);
    const error = await activities.setWeights(request({ source: 50, target: 50 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'KubeForbidden', nonRetryable: true });
    expect((error as Error).message).toContain(`the worker's RBAC lacks verb "patch" on resource "services"`);
    expect((await services()).map(weightOf)).toEqual(before);
  });
});

/** Waits until the RBAC authorizer has caught up with the ClusterRole: the worker may patch Services or not. */
async function untilAllowed(allowed: boolean): Promise<void> {
  const authz = adminConfig.makeApiClient(AuthorizationV1Api);
  await vi.waitFor(
    async () => {
      const review = await authz.createSubjectAccessReview({
        body: {
          spec: {
            user: WORKER,
            groups: ['system:serviceaccounts', 'system:serviceaccounts:gateshift', 'system:authenticated'],
            resourceAttributes: { namespace: GATEWAY_NS, verb: 'patch', resource: 'services' },
          },
        },
      });
      expect(review.status?.allowed ?? false).toBe(allowed);
    },
    { timeout: 5_000, interval: 50 },
  );
}

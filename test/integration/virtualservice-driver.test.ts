// The virtualservice driver's activities in the canary-cluster lab, as the worker's ServiceAccount:
// the pre-flight passes on a ready world, refuses a VirtualService another controller owns, naming it,
// and names an istiod it cannot reach; verification, asked of istiod, sees every gateway pod apply a
// write and names the pod that does not ACK it; a write that races another writer re-reads and keeps
// the other writer's change.
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virtualServiceActions } from '../../activities/drivers/virtualservice/actions.js';
import { virtualServicePreflight } from '../../activities/drivers/virtualservice/preflight.js';
import { virtualServiceRouter } from '../../activities/drivers/virtualservice/router.js';
import { withRemoteDestination } from '../../activities/drivers/virtualservice/routes.js';
import { editVirtualService } from '../../activities/drivers/virtualservice/virtual-service.js';
import { type CanaryClusterLab, startCanaryClusterLab } from '../../src/lab/canary-cluster/index.js';
import { APP_NAMESPACE, VIRTUAL_SERVICE } from '../../src/lab/canary-cluster/names.js';
import { labVirtualServiceInput } from '../../src/lab/input.js';
import { buildPlan, type MigrationPlan, type VirtualServiceTraffic } from '../../src/plan/index.js';
import { setEnv } from '../support/asm-scene.js';

const REF = {
  group: 'networking.istio.io',
  version: 'v1beta1',
  plural: 'virtualservices',
  namespace: APP_NAMESPACE,
  name: VIRTUAL_SERVICE,
};

let lab: CanaryClusterLab;
let restoreEnv: () => void;
let admin: CustomObjectsApi;
const plan = buildPlan(labVirtualServiceInput({ autoApprove: true })) as MigrationPlan & {
  traffic: VirtualServiceTraffic;
};

beforeAll(async () => {
  lab = await startCanaryClusterLab({ rps: 0, ipPrefix: '127.0.23.', propagationDelayMs: 200 });
  restoreEnv = setEnv(lab.workerEnv);
  const config = new KubeConfig();
  config.loadFromFile(lab.adminKubeconfigs.source);
  admin = config.makeApiClient(CustomObjectsApi);
});

afterAll(async () => {
  restoreEnv?.();
  await lab?.stop();
});

type Stored = { metadata: { annotations?: Record<string, string>; resourceVersion?: string }; spec: unknown };

async function setAnnotations(annotations: Record<string, string | null>): Promise<void> {
  const object = (await admin.getNamespacedCustomObject(REF)) as Stored;
  const next = { ...(object.metadata.annotations ?? {}) };
  for (const [key, value] of Object.entries(annotations)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  await admin.replaceNamespacedCustomObject({
    ...REF,
    body: { ...object, metadata: { ...object.metadata, annotations: next } },
  });
}

describe('the virtualservice pre-flight', () => {
  it('passes on a ready world: the route, the target ingress answering, every gateway pod showing its routes', async () => {
    const items = await virtualServicePreflight(plan, () => {});
    expect(items.filter((item) => !item.ok)).toEqual([]);
    expect(items.map((item) => item.item)).toEqual([
      'VirtualService bookinfo/bookinfo exists and its routes to productpage move',
      'no other controller owns VirtualService bookinfo/bookinfo',
      'the target cluster ingress is known',
      'ServiceEntry bookinfo/gateshift-v2-example-com is free or already right',
      'the target ingress answers http://bookinfo.example.com:80/productpage',
      'istiod shows the routes of every source gateway pod (debug/syncz, debug/config_dump)',
    ]);
    expect(items[2]?.why).toBe(`v2.example.com → ${lab.targetIngress}:80`);
    expect(items[5]?.why).toBe(
      '3 pod(s) route to productpage (Istio 1.22.6), asked of istiod at the istio-system pods {"app":"istiod"} on port 15014',
    );
  });

  it('fails the istiod item naming traffic.istiod.url when nothing answers there, and passes with the right one', async () => {
    const at = (url: string) => ({ ...plan, traffic: { ...plan.traffic, istiod: { ...plan.traffic.istiod, url } } });
    const item = async (url: string) => (await virtualServicePreflight(at(url), () => {})).at(-1);
    const closed = 'http://127.0.0.1:9';
    expect(await item(closed)).toMatchObject({ ok: false, status: 'fail' });
    expect((await item(closed))?.fix).toContain(`check traffic.istiod (asked: ${closed})`);
    expect(await item(lab.istiodUrl)).toMatchObject({ ok: true });
  });

  it('refuses a VirtualService that Argo Rollouts manages, naming the Rollout', async () => {
    await setAnnotations({ 'argo-rollouts.argoproj.io/managed-by-rollouts': 'productpage' });
    try {
      const owner = (await virtualServicePreflight(plan, () => {})).find((item) =>
        item.item.startsWith('no other controller'),
      );
      expect(owner).toMatchObject({ ok: false, status: 'fail' });
      expect(owner?.why).toContain('owned by Argo Rollouts (Rollout productpage');
    } finally {
      await setAnnotations({ 'argo-rollouts.argoproj.io/managed-by-rollouts': null });
    }
  });
});

describe('verification through istiod', () => {
  it('sees every gateway pod apply a write, and names the pod that does not ACK the next one', async () => {
    const router = virtualServiceRouter();
    await virtualServiceActions['ensure-service-entry'](plan.traffic);
    await virtualServiceActions['add-remote-destination'](plan.traffic);
    const settled = async (weights: { source: number; target: number }) => {
      await router.setWeights(plan.traffic, weights);
      let observations = await router.observe(plan.traffic, weights);
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
        if (observations.every((observation) => observation.agrees)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
        observations = await router.observe(plan.traffic, weights);
      }
      return observations;
    };
    const stuck = lab.sourceGateways[2];
    if (!stuck) throw new Error('the lab has fewer than three source gateway pods');
    try {
      const applied = await settled({ source: 90, target: 10 });
      expect(applied.map((observation) => [observation.resource, observation.agrees])).toEqual([
        ['virtualservice/source/bookinfo/bookinfo', true],
        ...lab.sourceGateways.map((pod) => [`pod/istio-system/${pod.podName}`, true]),
      ]);
      expect(applied.at(-1)?.effective).toEqual({ source: 90, target: 10 });

      stuck.faults.neverPicksUp = true;
      const stale = await settled({ source: 50, target: 50 });
      expect(stale.filter((observation) => !observation.agrees).map((observation) => observation.diff)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^gateway pod istio-system/${stuck.podName}: has not ACKed istiod's latest routes \\(RDS nonce sent \\S+, acked \\S+\\); written 50/50$`,
          ),
        ),
      ]);
    } finally {
      stuck.faults.neverPicksUp = false;
      await settled({ source: 100, target: 0 });
      await virtualServiceActions['remove-remote-destination'](plan.traffic);
      await virtualServiceActions['remove-service-entry'](plan.traffic);
    }
  });
});

describe('a write to the VirtualService', () => {
  it('that races another writer fails its precondition, re-reads, and keeps the other change', async () => {
    let attempts = 0;
    const result = await editVirtualService(plan.traffic, async (spec, indexes) => {
      attempts++;
      // Another writer changes the object between our read and our write, once.
      if (attempts === 1) await setAnnotations({ 'example.com/touched-by': 'someone else' });
      return withRemoteDestination(spec, indexes, plan.traffic);
    });
    expect(attempts).toBe(2);
    expect(result.changed).toBe(true);
    const stored = (await admin.getNamespacedCustomObject(REF)) as Stored;
    expect(stored.metadata.annotations?.['example.com/touched-by']).toBe('someone else');
    expect(JSON.stringify(stored.spec)).toContain('v2.example.com');
  });
});

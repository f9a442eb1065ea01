// The virtualservice driver's activities in the canary-cluster lab, as the worker's ServiceAccount:
// the pre-flight passes on a ready world and refuses a VirtualService another controller owns, naming
// it; a write that races another writer re-reads and keeps the other writer's change.
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virtualServicePreflight } from '../../activities/drivers/virtualservice/preflight.js';
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
      "every source gateway pod's Envoy shows its routes (config_dump)",
    ]);
    expect(items[2]?.why).toBe(`v2.example.com → ${lab.targetIngress}:80`);
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

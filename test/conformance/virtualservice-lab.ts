// The virtualservice driver's lab for the conformance suite: the canary-cluster lab (two real
// kube-apiservers, source gateway pods that apply the mesh config after a propagation delay), without
// load. Settling waits until every source gateway pod applies what the API server holds and has ACKed
// its last push (what the driver's verification reads from the lab's istiod).
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { createDrivers } from '../../activities/drivers/index.js';
import { withWeights } from '../../activities/drivers/virtualservice/routes.js';
import { startCanaryClusterLab } from '../../src/lab/canary-cluster/index.js';
import { MeshConfig } from '../../src/lab/canary-cluster/mesh-config.js';
import { APP_NAMESPACE, GATEWAY_PORT, VIRTUAL_SERVICE } from '../../src/lab/canary-cluster/names.js';
import { labVirtualServiceInput } from '../../src/lab/input.js';
import { buildPlan, type MigrationPlan, VIRTUALSERVICE, type VirtualServiceTraffic } from '../../src/plan/index.js';
import { cloudClients, setEnv } from '../support/asm-scene.js';
import type { DriverLab } from './driver-lab.js';

const SETTLE_TIMEOUT_MS = 30_000;
const ISTIO = { group: 'networking.istio.io', version: 'v1beta1' };

interface Listed {
  items: { metadata: { name: string; labels?: Record<string, string> }; spec: unknown }[];
}

export const virtualServiceLab: DriverLab<typeof VIRTUALSERVICE> = {
  kind: VIRTUALSERVICE,
  actionsWithUndo: ['ensure-service-entry', 'add-remote-destination'],
  async start() {
    const lab = await startCanaryClusterLab({ rps: 0, ipPrefix: '127.0.21.', propagationDelayMs: 300 });
    const restoreEnv = setEnv(lab.workerEnv);
    const plan = buildPlan(labVirtualServiceInput({ autoApprove: true })) as MigrationPlan & {
      traffic: VirtualServiceTraffic;
    };
    const config = new KubeConfig();
    config.loadFromFile(lab.adminKubeconfigs.source);
    const custom = config.makeApiClient(CustomObjectsApi);
    const list = async (plural: string) =>
      ((await custom.listNamespacedCustomObject({ ...ISTIO, plural, namespace: APP_NAMESPACE })) as Listed).items;
    const virtualService = { ...ISTIO, plural: 'virtualservices', namespace: APP_NAMESPACE, name: VIRTUAL_SERVICE };

    const snapshot = async () => ({
      virtualServices: (await list('virtualservices')).map((object) => [object.metadata.name, object.spec]),
      serviceEntries: (await list('serviceentries')).map((object) => [
        object.metadata.name,
        object.metadata.labels,
        object.spec,
      ]),
    });

    return {
      plan,
      drivers: createDrivers(cloudClients({ maxAttempts: 8, initialDelayMs: 5, maxDelayMs: 50 })),
      snapshot,
      phases: [
        { source: 100, target: 0 },
        { source: 90, target: 10 },
        { source: 50, target: 50 },
        { source: 0, target: 100 },
      ],
      async interruptWrite(weights) {
        // The router makes one write: the crash came after it, before the activity completed.
        const object = (await custom.getNamespacedCustomObject(virtualService)) as { spec: { http: [] } };
        const spec = withWeights(object.spec, [0], plan.traffic, weights);
        await custom.replaceNamespacedCustomObject({ ...virtualService, body: { ...object, spec } });
      },
      async settle() {
        const deadline = Date.now() + SETTLE_TIMEOUT_MS;
        for (;;) {
          const wanted = JSON.stringify(
            MeshConfig.from(await list('virtualservices'), await list('serviceentries')).configDump(GATEWAY_PORT),
          );
          const applied = lab.sourceGateways.map((pod) => JSON.stringify(pod.applied().configDump(GATEWAY_PORT)));
          const acked = lab.sourceGateways.every((pod) => pod.nonces().sent === pod.nonces().acked);
          if (acked && applied.every((dump) => dump === wanted)) return;
          if (Date.now() > deadline) throw new Error('the source gateway pods did not apply the mesh config');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      async stop() {
        restoreEnv();
        await lab.stop();
      },
    };
  },
};

// The CLB-annotation driver's lab for the conformance suite: the ASM scene (real kube-apiserver, SLB
// emulator through the real SDK client) with two CLBs; applyCcm plays the CCM.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { createDrivers } from '../../activities/drivers/index.js';
import { CLB_ANNOTATION, CLB_ANNOTATIONS, type ClbTraffic } from '../../src/plan/index.js';
import { applyCcm, cloudClients, GATEWAY_NS, setEnv, startAsmScene } from '../support/asm-scene.js';
import type { DriverLab } from './driver-lab.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export const clbAnnotationLab: DriverLab<typeof CLB_ANNOTATION> = {
  kind: CLB_ANNOTATION,
  actionsWithUndo: [],
  async start() {
    const scene = await startAsmScene({ clbs: 2 });
    const restoreEnv = setEnv(scene.env);
    const traffic = scene.plan.traffic as ClbTraffic;
    return {
      plan: { ...scene.plan, traffic },
      phases: [
        { source: 100, target: 0 },
        { source: 90, target: 10 },
        { source: 50, target: 50 },
        { source: 0, target: 100 },
      ],
      drivers: createDrivers(cloudClients({ maxAttempts: 8, initialDelayMs: 5, maxDelayMs: 50 })),
      settle: () => applyCcm(scene),
      async snapshot() {
        const services = (await scene.admin.listNamespacedService({ namespace: GATEWAY_NS })).items;
        const groups = scene.clbs.flatMap((clb) => clb.groups.map((group) => group.id));
        return {
          annotations: Object.fromEntries(
            services.map((service) => [service.metadata?.name, service.metadata?.annotations ?? {}]),
          ),
          backends: Object.fromEntries(groups.map((id) => [id, scene.emulator.state.requireVServerGroup(id).backends])),
        };
      },
      async interruptWrite(weights) {
        // The router raises the growing side first, CLB by CLB: the crash came after the first write.
        const [first] = traffic.loadBalancers;
        if (!first) throw new Error('the scene has no CLB');
        const grows = weights.target > 0 ? 'target' : 'source';
        await scene.admin.patchNamespacedService(
          {
            namespace: GATEWAY_NS,
            name: grows === 'target' ? first.targetService : first.sourceService,
            body: { metadata: { annotations: { [CLB_ANNOTATIONS.weight]: String(weights[grows]) } } },
          },
          MERGE_PATCH,
        );
      },
      async stop() {
        restoreEnv();
        await scene.stop();
      },
    };
  },
};

// The ASM gateway canary driver's lab for the conformance suite: the lab started with the ASM gateway
// serving (its own kube-apiservers, the ASM control-plane simulator, the ASM and SLB API emulators
// through the real SDK client), without load. Settling waits until the data plane matches the
// IstioGateway's canary switch: a ready canary while it is on, none at all while it is off.
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { createDrivers } from '../../activities/drivers/index.js';
import { startLab } from '../../src/lab/index.js';
import { labCanaryInput } from '../../src/lab/input.js';
import { GATEWAY_NAMESPACE, TARGET_GATEWAY } from '../../src/lab/names.js';
import {
  ASM_GATEWAY_CANARY,
  buildPlan,
  CANARY_ANNOTATION,
  CANARY_LABEL,
  type CanaryTraffic,
  type MigrationPlan,
} from '../../src/plan/index.js';
import { cloudClients, setEnv } from '../support/asm-scene.js';
import type { DriverLab } from './driver-lab.js';

const SETTLE_TIMEOUT_MS = 60_000;

function client<T>(file: string, api: new (...args: never[]) => T): T {
  const config = new KubeConfig();
  config.loadFromFile(file);
  return config.makeApiClient(api as never) as T;
}

export const asmGatewayCanaryLab: DriverLab<typeof ASM_GATEWAY_CANARY> = {
  kind: ASM_GATEWAY_CANARY,
  actionsWithUndo: ['annotate-canary'],
  async start() {
    const lab = await startLab({ start: 'asm-serving', rps: 0, podIpPrefix: '127.0.13.' });
    const restoreEnv = setEnv(lab.workerEnv);
    const plan = buildPlan(labCanaryInput({ autoApprove: true })) as MigrationPlan & { traffic: CanaryTraffic };
    const asm = client(lab.adminKubeconfigs.asm, CustomObjectsApi);
    const apps = client(lab.adminKubeconfigs.cluster, AppsV1Api);
    const core = client(lab.adminKubeconfigs.cluster, CoreV1Api);
    const gateway = {
      group: 'istio.alibabacloud.com',
      version: 'v1beta1',
      plural: 'istiogateways',
      namespace: GATEWAY_NAMESPACE,
      name: TARGET_GATEWAY,
    };

    const snapshot = async () => {
      const istioGateway = (await asm.getNamespacedCustomObject(gateway)) as {
        metadata: { annotations?: Record<string, string> };
      };
      const deployments = (await apps.listNamespacedDeployment({ namespace: GATEWAY_NAMESPACE })).items;
      const pods = (await core.listNamespacedPod({ namespace: GATEWAY_NAMESPACE })).items;
      return {
        annotations: istioGateway.metadata.annotations ?? {},
        deployments: deployments
          .map((deployment) => ({
            name: deployment.metadata?.name,
            replicas: deployment.spec?.replicas,
            image: deployment.spec?.template.spec?.containers[0]?.image,
          }))
          .sort((a, b) => String(a.name).localeCompare(String(b.name))),
        // Pods by their workload and version: the canary's come and go under new names.
        pods: pods
          .map(
            (pod) =>
              `${pod.metadata?.labels?.[CANARY_LABEL] === 'true' ? 'canary' : pod.metadata?.name} ${pod.spec?.containers[0]?.image}`,
          )
          .sort(),
      };
    };

    return {
      plan,
      drivers: createDrivers(cloudClients({ maxAttempts: 8, initialDelayMs: 5, maxDelayMs: 50 })),
      snapshot,
      async settle() {
        const deadline = Date.now() + SETTLE_TIMEOUT_MS;
        for (;;) {
          const now = await snapshot();
          const wanted = now.annotations[CANARY_ANNOTATION] === 'true';
          const canaries = (
            await apps.listNamespacedDeployment({ namespace: GATEWAY_NAMESPACE, labelSelector: `${CANARY_LABEL}=true` })
          ).items;
          const canaryPods = (
            await core.listNamespacedPod({ namespace: GATEWAY_NAMESPACE, labelSelector: `${CANARY_LABEL}=true` })
          ).items;
          const ready = canaries.length === 1 && (canaries[0]?.status?.readyReplicas ?? 0) >= 1;
          if (wanted ? ready : canaries.length === 0 && canaryPods.length === 0) return;
          if (Date.now() > deadline)
            throw new Error(`the lab's ASM did not settle (canary ${wanted ? 'wanted' : 'unwanted'})`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      async stop() {
        restoreEnv();
        await lab.stop();
      },
    };
  },
};

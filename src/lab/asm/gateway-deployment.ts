// A gateway's Deployments as ASM makes them in the data-plane cluster: `istio-<gateway>` with
// replicaCount pods at the gateway's version, and, while the IstioGateway asks for it, the one-pod
// canary `istio-<gateway>-canary` at the control plane's version behind the same Service. There is no
// controller-manager in the lab: the control plane itself makes and deletes their pods and reports
// the Deployments' status.
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { CANARY_ANNOTATION } from '../../plan/drivers/asm-gateway-canary.js';
import { isReady } from '../kubelet/pod-status.js';
import {
  type GatewayWorkload,
  gatewayPod,
  gatewayServiceName,
  type IstioGateway,
  OWNER_LABEL,
  REVISION_LABEL,
  workloadLabels,
} from './gateway-workload.js';

export { CANARY_ANNOTATION };

export const canaryDeploymentName = (gateway: string) => `${gatewayServiceName(gateway)}-canary`;

const wantsCanary = (gateway: IstioGateway) => gateway.metadata.annotations?.[CANARY_ANNOTATION] === 'true';

export interface DeploymentPlan {
  workload: GatewayWorkload;
  replicas: number;
}

/** The main Deployment at `version` and, when asked, the canary at `controlPlaneVersion`. */
export function gatewayDeploymentPlans(
  gateway: IstioGateway,
  version: string,
  controlPlaneVersion: string,
): { main: DeploymentPlan; canary?: DeploymentPlan } {
  const name = gateway.metadata.name;
  const main = {
    workload: { deployment: gatewayServiceName(name), version, canary: false },
    replicas: gateway.spec?.replicaCount ?? 1,
  };
  if (!wantsCanary(gateway)) return { main };
  return {
    main,
    canary: {
      workload: { deployment: canaryDeploymentName(name), version: controlPlaneVersion, canary: true },
      replicas: 1,
    },
  };
}

export function gatewayDeployment(gateway: IstioGateway, plan: DeploymentPlan): V1Deployment {
  const labels = workloadLabels(gateway.metadata.name, plan.workload);
  const template = gatewayPod(gateway, plan.workload);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: plan.workload.deployment,
      namespace: gateway.metadata.namespace,
      labels: { ...labels, [OWNER_LABEL]: gateway.metadata.name },
    },
    spec: {
      replicas: plan.replicas,
      selector: { matchLabels: labels },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: {
          maxSurge: gateway.spec?.rollingMaxSurge ?? '25%',
          maxUnavailable: gateway.spec?.rollingMaxUnavailable ?? '25%',
        },
      },
      template: { metadata: { labels: template.metadata?.labels }, spec: template.spec },
    },
  };
}

/** A pod of the Deployment, owned by it (no ReplicaSet: nothing in the lab would run one). */
export function deploymentPod(gateway: IstioGateway, plan: DeploymentPlan, deployment: V1Deployment): V1Pod {
  const pod = gatewayPod(gateway, plan.workload);
  const { name = '', uid = '' } = deployment.metadata ?? {};
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name, uid, controller: true, blockOwnerDeletion: true },
      ],
    },
  };
}

/** The Deployment's status as its controller would report it from the pods it owns. */
export function deploymentStatus(deployment: V1Deployment, pods: readonly V1Pod[], version: string) {
  const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  const ready = live.filter(isReady).length;
  const updated = live.filter((pod) => pod.metadata?.labels?.[REVISION_LABEL] === version);
  return {
    observedGeneration: deployment.metadata?.generation ?? 1,
    replicas: live.length,
    updatedReplicas: updated.length,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: Math.max(0, (deployment.spec?.replicas ?? 0) - ready),
  };
}

/** The Deployment's name from a pod's owner reference. */
export const ownerDeployment = (pod: V1Pod) =>
  pod.metadata?.ownerReferences?.find((owner) => owner.kind === 'Deployment')?.name;

// Brings one of a gateway's Deployments, and the pods the lab's control plane runs for it, one step
// closer to its plan: the Deployment object as planned, one rolling-update step, a drained pod
// deleted, the status as a controller would report it. A retired pod is deleted gracefully (so the
// CCM deregisters it and its proxy drains) and removed for good once no load balancer holds it.
import {
  type AppsV1Api,
  type CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { ignoringAbsence } from '../kube/absence.js';
import type { LabLogger } from '../kube/logger.js';
import { isRunningReady } from '../kubelet/pod-status.js';
import { type DeploymentPlan, deploymentPod, deploymentStatus, gatewayDeployment } from './gateway-deployment.js';
import { type IstioGateway, OWNER_LABEL, REVISION_LABEL } from './gateway-workload.js';
import { nextRolloutStep, type RolloutPod, type RolloutStep } from './rollout.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Whether the load balancers in front of the gateways hold a pod IP (the lab's CCM registers them). */
export interface BackendRegistry {
  /** Every load balancer in front of the gateway holds it. */
  isRegistered(ip: string): boolean;
  /** None holds it any more. */
  isDeregistered(ip: string): boolean;
}

export interface DeploymentContext {
  core: CoreV1Api;
  apps: AppsV1Api;
  logger: LabLogger;
  /** Without one, Ready counts as registered and a deleted pod as deregistered. */
  registry?: BackendRegistry;
}

/** What a pass did: a rolling step, or `foreign` for a Deployment of that name that the control plane did not make. */
export type DeploymentOutcome = RolloutStep['kind'] | 'foreign';

const podIp = (pod: V1Pod) => pod.status?.podIP || undefined;

function deregistered(context: DeploymentContext, pod: V1Pod): boolean {
  const ip = podIp(pod);
  return !ip || (context.registry?.isDeregistered(ip) ?? true);
}

/** Gracefully, so that the CCM drops it from the load balancers while its proxy drains. */
async function retire(context: DeploymentContext, pod: V1Pod): Promise<void> {
  const { name = '', namespace = '' } = pod.metadata ?? {};
  await ignoringAbsence(() => context.core.deleteNamespacedPod({ name, namespace }));
  context.logger.info(`asm: draining pod ${namespace}/${name}`);
}

/** Removes the retired pods that no load balancer holds any more, as their proxies exit once drained. */
async function removeDrained(context: DeploymentContext, pods: readonly V1Pod[]): Promise<void> {
  for (const pod of pods.filter(
    (candidate) => candidate.metadata?.deletionTimestamp && deregistered(context, candidate),
  )) {
    const { name = '', namespace = '', uid } = pod.metadata ?? {};
    await ignoringAbsence(() =>
      context.core.deleteNamespacedPod({ name, namespace, body: { gracePeriodSeconds: 0, preconditions: { uid } } }),
    );
  }
}

function rolloutPod(context: DeploymentContext, pod: V1Pod): RolloutPod {
  const ip = podIp(pod);
  const ready = isRunningReady(pod);
  return {
    name: pod.metadata?.name ?? '',
    version: pod.metadata?.labels?.[REVISION_LABEL] ?? '',
    available: ready && ip !== undefined && (context.registry?.isRegistered(ip) ?? true),
    terminating: Boolean(pod.metadata?.deletionTimestamp),
  };
}

/** The Deployment as planned: created, or its spec brought in line; undefined when someone else's. */
async function ensureDeployment(
  context: DeploymentContext,
  gateway: IstioGateway,
  plan: DeploymentPlan,
): Promise<V1Deployment | undefined> {
  const desired = gatewayDeployment(gateway, plan);
  const { namespace } = gateway.metadata;
  const name = plan.workload.deployment;
  const current = await ignoringAbsence(() => context.apps.readNamespacedDeployment({ namespace, name }));
  if (!current) {
    context.logger.info(`asm: created Deployment ${namespace}/${name} (${plan.workload.version})`);
    return context.apps.createNamespacedDeployment({ namespace, body: desired });
  }
  if (current.metadata?.labels?.[OWNER_LABEL] !== gateway.metadata.name) return undefined;
  const spec = (deployment: V1Deployment) =>
    JSON.stringify([
      deployment.spec?.replicas,
      deployment.spec?.strategy,
      deployment.spec?.template.spec?.containers[0]?.image,
    ]);
  if (spec(current) === spec(desired)) return current;
  context.logger.info(`asm: updated Deployment ${namespace}/${name} (${plan.workload.version})`);
  return context.apps.patchNamespacedDeployment({ namespace, name, body: { spec: desired.spec } }, mergePatch);
}

async function reportStatus(
  context: DeploymentContext,
  deployment: V1Deployment,
  pods: readonly V1Pod[],
  version: string,
): Promise<void> {
  const status = deploymentStatus(deployment, pods, version);
  const current = deployment.status ?? {};
  if (Object.entries(status).every(([key, value]) => (current as Record<string, unknown>)[key] === value)) return;
  const { name = '', namespace = '' } = deployment.metadata ?? {};
  await ignoringAbsence(() =>
    context.apps.patchNamespacedDeploymentStatus({ namespace, name, body: { status } }, mergePatch),
  );
}

/**
 * One pass over a Deployment the gateway wants. `pods` are those it owns; `stalled` holds its roll
 * half-way.
 */
export async function reconcileDeployment(
  context: DeploymentContext,
  gateway: IstioGateway,
  plan: DeploymentPlan,
  pods: readonly V1Pod[],
  stalled = false,
): Promise<DeploymentOutcome> {
  const deployment = await ensureDeployment(context, gateway, plan);
  if (!deployment) return 'foreign';
  await removeDrained(context, pods);
  const step = nextRolloutStep(
    pods.map((pod) => rolloutPod(context, pod)),
    {
      replicas: plan.replicas,
      version: plan.workload.version,
      maxSurge: gateway.spec?.rollingMaxSurge,
      maxUnavailable: gateway.spec?.rollingMaxUnavailable,
      stalled,
    },
  );
  if (step.kind === 'create') {
    const pod = await context.core.createNamespacedPod({
      namespace: gateway.metadata.namespace,
      body: deploymentPod(gateway, plan, deployment),
    });
    context.logger.info(
      `asm: created pod ${gateway.metadata.namespace}/${pod.metadata?.name} (${plan.workload.version})`,
    );
  }
  const retired = step.kind === 'retire' && pods.find((pod) => pod.metadata?.name === step.pod);
  if (retired) await retire(context, retired);
  await reportStatus(context, deployment, pods, plan.workload.version);
  return step.kind;
}

/**
 * One pass over a Deployment the gateway no longer wants (the canary once the annotation is gone):
 * its pods drain and go, then the Deployment. True once it is gone. Someone else's is left alone.
 */
export async function removeDeployment(
  context: DeploymentContext,
  gateway: IstioGateway,
  name: string,
  pods: readonly V1Pod[],
): Promise<boolean> {
  const { namespace } = gateway.metadata;
  const current = await ignoringAbsence(() => context.apps.readNamespacedDeployment({ namespace, name }));
  if (!current || current.metadata?.labels?.[OWNER_LABEL] !== gateway.metadata.name) return true;
  await removeDrained(context, pods);
  for (const pod of pods.filter((candidate) => !candidate.metadata?.deletionTimestamp)) await retire(context, pod);
  if (pods.length > 0) return false;
  await ignoringAbsence(() => context.apps.deleteNamespacedDeployment({ namespace, name }));
  context.logger.info(`asm: deleted Deployment ${namespace}/${name}`);
  return true;
}

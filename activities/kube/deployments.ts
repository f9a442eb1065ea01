// The Deployments of a namespace whose pods a Service selects: a gateway's own and its canary.
import { AppsV1Api } from '@kubernetes/client-node';
import { kubeConfig } from './config.js';
import { kubeRequest } from './request.js';
import { DEPLOYMENTS } from './resources.js';

export interface DeploymentState {
  name: string;
  labels: Record<string, string>;
  /** The pod template's labels: what a Service selects. */
  podLabels: Record<string, string>;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** The Deployments of `namespace` whose pods carry every label of `selector`. */
export async function deploymentsSelectedBy(
  namespace: string,
  selector: Record<string, string>,
  context?: string,
): Promise<DeploymentState[]> {
  const list = await kubeRequest({ verb: 'list', resource: DEPLOYMENTS, namespace, context }, (options) =>
    kubeConfig(context).makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace }, options),
  );
  return list.items
    .map((deployment) => ({
      name: deployment.metadata?.name ?? '',
      labels: deployment.metadata?.labels ?? {},
      podLabels: deployment.spec?.template.metadata?.labels ?? {},
      replicas: deployment.spec?.replicas ?? 1,
      readyReplicas: deployment.status?.readyReplicas ?? 0,
      updatedReplicas: deployment.status?.updatedReplicas ?? 0,
    }))
    .filter((deployment) => selects(selector, deployment.podLabels))
    .sort((a, b) => a.name.localeCompare(b.name));
}

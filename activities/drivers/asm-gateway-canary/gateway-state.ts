// What the data plane shows of an ASM gateway: the Deployments and pods its Service selects, split into
// the gateway's own and the canary's. The canary is found by its marks (ASM's canary label, or the
// `-canary` name under either of ASM's namings), not by one assumed name.
import { CANARY_LABEL, type CanaryTraffic, gatewayDeployment, versionParts } from '../../../src/plan/index.js';
import { type DeploymentState, deploymentsSelectedBy } from '../../kube/deployments.js';
import { type GatewayPod, listGatewayPods } from '../../kube/pods.js';
import { readService } from '../../kube/service.js';

/** The names ASM's documentation gives the canary Deployment of gateway `name`. */
export function canaryNames(name: string): string[] {
  return [`${gatewayDeployment(name)}-canary`, `${name}-canary`];
}

export function isCanary(deployment: Pick<DeploymentState, 'name' | 'labels'>, gateway: string): boolean {
  return deployment.labels[CANARY_LABEL] === 'true' || canaryNames(gateway).includes(deployment.name);
}

/** The version a gateway pod runs: the tag of its istio-proxy image (`…/proxyv2:1.22.6.29`). */
export function podVersion(pod: GatewayPod): string | undefined {
  const image = pod.images['istio-proxy'] ?? Object.values(pod.images)[0];
  return image?.slice(image.lastIndexOf(':') + 1) || undefined;
}

export function sameVersion(a: string | undefined, b: string): boolean {
  const [left, right] = [a === undefined ? undefined : versionParts(a), versionParts(b)];
  return left !== undefined && right !== undefined && left.join('.') === right.join('.');
}

export interface GatewayState {
  selector: Record<string, string>;
  main: DeploymentState[];
  canary: DeploymentState[];
  mainPods: GatewayPod[];
  canaryPods: GatewayPod[];
}

export async function readGatewayState(traffic: CanaryTraffic): Promise<GatewayState> {
  const { namespace, name } = traffic.gateway;
  const service = await readService({
    namespace,
    service: traffic.services[0] ?? gatewayDeployment(name),
    context: traffic.kubeContext,
  });
  const selector = service.spec?.selector ?? {};
  const [deployments, pods] = await Promise.all([
    deploymentsSelectedBy(namespace, selector, traffic.kubeContext),
    listGatewayPods({ namespace, selector, context: traffic.kubeContext }),
  ]);
  const canary = deployments.filter((deployment) => isCanary(deployment, name));
  const canaryNamesNow = new Set(canary.map((deployment) => deployment.name));
  return {
    selector,
    main: deployments.filter((deployment) => !canaryNamesNow.has(deployment.name)),
    canary,
    mainPods: pods.filter((pod) => !pod.deployment || !canaryNamesNow.has(pod.deployment)),
    canaryPods: pods.filter((pod) => pod.deployment && canaryNamesNow.has(pod.deployment)),
  };
}

// What the canary upgrade's await steps wait for: the canary ready and serving from every CLB, every
// gateway pod on the new version, the canary gone. Each reading is fresh; the engine polls it.
import type { CanaryTraffic } from '../../../src/plan/index.js';
import type { AsmClient } from '../../asm/client.js';
import type { ClbClient } from '../../clb/client.js';
import type { ConditionState } from '../../contracts.js';
import { canaryShare, missingBackends, serviceClb } from './clb-backends.js';
import { podVersion, readGatewayState, sameVersion } from './gateway-state.js';

export interface CanaryClients {
  asm(region: string): AsmClient;
  clb(region: string): ClbClient;
}

/** `<namespace>:<name>`, as the ASM API names a gateway. */
export const gatewayFullName = (traffic: CanaryTraffic) => `${traffic.gateway.namespace}:${traffic.gateway.name}`;

async function canaryReady(clients: CanaryClients, traffic: CanaryTraffic): Promise<ConditionState> {
  const state = await readGatewayState(traffic);
  const [canary] = state.canary;
  if (!canary) return { met: false, message: 'ASM has not created the canary Deployment yet' };
  const ready = state.canaryPods.filter((pod) => pod.ready && pod.ip);
  if (canary.readyReplicas < canary.replicas || ready.length === 0)
    return { met: false, message: `Deployment ${canary.name}: ${canary.readyReplicas}/${canary.replicas} ready` };
  const client = clients.clb(traffic.mesh.region);
  const ips = ready.map((pod) => pod.ip as string);
  const clbs = await Promise.all(
    traffic.services.map((service) =>
      serviceClb(client, { namespace: traffic.gateway.namespace, service, context: traffic.kubeContext }),
    ),
  );
  const problems = (await Promise.all(clbs.map((clb) => missingBackends(client, clb, ips)))).flat();
  const observations = await Promise.all(clbs.map((clb) => canaryShare(client, clb, ips)));
  if (problems.length > 0)
    return { met: false, message: `Deployment ${canary.name} is ready, but ${problems.join('; ')}`, observations };
  return {
    met: true,
    message: `Deployment ${canary.name} is ready; pod ${ready.map((pod) => `${pod.name} (${podVersion(pod)})`).join(', ')} serves from ${clbs.map((clb) => clb.loadBalancerId).join(', ')}`,
    observations,
  };
}

async function gatewayUpgraded(clients: CanaryClients, traffic: CanaryTraffic): Promise<ConditionState> {
  const name = gatewayFullName(traffic);
  const status = await clients.asm(traffic.mesh.region).describeUpgradeStatus(traffic.mesh.id, [name]);
  const record = status.gateways[name];
  const state = await readGatewayState(traffic);
  const behind = state.mainPods.filter((pod) => !sameVersion(podVersion(pod), traffic.targetVersion));
  const pods = `${state.mainPods.length - behind.length}/${state.mainPods.length} gateway pods on ${traffic.targetVersion}`;
  const upgrade = `ASM reports ${name} ${record?.status ?? 'unknown'}${record?.version ? ` at ${record.version}` : ''}`;
  const met = record?.status === 'finished' && behind.length === 0 && state.mainPods.length > 0;
  return {
    met,
    message: `${upgrade}; ${pods}${behind.length ? ` (behind: ${behind.map((pod) => pod.name).join(', ')})` : ''}`,
  };
}

async function canaryRemoved(_clients: CanaryClients, traffic: CanaryTraffic): Promise<ConditionState> {
  const state = await readGatewayState(traffic);
  const left = [
    ...state.canary.map((deployment) => `Deployment ${deployment.name}`),
    ...state.canaryPods.map((pod) => `pod ${pod.name}`),
  ];
  return left.length === 0
    ? { met: true, message: 'the canary Deployment and its pods are gone' }
    : { met: false, message: `still there: ${left.join(', ')}` };
}

export function canaryConditions(clients: CanaryClients) {
  return {
    'canary-ready': (traffic: CanaryTraffic) => canaryReady(clients, traffic),
    'gateway-upgraded': (traffic: CanaryTraffic) => gatewayUpgraded(clients, traffic),
    'canary-removed': (traffic: CanaryTraffic) => canaryRemoved(clients, traffic),
  };
}

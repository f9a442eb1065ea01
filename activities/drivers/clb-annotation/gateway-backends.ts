// What each gateway's CLB backends are, as the CCM builds them: its pods (ENI) or nodes (Cluster: every
// node; Local: those running its ready pods), from the Service's backend-type annotation and traffic
// policy. Without the annotation, the cluster's default decides, which only the backends the CCM
// registered for the Service show (eni/eci or ecs); with none registered, the CCM's own default, ECS.
import type { V1Service } from '@kubernetes/client-node';
import { backendModeOf } from '../../../src/plan/annotations.js';
import type { GatewayRef } from '../../../src/plan/index.js';
import type { BackendLayout, BackendMode } from '../../../src/plan/weights.js';
import { type GatewayBackends, parseBackendDescription } from '../../clb/effective.js';
import type { ClbVServerGroupBackends } from '../../clb/models.js';
import { listGatewayPods } from '../../kube/pods.js';
import { readService, type ServiceRef } from '../../kube/service.js';

/** What the cluster says of one gateway's Service and ready pods. */
export interface GatewaySide {
  ref: ServiceRef;
  service: V1Service;
  /** Ready pods with an address, and the node each runs on. */
  pods: { ip: string; nodeName?: string }[];
}

export type ReadyPods = GatewaySide['pods'];

export async function readyPods(gateway: GatewayRef): Promise<ReadyPods> {
  const pods = await listGatewayPods({
    namespace: gateway.namespace,
    selector: gateway.selector,
    context: gateway.kubeContext,
  });
  return pods.flatMap((pod) => (pod.ready && pod.ip ? [{ ip: pod.ip, nodeName: pod.nodeName }] : []));
}

export async function readGatewaySide(ref: ServiceRef, pods: ReadyPods): Promise<GatewaySide> {
  return { ref, service: await readService(ref), pods };
}

/** The backends the CCM registered for the Service, in these groups. */
export function ownedBackends(side: GatewaySide, groups: readonly ClbVServerGroupBackends[]) {
  return groups.flatMap((group) =>
    group.backends.filter((backend) => {
      const owner = parseBackendDescription(backend.description);
      return owner?.service === side.ref.service && owner.namespace === side.ref.namespace;
    }),
  );
}

export function backendMode(side: GatewaySide, groups: readonly ClbVServerGroupBackends[]): BackendMode {
  const types = new Set(ownedBackends(side, groups).map((backend) => backend.type));
  const clusterDefault = types.has('eni') || types.has('eci') ? 'eni' : 'ecs';
  return backendModeOf(side.service.metadata?.annotations, side.service.spec?.externalTrafficPolicy, clusterDefault);
}

/** Ready pods per node that runs any (pods whose node is unknown count as one node each). */
function podsPerNode(side: GatewaySide): number[] {
  const counts = new Map<string, number>();
  side.pods.forEach((pod, i) => {
    const node = pod.nodeName ?? `unknown-${i}`;
    counts.set(node, (counts.get(node) ?? 0) + 1);
  });
  return [...counts.values()];
}

/** How effective.ts recognises and checks the gateway's backends. */
export function gatewayBackends(side: GatewaySide, groups: readonly ClbVServerGroupBackends[]): GatewayBackends {
  const service = { namespace: side.ref.namespace, name: side.ref.service };
  const mode = backendMode(side, groups);
  if (mode === 'eni') return { podIps: side.pods.map((pod) => pod.ip), service };
  return { service, nodes: mode === 'cluster' ? { mode } : { mode, podsPerNode: podsPerNode(side) } };
}

/**
 * The layout for the CCM's arithmetic. The nodes of a Cluster-mode Service are the node backends the
 * CCM registered in a group (it registers every node in each).
 */
export function backendLayout(side: GatewaySide, groups: readonly ClbVServerGroupBackends[]): BackendLayout {
  const mode = backendMode(side, groups);
  const perGroup = groups.map(
    (group) => ownedBackends(side, [group]).filter((backend) => backend.type === 'ecs').length,
  );
  return { mode, podsPerNode: podsPerNode(side), nodes: Math.max(0, ...perGroup) };
}

/** "3 pods", "2 nodes running 3 pods", "4 nodes": what the side's backends are, for messages. */
export function describeLayout(layout: BackendLayout): string {
  const pods = layout.podsPerNode.reduce((sum, count) => sum + count, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (layout.mode === 'eni') return `${plural(pods, 'pod')} (ENI)`;
  if (layout.mode === 'local')
    return `${plural(layout.podsPerNode.length, 'node')} running ${plural(pods, 'pod')} (Local)`;
  return `${plural(layout.nodes, 'node')} (Cluster)`;
}

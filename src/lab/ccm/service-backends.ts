// The backends the CCM wants for one Service, in every vServer group its vgroup-port names, in the
// Service's backend mode: ENI, every ready pod at the targetPort; Cluster, every node at the NodePort;
// Local, every node running a ready pod, at the NodePort. Weights follow the CCM's arithmetic
// (backendWeights); without W, 100 per backend (ENI, Cluster) or the pods on the node (Local).
import type { V1Node, V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { backendModeOf } from '../../plan/annotations.js';
import { type BackendLayout, type BackendMode, backendWeights } from '../../plan/weights.js';
import { nodeAddress } from '../kubelet/nodes.js';
import { isRunningReady } from '../kubelet/pod-status.js';
import type { Backend } from '../slb/state.js';
import type { ServiceGroup } from './service-config.js';

/** The CCM's weight for a backend when the Service has no weight annotation. */
export const DEFAULT_BACKEND_WEIGHT = 100;

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** `k8s/<servicePort>/<svc>/<ns>/<clusterId>`: how the CCM marks the backends it owns. */
export function backendDescription(port: number, service: string, namespace: string, clusterId: string): string {
  return `k8s/${port}/${service}/${namespace}/${clusterId}`;
}

/** The Service (`ns/name`) of this cluster that owns a backend, or undefined for anyone else's. */
export function ownerOf(backend: Backend, clusterId: string): string | undefined {
  return ownerOfName(backend.description, clusterId);
}

/** The Service of this cluster a backend description or a vServer group name (the same form) names. */
export function ownerOfName(name: string | undefined, clusterId: string): string | undefined {
  const parts = name?.split('/');
  if (parts?.length !== 5 || parts[0] !== 'k8s' || parts[4] !== clusterId) return undefined;
  return serviceKey(parts[3] ?? '', parts[2] ?? '');
}

/** What the endpoints controller calls ready: Running and Ready, with an IP, and not being deleted. */
export function isReadyEndpoint(pod: V1Pod): boolean {
  return isRunningReady(pod) && !pod.metadata?.deletionTimestamp;
}

export function selectedPods(service: V1Service, pods: readonly V1Pod[]): V1Pod[] {
  const selector = Object.entries(service.spec?.selector ?? {});
  // A Service without a selector has no endpoints the endpoints controller manages.
  if (selector.length === 0) return [];
  return pods.filter(
    (pod) =>
      pod.metadata?.namespace === service.metadata?.namespace &&
      selector.every(([key, value]) => pod.metadata?.labels?.[key] === value),
  );
}

/** A numeric targetPort, or the pod's container port of that name; undefined when the pod has none. */
export function targetPortOf(servicePort: V1ServicePort, pod: V1Pod): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const ports = (pod.spec?.containers ?? []).flatMap((container) => container.ports ?? []);
  return ports.find((port) => port.name === target)?.containerPort;
}

/** What the CCM knows of the cluster besides the Service. */
export interface ClusterView {
  pods: readonly V1Pod[];
  nodes: readonly V1Node[];
  clusterId: string;
  /** The cluster's backend type for a Service without the backend-type annotation. */
  defaultBackendType: 'eni' | 'ecs';
}

type Candidate = Omit<Backend, 'weight' | 'description'> & { podsOnNode: number };

/** One backend per ready pod at the targetPort. */
function eniCandidates(servicePort: V1ServicePort, ready: readonly V1Pod[]): Candidate[] {
  return ready.flatMap((pod) => {
    const port = targetPortOf(servicePort, pod);
    if (port === undefined) return [];
    const serverIp = pod.status?.podIP ?? '';
    return [{ serverId: `eni-${pod.metadata?.name}`, serverIp, port, type: 'eni' as const, podsOnNode: 1 }];
  });
}

/** One backend per node (every node, or those running ready pods) at the NodePort. */
function nodeCandidates(
  mode: BackendMode,
  servicePort: V1ServicePort,
  ready: readonly V1Pod[],
  nodes: readonly V1Node[],
): Candidate[] {
  const port = servicePort.nodePort;
  if (port === undefined) return [];
  const podsOn = (node: V1Node) => ready.filter((pod) => pod.spec?.nodeName === node.metadata?.name).length;
  return nodes.flatMap((node) => {
    const { ip, instanceId } = nodeAddress(node);
    const podsOnNode = podsOn(node);
    if (!instanceId || (mode === 'local' && podsOnNode === 0)) return [];
    return [{ serverId: instanceId, serverIp: ip, port, type: 'ecs' as const, podsOnNode }];
  });
}

function weightsFor(mode: BackendMode, weight: number | undefined, candidates: Candidate[]): number[] {
  if (weight === undefined)
    return candidates.map((candidate) => (mode === 'local' ? candidate.podsOnNode : DEFAULT_BACKEND_WEIGHT));
  const layout: BackendLayout = {
    mode,
    podsPerNode: candidates.map((candidate) => candidate.podsOnNode),
    nodes: candidates.length,
  };
  return backendWeights(weight, layout);
}

/** vServer group id → this Service's backends in it. */
export function serviceBackends(
  service: V1Service,
  groups: readonly ServiceGroup[],
  weight: number | undefined,
  cluster: ClusterView,
): Map<string, Backend[]> {
  const name = service.metadata?.name ?? '';
  const namespace = service.metadata?.namespace ?? '';
  const ready = selectedPods(service, cluster.pods).filter(isReadyEndpoint);
  const mode = backendModeOf(
    service.metadata?.annotations,
    service.spec?.externalTrafficPolicy,
    cluster.defaultBackendType,
  );
  const byGroup = new Map<string, Backend[]>();
  for (const { vServerGroupId, servicePort } of groups) {
    const description = backendDescription(servicePort.port, name, namespace, cluster.clusterId);
    const candidates =
      mode === 'eni' ? eniCandidates(servicePort, ready) : nodeCandidates(mode, servicePort, ready, cluster.nodes);
    // The CCM divides the weight over the backends of the group it builds, one group per Service port.
    const weights = weightsFor(mode, weight, candidates);
    const backends = candidates.map(({ podsOnNode: _, ...backend }, i) => ({
      ...backend,
      weight: weights[i] ?? 0,
      description,
    }));
    byGroup.set(vServerGroupId, [...(byGroup.get(vServerGroupId) ?? []), ...backends]);
  }
  return byGroup;
}

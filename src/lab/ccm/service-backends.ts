// The ENI backends the CCM wants for one Service (the lab's cluster is a Terway cluster, so pods are
// backends): every ready pod the Service selects, at the Service port's targetPort, in every vServer
// group its vgroup-port names, with max(1, floor(W / backends)) each (0 for W = 0, 100 without W).
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { perBackendWeight } from '../../plan/weights.js';
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
  const parts = backend.description?.split('/');
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
function targetPortOf(servicePort: V1ServicePort, pod: V1Pod): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const ports = (pod.spec?.containers ?? []).flatMap((container) => container.ports ?? []);
  return ports.find((port) => port.name === target)?.containerPort;
}

/** vServer group id → this Service's backends in it. */
export function serviceBackends(
  service: V1Service,
  groups: readonly ServiceGroup[],
  weight: number | undefined,
  pods: readonly V1Pod[],
  clusterId: string,
): Map<string, Backend[]> {
  const name = service.metadata?.name ?? '';
  const namespace = service.metadata?.namespace ?? '';
  const ready = selectedPods(service, pods).filter(isReadyEndpoint);
  const byGroup = new Map<string, Backend[]>();
  for (const { vServerGroupId, servicePort } of groups) {
    const description = backendDescription(servicePort.port, name, namespace, clusterId);
    const backends = ready.flatMap((pod) => {
      const port = targetPortOf(servicePort, pod);
      if (port === undefined) return [];
      const serverIp = pod.status?.podIP ?? '';
      return [{ serverId: `eni-${pod.metadata?.name}`, serverIp, port, weight: 0, type: 'eni' as const, description }];
    });
    // The CCM divides the weight by the backends of the group it builds, one group per Service port.
    const each = weight === undefined ? DEFAULT_BACKEND_WEIGHT : perBackendWeight(weight, backends.length);
    byGroup.set(vServerGroupId, [
      ...(byGroup.get(vServerGroupId) ?? []),
      ...backends.map((backend) => ({ ...backend, weight: each })),
    ]);
  }
  return byGroup;
}

// How the cloud controller manager reads a Service that reuses a CLB, and what it refuses: a CLB that
// does not exist or that Kubernetes created (tagged), a vgroup-port entry that names no vServer group
// of that CLB, a CCM-created group or no port of the Service, a weight that is not 0..100. Messages
// follow the CCM's where it has one.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { CLB_ANNOTATIONS, ccmAcceptsWeight, clbAnnotation, parseVgroupPort } from '../../plan/annotations.js';
import type { SlbState } from '../slb/state.js';
import { findCreatedClb } from './created-clb.js';

/** Tag keys the CCM puts on the CLBs it creates itself; such a CLB cannot be reused. */
export const BLOCKING_TAGS = ['kubernetes.do.not.delete', 'ack.aliyun.com'];
/** Group names of the CCM's own vServer groups start so. */
const CCM_GROUP_PREFIX = 'k8s/';

export interface ServiceGroup {
  vServerGroupId: string;
  servicePort: V1ServicePort;
}

export type ServiceLoadBalancer =
  /** Not a LoadBalancer Service reusing a CLB: the lab's CCM has nothing to do for it. */
  | { status: 'unmanaged' }
  | { status: 'invalid'; loadBalancerId: string; message: string }
  /** `weight` is undefined without the annotation: every backend then gets the default 100. */
  | { status: 'valid'; loadBalancerId: string; weight?: number; groups: ServiceGroup[] };

const annotation = (service: V1Service, key: keyof typeof CLB_ANNOTATIONS) =>
  clbAnnotation(service.metadata?.annotations, CLB_ANNOTATIONS[key]);

function readGroups(value: string, service: V1Service, slb: SlbState, loadBalancerId: string): ServiceGroup[] | string {
  const ports = service.spec?.ports ?? [];
  const groups: ServiceGroup[] = [];
  for (const entry of parseVgroupPort(value)) {
    if (!entry.id || !Number.isInteger(entry.port) || entry.port <= 0)
      return `vgroupid and protocol format must be like 'vsp-xxx:443' with colon separated. got=[${value}]`;
    const group = slb.vServerGroups.get(entry.id);
    if (group?.loadBalancerId !== loadBalancerId) return `can not find vgroupId ${entry.id} in lb ${loadBalancerId}`;
    if (group.name.startsWith(CCM_GROUP_PREFIX))
      return `cannot reuse a ccm created vgroup ${entry.id} for slb ${loadBalancerId}`;
    const servicePort = ports.find((port) => port.port === entry.port);
    if (!servicePort)
      return `vgroup-port ${entry.id}:${entry.port} names no port of the Service (ports ${ports.map((p) => p.port).join(',') || 'none'})`;
    groups.push({ vServerGroupId: entry.id, servicePort });
  }
  return groups;
}

/** A Service without `-id` on the CLB the CCM created for it: a group per listener of one of its ports. */
function createdLoadBalancer(service: V1Service, slb: SlbState, clusterId: string): ServiceLoadBalancer {
  const lb = findCreatedClb(service, slb, clusterId);
  if (!lb) return { status: 'unmanaged' };
  const groups = lb.listeners.flatMap((listener) => {
    const servicePort = service.spec?.ports?.find((port) => port.port === listener.port);
    return servicePort && listener.vServerGroupId ? [{ vServerGroupId: listener.vServerGroupId, servicePort }] : [];
  });
  return { status: 'valid', loadBalancerId: lb.id, groups };
}

/**
 * The Service's CLB as the CCM would build it, or why the CCM refuses it. Without `-id`: the CLB the
 * CCM created for the Service (see created-clb.ts), when `clusterId` is given and there is one.
 */
export function readServiceLoadBalancer(service: V1Service, slb: SlbState, clusterId?: string): ServiceLoadBalancer {
  const loadBalancerId = annotation(service, 'id');
  if (service.spec?.type !== 'LoadBalancer') return { status: 'unmanaged' };
  if (!loadBalancerId) return clusterId ? createdLoadBalancer(service, slb, clusterId) : { status: 'unmanaged' };
  const invalid = (message: string): ServiceLoadBalancer => ({ status: 'invalid', loadBalancerId, message });
  const lb = slb.loadBalancers.get(loadBalancerId);
  if (!lb) return invalid(`can not find loadbalancer by id ${loadBalancerId}`);
  if (BLOCKING_TAGS.some((key) => lb.tags.has(key)))
    return invalid(
      `the loadbalancer ${loadBalancerId} can not be reused, can not reuse loadbalancer created by kubernetes.`,
    );
  // The weight only counts on a reused CLB with vgroup-port, as in the CCM.
  const vgroupPort = annotation(service, 'vgroupPort');
  if (!vgroupPort) return { status: 'valid', loadBalancerId, groups: [] };
  const groups = readGroups(vgroupPort, service, slb, loadBalancerId);
  if (typeof groups === 'string') return invalid(groups);
  const weightText = annotation(service, 'weight');
  if (!weightText) return { status: 'valid', loadBalancerId, groups };
  if (!ccmAcceptsWeight(weightText)) return invalid(`weight must be integer in range [0,100] , got [${weightText}]`);
  return { status: 'valid', loadBalancerId, weight: Number(weightText), groups };
}

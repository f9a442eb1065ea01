// What ACK's CCM does for a LoadBalancer Service without the `-id` annotation: it creates a CLB of its
// own for it — tagged so that it finds it again (kubernetes.do.not.delete: the Service's key) and
// knows it as Kubernetes' (ack.aliyun.com: the cluster), with configuration read-only mode on, a
// listener and a vServer group per Service port — and registers the Service's backends there. Those
// tags are what make the CCM refuse to reuse the CLB for another Service (step 1 of the ASM procedure
// removes them). The lab's ids are derived from the Service, so that the lab's input can name them.
// Its groups are named k8s/<port>/<svc>/<ns>/<cluster>, as the real CCM names the groups it creates.
import { createHash } from 'node:crypto';
import type { V1Service } from '@kubernetes/client-node';
import type { LoadBalancer, SlbState } from '../slb/state.js';
import { backendDescription } from './service-backends.js';

export const CREATED_TAG = 'kubernetes.do.not.delete';
export const CLUSTER_TAG = 'ack.aliyun.com';
export const CREATED_PROTECTION_REASON = 'managed by ACK';

const digest = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** The tag value the CCM finds its CLB by: a digest of the Service's cluster, namespace and name. */
export const createdTagValue = (clusterId: string, namespace: string, name: string) =>
  digest(`${clusterId}/${namespace}/${name}`, 32);

/** The CLB and vServer group ids the lab's CCM gives the CLB it creates for a Service. */
export function createdClbIds(clusterId: string, namespace: string, name: string, ports: readonly number[]) {
  const key = `${clusterId}/${namespace}/${name}`;
  return {
    id: `lb-ccm${digest(key, 14)}`,
    groups: ports.map((port) => ({ id: `rsp-ccm${digest(`${key}/${port}`, 10)}`, port })),
  };
}

/**
 * The CLB the CCM created for the Service: by its tag, else by its id (the real CCM also keeps the id in
 * the Service's label service.k8s.alibaba/loadbalancer-id, so it keeps serving once the tags are gone).
 */
export function findCreatedClb(service: V1Service, slb: SlbState, clusterId: string): LoadBalancer | undefined {
  const namespace = service.metadata?.namespace ?? '';
  const name = service.metadata?.name ?? '';
  const value = createdTagValue(clusterId, namespace, name);
  return (
    [...slb.loadBalancers.values()].find((lb) => lb.tags.get(CREATED_TAG) === value) ??
    slb.loadBalancers.get(createdClbIds(clusterId, namespace, name, []).id)
  );
}

/** Creates the Service's CLB unless it has one; idempotent. */
export function ensureCreatedClb(service: V1Service, slb: SlbState, clusterId: string, regionId: string): void {
  if (findCreatedClb(service, slb, clusterId)) return;
  const namespace = service.metadata?.namespace ?? '';
  const name = service.metadata?.name ?? '';
  const ports = (service.spec?.ports ?? []).map((port) => port.port);
  const ids = createdClbIds(clusterId, namespace, name, ports);
  if (slb.loadBalancers.has(ids.id)) return;
  slb.addLoadBalancer({
    id: ids.id,
    regionId,
    name: digest(`${clusterId}/${namespace}/${name}`, 32),
    tags: { [CREATED_TAG]: createdTagValue(clusterId, namespace, name), [CLUSTER_TAG]: clusterId },
  });
  slb.setModificationProtection(ids.id, 'ConsoleProtection', CREATED_PROTECTION_REASON);
  for (const group of ids.groups)
    slb.addVServerGroup(ids.id, {
      id: group.id,
      name: backendDescription(group.port, name, namespace, clusterId),
      listenerPorts: [group.port],
    });
}

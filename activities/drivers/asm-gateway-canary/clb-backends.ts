// The CLBs in front of a gateway's Services, as the canary needs them: which vServer groups a Service
// is in, whether given pods are healthy weighted backends of each, and the share each version gets.
import type { Observation } from '../../../src/api/records.js';
import { CLB_ANNOTATIONS, clbResource, effectiveShares, parseVgroupPort } from '../../../src/plan/index.js';
import type { ClbClient } from '../../clb/client.js';
import { parseBackendDescription } from '../../clb/effective.js';
import type { ClbBackend } from '../../clb/models.js';
import { readService, type ServiceRef } from '../../kube/service.js';

/** The label the CCM puts on the Service of a CLB it created. */
const CCM_LOADBALANCER_LABEL = 'service.k8s.alibaba/loadbalancer-id';

export interface ServiceClb {
  service: ServiceRef;
  loadBalancerId: string;
  groups: string[];
}

export async function serviceClb(client: ClbClient, ref: ServiceRef): Promise<ServiceClb> {
  const service = await readService(ref);
  const annotations = service.metadata?.annotations ?? {};
  const loadBalancerId = annotations[CLB_ANNOTATIONS.id] ?? service.metadata?.labels?.[CCM_LOADBALANCER_LABEL];
  if (!loadBalancerId)
    throw new Error(
      `Service ${ref.namespace}/${ref.service} names no CLB (neither ${CLB_ANNOTATIONS.id} nor ${CCM_LOADBALANCER_LABEL})`,
    );
  const vgroupPort = annotations[CLB_ANNOTATIONS.vgroupPort];
  const groups = vgroupPort
    ? parseVgroupPort(vgroupPort).map((group) => group.id)
    : (await client.describeVServerGroups(loadBalancerId)).map((group) => group.id);
  return { service: ref, loadBalancerId, groups };
}

/** This Service's backends in a group: the CCM describes each as `k8s/<port>/<service>/<namespace>/…`. */
function ofService(backends: ClbBackend[], ref: ServiceRef): ClbBackend[] {
  return backends.filter((backend) => {
    const owner = parseBackendDescription(backend.description);
    return owner?.service === ref.service && owner.namespace === ref.namespace;
  });
}

/** Why pods with these IPs are not yet healthy weighted backends of every group of the CLB, or []. */
export async function missingBackends(client: ClbClient, clb: ServiceClb, ips: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const id of clb.groups) {
    const backends = ofService((await client.describeVServerGroupBackends(id)).backends, clb.service);
    for (const ip of ips) {
      const backend = backends.find((candidate) => candidate.serverIp === ip);
      if (!backend) problems.push(`${ip} is not a backend of ${clb.loadBalancerId} group ${id}`);
      else if (backend.weight === 0) problems.push(`${ip} has weight 0 in ${clb.loadBalancerId} group ${id}`);
    }
  }
  const health = await client.describeHealthStatus(clb.loadBalancerId);
  for (const backend of health.filter((entry) => entry.serverIp && ips.includes(entry.serverIp)))
    if (backend.status !== 'normal')
      problems.push(
        `${backend.serverIp} is ${backend.status} on ${clb.loadBalancerId} listener ${backend.listenerPort}`,
      );
  return problems;
}

/**
 * The canary's share of the CLB (target) against the other pods of the gateway (source): expected from
 * the pod counts (the CCM gives every pod of a Service the same weight), effective from the backends.
 */
export async function canaryShare(client: ClbClient, clb: ServiceClb, canaryIps: string[]): Promise<Observation> {
  let canary = 0;
  let others = 0;
  let canaryCount = 0;
  let total = 0;
  for (const id of clb.groups) {
    for (const backend of ofService((await client.describeVServerGroupBackends(id)).backends, clb.service)) {
      const isCanary = backend.serverIp !== undefined && canaryIps.includes(backend.serverIp);
      if (isCanary) canary += backend.weight;
      else others += backend.weight;
      canaryCount += isCanary ? 1 : 0;
      total += 1;
    }
  }
  const expected = effectiveShares(total - canaryCount, canaryCount);
  const effective = effectiveShares(others, canary);
  return {
    resource: clbResource(clb.loadBalancerId),
    desired: expected,
    expected,
    effective,
    agrees: Math.abs(expected.target - effective.target) < 1,
  };
}

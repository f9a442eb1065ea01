// Step 1 and 2 of the ASM procedure, as the CLB API sees them: the CLB can be reused, every listener
// is covered by the vServer groups of the plan, and the target pods are healthy backends of each.

import type { ChecklistItem } from '../../../../src/api/records.js';
import { clbResource, MOVE_LISTENERS_STEP, type PlannedLoadBalancer } from '../../../../src/plan/index.js';
import { fail, guarded, pass } from '../../../checklist.js';
import type { ClbClient } from '../../../clb/client.js';
import { parseBackendDescription } from '../../../clb/effective.js';
import type { ClbVServerGroupBackends } from '../../../clb/models.js';
import { REUSE_BLOCKING_TAG_KEYS, reuseBlockingTags } from '../../../clb/reuse.js';
import type { ServiceRef } from '../../../kube/service.js';
import {
  backendLayout,
  backendMode,
  describeLayout,
  type GatewaySide,
  ownedBackends,
  readGatewaySide,
} from '../gateway-backends.js';
import type { ClbFields, Side } from './fields.js';
import type { PodsFound } from './pod-checks.js';
import { withoutPods } from './pod-checks.js';

/** For a check the SLB API could not answer for a reason its error does not explain. */
const AGAIN = 'start again once the SLB API answers';

/** A CLB that does not exist is a matter of the input, not of permissions. */
const clbNotFound = (lb: PlannedLoadBalancer, fields: ClbFields) => ({
  notFound: `check ${fields.id} ("${lb.id}") and ${fields.region} ("${lb.region}") in the input: no such CLB in that region`,
});

export async function clbReusable(
  client: ClbClient,
  lb: PlannedLoadBalancer,
  fields: ClbFields,
): Promise<ChecklistItem[]> {
  return guarded(
    'CLB reusable',
    AGAIN,
    async () => {
      const [attributes, tags] = await Promise.all([client.describeLoadBalancer(lb.id), client.listTags(lb.id)]);
      const blocking = reuseBlockingTags(tags);
      const items: ChecklistItem[] = [];
      items.push(
        blocking.length === 0
          ? pass('CLB has no blocking tag', `none of ${REUSE_BLOCKING_TAG_KEYS.join(', ')}`, clbResource(lb.id))
          : fail(
              'CLB has no blocking tag',
              `tag ${blocking.map((tag) => tag.key).join(', ')} makes the CCM refuse to reuse it ("can not reuse loadbalancer created by kubernetes")`,
              `remove the tag in the CLB console or with UntagResources (ResourceType=instance, ResourceId.1=${lb.id}, TagKey.1=${blocking[0]?.key})`,
              clbResource(lb.id),
            ),
      );
      items.push(
        attributes.modificationProtection.enabled
          ? fail(
              'CLB modification protection off',
              `configuration read-only mode is on${attributes.modificationProtection.reason ? ` (${attributes.modificationProtection.reason})` : ''}: the CCM cannot change backends`,
              `turn it off: SetLoadBalancerModificationProtection LoadBalancerId=${lb.id} ModificationProtectionStatus=NonProtection`,
              clbResource(lb.id),
            )
          : pass('CLB modification protection off', 'the CCM may change its backends', clbResource(lb.id)),
      );
      return items;
    },
    clbResource(lb.id),
    clbNotFound(lb, fields),
  );
}

/** With `prepared`, the preparation moves a listener to the planned group of its port (MOVE_LISTENERS_STEP). */
export async function listenersCovered(
  client: ClbClient,
  lb: PlannedLoadBalancer,
  fields: ClbFields,
  prepared = false,
): Promise<ChecklistItem[]> {
  const item = 'every listener has a vServer group in vgroup-port';
  return guarded(
    item,
    AGAIN,
    async () => {
      const [attributes, groups] = await Promise.all([
        client.describeLoadBalancer(lb.id),
        client.describeVServerGroups(lb.id),
      ]);
      const planned = new Set(lb.vServerGroups.map((group) => group.id));
      const unknown = [...planned].filter((id) => !groups.some((group) => group.id === id));
      if (unknown.length > 0) {
        return fail(
          item,
          `the input lists vServer group ${unknown.join(', ')} (${fields.vServerGroups}); ${lb.id} has ${groups.map((group) => group.id).join(', ') || 'none'}`,
          `correct ${fields.vServerGroups} in the input: list the groups ${lb.id} has`,
          clbResource(lb.id),
        );
      }
      // The CCM reuses only groups it did not create: it names its own k8s/<port>/<svc>/<ns>/<cluster>.
      const ccmCreated = groups.filter((group) => planned.has(group.id) && parseBackendDescription(group.name));
      if (ccmCreated.length > 0) {
        return fail(
          item,
          `${ccmCreated.map((group) => `${group.id} (${group.name})`).join(', ')} was created by the CCM for a Service: the CCM refuses it in vgroup-port ("cannot reuse a ccm created vgroup")`,
          prepared
            ? `create an empty vServer group of your own per listener (CLB console or CreateVServerGroup) and list its id with its listenerPort in ${fields.vServerGroups}: the CCM fills it, then the step "${MOVE_LISTENERS_STEP}" points the listener at it`
            : `create a vServer group of your own per listener (CLB console or CreateVServerGroup) with the same backends, point the listener at it, and list its id in ${fields.vServerGroups}`,
          clbResource(lb.id),
        );
      }
      const elsewhere = attributes.listeners.filter(
        (listener) =>
          !groups.some((group) => planned.has(group.id) && group.listeners.some((l) => l.port === listener.port)),
      );
      const moved = elsewhere.filter(
        (listener) => prepared && lb.vServerGroups.some((group) => group.listenerPort === listener.port),
      );
      const uncovered = elsewhere.filter((listener) => !moved.includes(listener));
      const movedNote =
        moved.length > 0
          ? `; listener ${moved.map((l) => `${l.protocol}:${l.port}`).join(', ')} forwards to another group now: the step "${MOVE_LISTENERS_STEP}" moves it`
          : '';
      return uncovered.length === 0
        ? pass(
            item,
            `${attributes.listeners.length} listener(s) served by ${planned.size} group(s)${movedNote}`,
            clbResource(lb.id),
          )
        : fail(
            item,
            `listener port ${uncovered.map((l) => `${l.protocol}:${l.port}`).join(', ')} is served by no vServer group of the plan: its traffic would not move`,
            `add the vServer group of each listener to ${fields.vServerGroups} (and to the vgroup-port annotation)`,
            clbResource(lb.id),
          );
    },
    clbResource(lb.id),
    clbNotFound(lb, fields),
  );
}

/** What of a gateway's backends is missing in one group: pods (ENI) or nodes (Cluster, Local). */
function missingBackends(
  group: ClbVServerGroupBackends,
  side: GatewaySide,
  groups: readonly ClbVServerGroupBackends[],
): string | undefined {
  const mode = backendMode(side, groups);
  if (mode === 'eni') {
    const registered = new Set(group.backends.map((backend) => backend.serverIp));
    const missing = side.pods.map((pod) => pod.ip).filter((ip) => !registered.has(ip));
    return missing.length > 0 ? `${group.id} lacks ${missing.join(', ')}` : undefined;
  }
  const nodes = ownedBackends(side, [group]).length;
  const want = mode === 'local' ? backendLayout(side, groups).podsPerNode.length : 1;
  if (nodes >= want) return undefined;
  return mode === 'local'
    ? `${group.id} has ${nodes} node backend(s) of ${side.ref.service}, ${want} node(s) run its ready pods (Local)`
    : `${group.id} has no node backend of ${side.ref.service} (Cluster)`;
}

/**
 * The gateway's pods (or nodes) are backends of every planned group and pass the health check. The CLB
 * checks a backend per listener: a planned group no listener uses yet shows its backends' health
 * through the listener's current group, which holds the same pods.
 */
export async function backendsHealthy(
  side: Side,
  client: ClbClient,
  lb: PlannedLoadBalancer,
  fields: ClbFields,
  found: PodsFound,
  ref: ServiceRef,
): Promise<ChecklistItem[]> {
  const item = `${side} pods are healthy backends of every vServer group`;
  if ('missing' in found) return [withoutPods(item, found, side, clbResource(lb.id))];
  return guarded(
    item,
    AGAIN,
    async () => {
      const gateway = await readGatewaySide(ref, found.placed);
      const groups: ClbVServerGroupBackends[] = [];
      for (const group of lb.vServerGroups) groups.push(await client.describeVServerGroupBackends(group.id));
      const problems = groups.flatMap((group) => missingBackends(group, gateway, groups) ?? []);
      // The gateway's backends: its pods' addresses (ENI) or its node backends (Cluster, Local).
      const own = ownedBackends(gateway, groups);
      const isOwn = (backend: { serverId: string; serverIp?: string; port: number }) =>
        (backend.serverIp !== undefined && gateway.pods.some((pod) => pod.ip === backend.serverIp)) ||
        own.some((mine) => mine.serverId === backend.serverId && mine.port === backend.port && mine.type === 'ecs');
      const health = await client.describeHealthStatus(lb.id);
      for (const backend of health.filter((row) => isOwn(row) && row.status !== 'normal'))
        problems.push(
          `${backend.serverIp || backend.serverId}:${backend.port} is ${backend.status} on listener ${backend.listenerPort}`,
        );
      const layout = backendLayout(gateway, groups);
      const what = layout.mode === 'eni' ? `${gateway.pods.length} pod(s)` : describeLayout(layout);
      return problems.length === 0
        ? pass(item, `${what} registered in ${lb.vServerGroups.length} group(s), all healthy`, clbResource(lb.id))
        : fail(
            item,
            problems.join('; '),
            `check the ${side} Service annotations (id, vgroup-port) and the CCM events on it; unhealthy backends fail the CLB health check`,
            clbResource(lb.id),
          );
    },
    clbResource(lb.id),
    { notFound: `check ${fields.id} and ${fields.vServerGroups} in the input: they name what does not exist` },
  );
}

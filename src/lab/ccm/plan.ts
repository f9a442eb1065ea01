// One CCM pass, computed without side effects: what each managed Service's outcome is and how every
// vServer group's backend list must change. Backends the CCM does not own (users', other clusters')
// stay as they are, and so do those of a Service whose annotations are wrong; a Service with
// `ignore-weight-update: "on"` keeps the weights its registered backends have.
import type { V1Service } from '@kubernetes/client-node';
import { CLB_ANNOTATIONS, clbAnnotation, IGNORE_WEIGHT_UPDATE_ANNOTATION } from '../../plan/annotations.js';
import { type Backend, type SlbState, sameBackend } from '../slb/state.js';
import { type ClusterView, ownerOf, ownerOfName, serviceBackends, serviceKey } from './service-backends.js';
import { readServiceLoadBalancer, type ServiceLoadBalancer } from './service-config.js';

export interface ServiceOutcome {
  service: V1Service;
  key: string;
  loadBalancer: Exclude<ServiceLoadBalancer, { status: 'unmanaged' }>;
  /** Some backend of the Service was added, removed or changed by this pass. */
  changed: boolean;
  /**
   * The groups the CCM created for the Service (named like its backends) that its vgroup-port no longer
   * names, on the CLB it reuses: the CCM's cleanup deletes them after the backends are in place.
   */
  staleGroups: string[];
}

export interface GroupChange {
  vServerGroupId: string;
  backends: Backend[];
  /** Backends new to the group (their pods were just registered). */
  added: Backend[];
}

export interface CcmPlan {
  outcomes: ServiceOutcome[];
  changes: GroupChange[];
}

interface GroupResult {
  backends: Backend[];
  added: Backend[];
  /** Owners whose backends changed. */
  touched: Set<string>;
}

const differs = (a: Backend, b: Backend) =>
  a.weight !== b.weight || a.type !== b.type || a.description !== b.description;

/** The group's next backend list: kept in place where they stay, new ones appended. */
export function reconcileGroup(
  current: readonly Backend[],
  desired: ReadonlyMap<string, Backend[]>,
  frozen: ReadonlySet<string>,
  clusterId: string,
): GroupResult {
  const backends: Backend[] = [];
  const added: Backend[] = [];
  const touched = new Set<string>();
  for (const backend of current) {
    const owner = ownerOf(backend, clusterId);
    if (owner === undefined || frozen.has(owner)) {
      backends.push(backend);
      continue;
    }
    const wanted = desired.get(owner)?.find((candidate) => sameBackend(backend, candidate));
    if (!wanted || differs(backend, wanted)) touched.add(owner);
    if (wanted) backends.push({ ...wanted });
  }
  for (const [owner, wanted] of desired) {
    // A backend someone else registered on the same address and port is theirs: the CLB takes one.
    for (const backend of wanted.filter((candidate) => !current.some((b) => sameBackend(b, candidate)))) {
      backends.push({ ...backend });
      added.push({ ...backend });
      touched.add(owner);
    }
  }
  return { backends, added, touched };
}

export function planCcmPass(services: readonly V1Service[], cluster: ClusterView, slb: SlbState): CcmPlan {
  const { clusterId } = cluster;
  const outcomes: ServiceOutcome[] = [];
  const desired = new Map<string, Map<string, Backend[]>>();
  const frozen = new Set<string>();
  for (const service of services) {
    const loadBalancer = readServiceLoadBalancer(service, slb, clusterId);
    if (loadBalancer.status === 'unmanaged') continue;
    const key = serviceKey(service.metadata?.namespace ?? '', service.metadata?.name ?? '');
    if (loadBalancer.status === 'invalid') {
      outcomes.push({ service, key, loadBalancer, changed: false, staleGroups: [] });
      frozen.add(key);
      continue;
    }
    const named = new Set(loadBalancer.groups.map((group) => group.vServerGroupId));
    const reused = clbAnnotation(service.metadata?.annotations, CLB_ANNOTATIONS.id) !== undefined;
    const staleGroups = slb
      .groupsOf(loadBalancer.loadBalancerId)
      .filter((group) => reused && !named.has(group.id) && ownerOfName(group.name, clusterId) === key)
      .map((group) => group.id);
    outcomes.push({ service, key, loadBalancer, changed: false, staleGroups });
    const byGroup = serviceBackends(service, loadBalancer.groups, loadBalancer.weight, cluster);
    // As the CCM compares with strings.EqualFold.
    const keepWeights =
      clbAnnotation(service.metadata?.annotations, IGNORE_WEIGHT_UPDATE_ANNOTATION)?.toLowerCase() === 'on';
    for (const [groupId, backends] of byGroup) {
      const owners = desired.get(groupId) ?? new Map<string, Backend[]>();
      const registered = slb.vServerGroups.get(groupId)?.backends ?? [];
      const kept = (backend: Backend) => registered.find((candidate) => sameBackend(candidate, backend))?.weight;
      owners.set(key, keepWeights ? backends.map((b) => ({ ...b, weight: kept(b) ?? b.weight })) : backends);
      desired.set(groupId, owners);
    }
  }
  const touched = new Set<string>();
  const changes: GroupChange[] = [];
  // Every group, not only those named now: a Service that left a group, or is gone, leaves backends behind.
  // A stale group of the CCM's own is not emptied: its cleanup deletes it whole, once no listener uses it.
  const stale = new Set(outcomes.flatMap((outcome) => outcome.staleGroups));
  for (const group of slb.vServerGroups.values()) {
    if (stale.has(group.id)) continue;
    const result = reconcileGroup(group.backends, desired.get(group.id) ?? new Map(), frozen, clusterId);
    if (result.touched.size === 0) continue;
    for (const owner of result.touched) touched.add(owner);
    changes.push({ vServerGroupId: group.id, backends: result.backends, added: result.added });
  }
  for (const outcome of outcomes) outcome.changed = touched.has(outcome.key);
  return { outcomes, changes };
}

// The emulated CLB world: load balancers with listeners, tags and modification protection, vServer
// groups with their backends, and a health status per backend. The API handlers and the lab's CCM
// simulator both read and write it directly.
import { randomBytes } from 'node:crypto';
import { rspoolVipExist } from './errors.js';

export type BackendType = 'ecs' | 'eni' | 'eci';
export type HealthStatus = 'normal' | 'abnormal' | 'unavailable';
export type ListenerProtocol = 'tcp' | 'udp' | 'http' | 'https';
export type ModificationProtectionStatus = 'NonProtection' | 'ConsoleProtection';
/**
 * How a listener spreads new connections: wrr / wlc by backend weight, rr in turn, sch / tch / qch by a
 * hash of the source IP, of the four-tuple, of the QUIC connection id.
 */
export type ListenerScheduler = 'wrr' | 'wlc' | 'rr' | 'sch' | 'tch' | 'qch';
export const LISTENER_SCHEDULERS: readonly ListenerScheduler[] = ['wrr', 'wlc', 'rr', 'sch', 'tch', 'qch'];

export interface Backend {
  /** `i-…` (ECS), `eni-…` or `eci-…`. */
  serverId: string;
  /** The pod IP for eni/eci backends (one ENI may carry several pod IPs). */
  serverIp?: string;
  port: number;
  weight: number;
  type: BackendType;
  /** `k8s/<port>/<svc>/<ns>/<clusterId>` for CCM-managed backends. */
  description?: string;
}

export interface Listener {
  port: number;
  protocol: ListenerProtocol;
  /** The vServer group serving the listener; without one it uses the default server group. */
  vServerGroupId?: string;
  /** Default wrr, as the CLB console's. */
  scheduler?: ListenerScheduler;
  description?: string;
}

export interface LoadBalancer {
  id: string;
  name: string;
  regionId: string;
  address: string;
  addressType: 'internet' | 'intranet';
  vpcId: string;
  vSwitchId: string;
  status: 'active' | 'inactive' | 'locked';
  deleteProtection: 'on' | 'off';
  modificationProtection: { status: ModificationProtectionStatus; reason?: string };
  listeners: Listener[];
  tags: Map<string, string>;
  createdAt: Date;
}

export interface VServerGroup {
  id: string;
  name: string;
  loadBalancerId: string;
  backends: Backend[];
  createdAt: Date;
}

export interface LoadBalancerSpec {
  id?: string;
  name?: string;
  regionId?: string;
  address?: string;
  addressType?: LoadBalancer['addressType'];
  tags?: Record<string, string>;
  modificationProtection?: LoadBalancer['modificationProtection'];
  deleteProtection?: LoadBalancer['deleteProtection'];
  listeners?: Listener[];
}

export interface VServerGroupSpec {
  id?: string;
  name?: string;
  backends?: Backend[];
  /** Listener ports of the group's CLB that this group serves (created as TCP listeners if missing). */
  listenerPorts?: number[];
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomId(prefix: string, length: number): string {
  return prefix + Array.from(randomBytes(length), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}

/** Whether `candidate` names `backend`: same server and port, and the same IP when the candidate gives one. */
export function sameBackend(backend: Backend, candidate: Pick<Backend, 'serverId' | 'serverIp' | 'port'>): boolean {
  return (
    backend.serverId === candidate.serverId &&
    backend.port === candidate.port &&
    (candidate.serverIp === undefined || backend.serverIp === candidate.serverIp)
  );
}

export class SlbState {
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly vServerGroups = new Map<string, VServerGroup>();
  /** Keyed by `<serverIp or serverId>` or `<serverIp or serverId>:<port>`; absent means normal. */
  private readonly health = new Map<string, HealthStatus>();

  addLoadBalancer(spec: LoadBalancerSpec = {}): LoadBalancer {
    const id = spec.id ?? randomId('lb-', 20);
    if (this.loadBalancers.has(id)) throw new Error(`load balancer ${id} already exists`);
    const addressType = spec.addressType ?? 'intranet';
    const lb: LoadBalancer = {
      id,
      name: spec.name ?? id,
      regionId: spec.regionId ?? 'cn-hangzhou',
      address: spec.address ?? (addressType === 'internet' ? '47.96.0.10' : '192.168.0.10'),
      addressType,
      vpcId: 'vpc-lab0000000000000001',
      vSwitchId: 'vsw-lab0000000000000001',
      status: 'active',
      deleteProtection: spec.deleteProtection ?? 'off',
      modificationProtection: spec.modificationProtection ?? { status: 'NonProtection' },
      listeners: (spec.listeners ?? []).map((listener) => ({ ...listener })),
      tags: new Map(Object.entries(spec.tags ?? {})),
      createdAt: new Date(),
    };
    this.loadBalancers.set(id, lb);
    return lb;
  }

  addListener(loadBalancerId: string, listener: Listener): void {
    const lb = this.requireLoadBalancer(loadBalancerId);
    if (lb.listeners.some((existing) => existing.port === listener.port && existing.protocol === listener.protocol))
      throw new Error(`listener ${listener.protocol}:${listener.port} already exists on ${loadBalancerId}`);
    lb.listeners.push({ ...listener });
  }

  addVServerGroup(loadBalancerId: string, spec: VServerGroupSpec = {}): VServerGroup {
    const lb = this.requireLoadBalancer(loadBalancerId);
    const id = spec.id ?? randomId('rsp-', 13);
    if (this.vServerGroups.has(id)) throw new Error(`vServer group ${id} already exists`);
    const group: VServerGroup = {
      id,
      name: spec.name ?? id,
      loadBalancerId,
      backends: (spec.backends ?? []).map((backend) => ({ ...backend })),
      createdAt: new Date(),
    };
    this.vServerGroups.set(id, group);
    for (const port of spec.listenerPorts ?? []) {
      const listener = lb.listeners.find((candidate) => candidate.port === port);
      if (listener) listener.vServerGroupId = id;
      else lb.listeners.push({ port, protocol: 'tcp', vServerGroupId: id });
    }
    return group;
  }

  /** As the CLB: a group a listener forwards to cannot be deleted (RspoolVipExist). */
  deleteVServerGroup(vServerGroupId: string): void {
    const group = this.requireVServerGroup(vServerGroupId);
    const lb = this.requireLoadBalancer(group.loadBalancerId);
    if (lb.listeners.some((listener) => listener.vServerGroupId === group.id)) throw rspoolVipExist();
    this.vServerGroups.delete(group.id);
  }

  setBackends(vServerGroupId: string, backends: Backend[]): void {
    this.requireVServerGroup(vServerGroupId).backends = backends.map((backend) => ({ ...backend }));
  }

  /** Adds the backends, or updates weight, type and description of those already in the group. */
  upsertBackends(vServerGroupId: string, backends: Backend[]): void {
    const group = this.requireVServerGroup(vServerGroupId);
    for (const backend of backends) {
      const existing = group.backends.find((candidate) => sameBackend(candidate, backend));
      if (existing) Object.assign(existing, backend);
      else group.backends.push({ ...backend });
    }
  }

  setScheduler(loadBalancerId: string, port: number, scheduler: ListenerScheduler): void {
    const listener = this.requireLoadBalancer(loadBalancerId).listeners.find((candidate) => candidate.port === port);
    if (!listener) throw new Error(`no listener on port ${port} of ${loadBalancerId}`);
    listener.scheduler = scheduler;
  }

  removeBackends(vServerGroupId: string, backends: Pick<Backend, 'serverId' | 'serverIp' | 'port'>[]): void {
    const group = this.requireVServerGroup(vServerGroupId);
    group.backends = group.backends.filter((backend) => !backends.some((gone) => sameBackend(backend, gone)));
  }

  setTags(loadBalancerId: string, tags: Record<string, string>): void {
    const lb = this.requireLoadBalancer(loadBalancerId);
    for (const [key, value] of Object.entries(tags)) lb.tags.set(key, value);
  }

  removeTags(loadBalancerId: string, keys: string[]): void {
    const lb = this.requireLoadBalancer(loadBalancerId);
    for (const key of keys) lb.tags.delete(key);
  }

  setModificationProtection(loadBalancerId: string, status: ModificationProtectionStatus, reason?: string): void {
    this.requireLoadBalancer(loadBalancerId).modificationProtection = { status, reason };
  }

  /** `server` is a serverIp (pod) or serverId (ECS); without `port` the status holds for every port. */
  setHealth(server: string, status: HealthStatus, port?: number): void {
    this.health.set(port === undefined ? server : `${server}:${port}`, status);
  }

  healthOf(backend: Pick<Backend, 'serverId' | 'serverIp' | 'port'>): HealthStatus {
    const server = backend.serverIp ?? backend.serverId;
    return this.health.get(`${server}:${backend.port}`) ?? this.health.get(server) ?? 'normal';
  }

  groupsOf(loadBalancerId: string): VServerGroup[] {
    return [...this.vServerGroups.values()].filter((group) => group.loadBalancerId === loadBalancerId);
  }

  requireLoadBalancer(id: string): LoadBalancer {
    const lb = this.loadBalancers.get(id);
    if (!lb) throw new Error(`no load balancer ${id}`);
    return lb;
  }

  requireVServerGroup(id: string): VServerGroup {
    const group = this.vServerGroups.get(id);
    if (!group) throw new Error(`no vServer group ${id}`);
    return group;
  }
}

// What the CLB client returns: the parts of the SLB API's answers gateshift reads, in its own words.

export interface ClbListener {
  port: number;
  /** tcp | udp | http | https */
  protocol: string;
  description?: string;
}

/** A listener with how it spreads new connections over its backends. */
export interface ClbListenerScheduling {
  port: number;
  protocol: string;
  /** wrr | wlc | rr | sch | tch | qch */
  scheduler: string;
  vServerGroupId?: string;
}

export interface ClbLoadBalancer {
  id: string;
  name: string;
  /** inactive | active | locked */
  status: string;
  address: string;
  /** internet | intranet */
  addressType: string;
  listeners: ClbListener[];
  /** Configuration read-only mode: while on, the CCM refuses to reuse the CLB. */
  modificationProtection: { enabled: boolean; reason?: string };
  deleteProtection: boolean;
}

export interface ClbTag {
  key: string;
  value: string;
}

export interface ClbVServerGroup {
  id: string;
  name: string;
  serverCount: number;
  /** The listeners this group serves. */
  listeners: { port: number; protocol: string }[];
}

export interface ClbBackend {
  /** `i-…` (ECS), `eni-…` or `eci-…`. */
  serverId: string;
  /** The pod IP of an eni/eci backend. */
  serverIp?: string;
  port: number;
  weight: number;
  /** ecs | eni | eci */
  type: string;
  /** `k8s/<port>/<svc>/<ns>/<clusterId>` when the CCM owns the backend. */
  description?: string;
}

export interface ClbVServerGroupBackends {
  id: string;
  name: string;
  loadBalancerId: string;
  backends: ClbBackend[];
}

export type ClbHealthStatus = 'normal' | 'abnormal' | 'unavailable';

export interface ClbBackendHealth {
  serverId: string;
  serverIp?: string;
  port: number;
  listenerPort: number;
  protocol: string;
  /** `unavailable`: the health check has not run yet. */
  status: ClbHealthStatus;
}

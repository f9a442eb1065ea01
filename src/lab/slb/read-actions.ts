// The read actions of the emulated SLB API. Each returns the response body without its RequestId.
import { invalidParameter, missingParameter } from '../openapi/errors.js';
import type { Params } from '../openapi/params.js';
import { matchesTags, parseTagFilter, requireLoadBalancer, requireVServerGroup } from './lookup.js';
import { backendList, createTime, loadBalancerSummary } from './render.js';
import type { SlbState } from './state.js';

type Body = Record<string, unknown>;

export function describeLoadBalancerAttribute(state: SlbState, params: Params): Body {
  const lb = requireLoadBalancer(state, params);
  const listeners = [...lb.listeners].sort((a, b) => a.port - b.port);
  return {
    ...loadBalancerSummary(lb),
    ListenerPorts: { ListenerPort: listeners.map((listener) => listener.port) },
    ListenerPortsAndProtocol: {
      ListenerPortAndProtocol: listeners.map((listener) => ({
        ListenerPort: listener.port,
        ListenerProtocol: listener.protocol,
        ListenerForward: 'off',
        Description: listener.description ?? '',
      })),
    },
    // The misspelled legacy list the service still emits.
    ListenerPortsAndProtocal: {
      ListenerPortAndProtocal: listeners.map((listener) => ({
        ListenerPort: listener.port,
        ListenerProtocal: listener.protocol,
      })),
    },
    // The default server group; gateshift's CLBs serve every listener from vServer groups.
    BackendServers: { BackendServer: [] },
  };
}

const LISTENER_PAGE_SIZE = 20;

/** The listeners of up to 10 CLBs with their scheduler and vServer group, a page at a time. */
export function describeLoadBalancerListeners(state: SlbState, params: Params): Body {
  const regionId = params.required('RegionId');
  const ids = params.list('LoadBalancerId');
  if (ids.length > 10) throw invalidParameter('LoadBalancerId', 'At most 10 ids.');
  const protocol = params.optional('ListenerProtocol');
  const pageSize = params.int('MaxResults', 1, 100) ?? LISTENER_PAGE_SIZE;
  const rows = [...state.loadBalancers.values()]
    .filter((lb) => lb.regionId === regionId && (ids.length === 0 || ids.includes(lb.id)))
    .flatMap((lb) =>
      [...lb.listeners]
        .sort((a, b) => a.port - b.port)
        .filter((listener) => !protocol || listener.protocol === protocol)
        .map((listener) => ({
          LoadBalancerId: lb.id,
          ListenerPort: listener.port,
          ListenerProtocol: listener.protocol,
          Scheduler: listener.scheduler ?? 'wrr',
          Status: 'running',
          ...(listener.vServerGroupId && { VServerGroupId: listener.vServerGroupId }),
          Description: listener.description ?? '',
        })),
    );
  const start = Number(params.optional('NextToken') || 0);
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('NextToken');
  const end = start + pageSize;
  return {
    Listeners: rows.slice(start, end),
    MaxResults: pageSize,
    NextToken: end < rows.length ? String(end) : '',
    TotalCount: rows.length,
  };
}

export function describeLoadBalancers(state: SlbState, params: Params): Body {
  const regionId = params.required('RegionId');
  const ids = params
    .optional('LoadBalancerId')
    ?.split(',')
    .map((id) => id.trim());
  if (ids && ids.length > 10) throw invalidParameter('LoadBalancerId', 'At most 10 ids.');
  const tags = parseTagFilter(params.optional('Tags'));
  const address = params.optional('Address');
  const name = params.optional('LoadBalancerName');
  const pageNumber = params.int('PageNumber', 1, Number.MAX_SAFE_INTEGER) ?? 1;
  const pageSize = params.int('PageSize', 1, 100) ?? 10;
  const matching = [...state.loadBalancers.values()].filter(
    (lb) =>
      lb.regionId === regionId &&
      (!ids || ids.includes(lb.id)) &&
      (!address || lb.address === address) &&
      (!name || lb.name === name) &&
      matchesTags(lb, tags),
  );
  const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return {
    PageNumber: pageNumber,
    PageSize: pageSize,
    TotalCount: matching.length,
    LoadBalancers: { LoadBalancer: page.map(loadBalancerSummary) },
  };
}

const TAG_PAGE_SIZE = 50;

export function listTagResources(state: SlbState, params: Params): Body {
  const regionId = params.required('RegionId');
  if (params.required('ResourceType') !== 'instance') throw invalidParameter('ResourceType');
  const ids = params.list('ResourceId');
  const filter = params.pairs('Tag');
  if (ids.length === 0 && filter.length === 0) throw missingParameter('ResourceId');
  const rows = [...state.loadBalancers.values()]
    .filter((lb) => lb.regionId === regionId && (ids.length === 0 || ids.includes(lb.id)))
    .filter((lb) => matchesTags(lb, filter))
    .flatMap((lb) =>
      [...lb.tags].map(([TagKey, TagValue]) => ({ ResourceId: lb.id, ResourceType: 'instance', TagKey, TagValue })),
    );
  const start = Number(params.optional('NextToken') ?? 0);
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('NextToken');
  const end = start + TAG_PAGE_SIZE;
  return {
    NextToken: end < rows.length ? String(end) : '',
    TagResources: { TagResource: rows.slice(start, end) },
  };
}

export function describeTags(state: SlbState, params: Params): Body {
  const regionId = params.required('RegionId');
  const id = params.optional('LoadBalancerId');
  const filter = parseTagFilter(params.optional('Tags'));
  const pageNumber = params.int('PageNumber', 1, Number.MAX_SAFE_INTEGER) ?? 1;
  const pageSize = params.int('PageSize', 1, 100) ?? 50;
  const counts = new Map<string, { TagKey: string; TagValue: string; InstanceCount: number }>();
  for (const lb of state.loadBalancers.values()) {
    if (lb.regionId !== regionId || (id && lb.id !== id) || !matchesTags(lb, filter)) continue;
    for (const [TagKey, TagValue] of lb.tags) {
      const key = `${TagKey}\u0000${TagValue}`;
      const entry = counts.get(key) ?? { TagKey, TagValue, InstanceCount: 0 };
      entry.InstanceCount += 1;
      counts.set(key, entry);
    }
  }
  const sets = [...counts.values()];
  return {
    PageNumber: pageNumber,
    PageSize: pageSize,
    TotalCount: sets.length,
    TagSets: { TagSet: sets.slice((pageNumber - 1) * pageSize, pageNumber * pageSize) },
  };
}

export function describeVServerGroups(state: SlbState, params: Params): Body {
  const lb = requireLoadBalancer(state, params);
  const includeListener = params.bool('IncludeListener');
  const includeRule = params.bool('IncludeRule');
  return {
    VServerGroups: {
      VServerGroup: state.groupsOf(lb.id).map((group) => ({
        VServerGroupId: group.id,
        VServerGroupName: group.name,
        ServerCount: group.backends.length,
        CreateTime: createTime(group.createdAt),
        AssociatedObjects: {
          ...(includeListener && {
            Listeners: {
              Listener: lb.listeners
                .filter((listener) => listener.vServerGroupId === group.id)
                .map((listener) => ({ Port: listener.port, Protocol: listener.protocol })),
            },
          }),
          ...(includeRule && { Rules: { Rule: [] } }),
        },
      })),
    },
  };
}

export function describeVServerGroupAttribute(state: SlbState, params: Params): Body {
  const group = requireVServerGroup(state, params);
  return {
    VServerGroupId: group.id,
    VServerGroupName: group.name,
    LoadBalancerId: group.loadBalancerId,
    CreateTime: createTime(group.createdAt),
    BackendServers: backendList(group),
  };
}

export function describeHealthStatus(state: SlbState, params: Params): Body {
  const lb = requireLoadBalancer(state, params);
  const port = params.int('ListenerPort', 1, 65535);
  const protocol = params.optional('ListenerProtocol');
  const rows = lb.listeners
    .filter(
      (listener) => (port === undefined || listener.port === port) && (!protocol || listener.protocol === protocol),
    )
    .flatMap((listener) => {
      const group = listener.vServerGroupId ? state.vServerGroups.get(listener.vServerGroupId) : undefined;
      return (group?.backends ?? []).map((backend) => ({
        ServerId: backend.serverId,
        ServerIp: backend.serverIp ?? '',
        Port: backend.port,
        ListenerPort: listener.port,
        Protocol: listener.protocol,
        ServerHealthStatus: state.healthOf(backend),
      }));
    });
  return { BackendServers: { BackendServer: rows } };
}

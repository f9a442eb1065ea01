// The write actions of the emulated SLB API. Each returns the response body without its RequestId.
import { invalidParameter, missingParameter, OpenApiError } from '../openapi/errors.js';
import type { Params } from '../openapi/params.js';
import { type BackendEntry, parseBackendServers } from './backend-servers.js';
import { backendNotFound, listenerNotFound, resourceNotFound, vServerGroupNotFound } from './errors.js';
import { requireLoadBalancer, requireVServerGroup } from './lookup.js';
import { backendList } from './render.js';
import {
  type Backend,
  type ListenerProtocol,
  type LoadBalancer,
  type SlbState,
  sameBackend,
  type VServerGroup,
} from './state.js';

type Body = Record<string, unknown>;

const MAX_TAGS = 20;

function newBackend(entry: BackendEntry): Backend {
  const type = entry.type ?? 'ecs';
  if (type !== 'ecs' && !entry.serverIp) throw invalidParameter('BackendServers', `ServerIp is required for ${type}.`);
  return { ...entry, type, weight: entry.weight ?? 100 };
}

function requireBackends(group: VServerGroup, entries: BackendEntry[]): void {
  if (entries.some((entry) => !group.backends.some((backend) => sameBackend(backend, entry)))) throw backendNotFound();
}

const groupBody = (group: VServerGroup) => ({ VServerGroupId: group.id, BackendServers: backendList(group) });

export function setVServerGroupAttribute(state: SlbState, params: Params): Body {
  const group = requireVServerGroup(state, params);
  const entries = parseBackendServers(params.optional('BackendServers') ?? '[]');
  requireBackends(group, entries);
  for (const entry of entries) {
    for (const backend of group.backends.filter((candidate) => sameBackend(candidate, entry))) {
      if (entry.weight !== undefined) backend.weight = entry.weight;
      if (entry.description !== undefined) backend.description = entry.description;
    }
  }
  group.name = params.optional('VServerGroupName') ?? group.name;
  return { ...groupBody(group), VServerGroupName: group.name };
}

export function addVServerGroupBackendServers(state: SlbState, params: Params): Body {
  const group = requireVServerGroup(state, params);
  state.upsertBackends(group.id, parseBackendServers(params.required('BackendServers')).map(newBackend));
  return groupBody(group);
}

export function removeVServerGroupBackendServers(state: SlbState, params: Params): Body {
  const group = requireVServerGroup(state, params);
  state.removeBackends(group.id, parseBackendServers(params.required('BackendServers')));
  return groupBody(group);
}

export function modifyVServerGroupBackendServers(state: SlbState, params: Params): Body {
  const group = requireVServerGroup(state, params);
  const old = parseBackendServers(params.required('OldBackendServers'), 'OldBackendServers');
  const replacements = parseBackendServers(params.required('NewBackendServers'), 'NewBackendServers').map(newBackend);
  requireBackends(group, old);
  state.removeBackends(group.id, old);
  state.upsertBackends(group.id, replacements);
  return groupBody(group);
}

export function setLoadBalancerModificationProtection(state: SlbState, params: Params): Body {
  const lb = requireLoadBalancer(state, params);
  const status = params.required('ModificationProtectionStatus');
  if (status !== 'NonProtection' && status !== 'ConsoleProtection')
    throw invalidParameter('ModificationProtectionStatus');
  state.setModificationProtection(lb.id, status, params.optional('ModificationProtectionReason'));
  return {};
}

function taggedResources(state: SlbState, params: Params): LoadBalancer[] {
  const regionId = params.required('RegionId');
  if (params.required('ResourceType') !== 'instance') throw invalidParameter('ResourceType');
  const ids = params.list('ResourceId');
  if (ids.length === 0) throw missingParameter('ResourceId');
  return ids.map((id) => {
    const lb = state.loadBalancers.get(id);
    if (!lb || lb.regionId !== regionId) throw resourceNotFound(id);
    return lb;
  });
}

export function tagResources(state: SlbState, params: Params): Body {
  const resources = taggedResources(state, params);
  const tags = params.pairs('Tag');
  if (tags.length === 0) throw missingParameter('Tag');
  if (tags.some((tag) => !tag.key)) throw invalidParameter('Tag.N.Key');
  for (const lb of resources) {
    const keys = new Set([...lb.tags.keys(), ...tags.map((tag) => tag.key)]);
    if (keys.size > MAX_TAGS) throw new OpenApiError(400, 'InvalidParameter', `At most ${MAX_TAGS} tags per resource.`);
  }
  for (const lb of resources) state.setTags(lb.id, Object.fromEntries(tags.map((tag) => [tag.key, tag.value ?? ''])));
  return {};
}

export function untagResources(state: SlbState, params: Params): Body {
  const resources = taggedResources(state, params);
  const keys = params.list('TagKey');
  const all = params.bool('All');
  if (keys.length === 0 && !all) throw missingParameter('TagKey');
  for (const lb of resources) state.removeTags(lb.id, all ? [...lb.tags.keys()] : keys);
  return {};
}

export function deleteVServerGroup(state: SlbState, params: Params): Body {
  state.deleteVServerGroup(requireVServerGroup(state, params).id);
  return {};
}

/**
 * Set<protocol>ListenerAttribute, the part gateshift uses: VServerGroup=on with VServerGroupId points the
 * listener at a vServer group of the same CLB; off sends it back to the default server group.
 */
function setListenerAttribute(protocol: ListenerProtocol) {
  return (state: SlbState, params: Params): Body => {
    const lb = requireLoadBalancer(state, params);
    const port = params.int('ListenerPort', 1, 65535);
    if (port === undefined) throw missingParameter('ListenerPort');
    const listener = lb.listeners.find((candidate) => candidate.port === port && candidate.protocol === protocol);
    if (!listener) throw listenerNotFound();
    const switched = params.optional('VServerGroup');
    if (switched === 'off') listener.vServerGroupId = undefined;
    else if (switched === 'on') {
      const id = params.required('VServerGroupId');
      if (state.vServerGroups.get(id)?.loadBalancerId !== lb.id) throw vServerGroupNotFound();
      listener.vServerGroupId = id;
    } else if (switched !== undefined) throw invalidParameter('VServerGroup');
    return {};
  };
}

export const setLoadBalancerTCPListenerAttribute = setListenerAttribute('tcp');
export const setLoadBalancerUDPListenerAttribute = setListenerAttribute('udp');
export const setLoadBalancerHTTPListenerAttribute = setListenerAttribute('http');
export const setLoadBalancerHTTPSListenerAttribute = setListenerAttribute('https');

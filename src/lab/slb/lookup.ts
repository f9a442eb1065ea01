// Finding what a request names: the CLB or vServer group (in the caller's region) and tag filters.
import { invalidParameter } from '../openapi/errors.js';
import type { Params } from '../openapi/params.js';
import { loadBalancerNotFound, vServerGroupNotFound } from './errors.js';
import type { LoadBalancer, SlbState, VServerGroup } from './state.js';

/** The CLB named by LoadBalancerId in RegionId; one in another region does not exist for the caller. */
export function requireLoadBalancer(state: SlbState, params: Params): LoadBalancer {
  const regionId = params.required('RegionId');
  const lb = state.loadBalancers.get(params.required('LoadBalancerId'));
  if (!lb || lb.regionId !== regionId) throw loadBalancerNotFound();
  return lb;
}

export function requireVServerGroup(state: SlbState, params: Params): VServerGroup {
  const regionId = params.required('RegionId');
  const group = state.vServerGroups.get(params.required('VServerGroupId'));
  if (!group || state.loadBalancers.get(group.loadBalancerId)?.regionId !== regionId) throw vServerGroupNotFound();
  return group;
}

/** The `Tags` filter of DescribeLoadBalancers/DescribeTags: `[{"TagKey":"k","TagValue":"v"}]`, either key case. */
export function parseTagFilter(json: string | undefined): { key: string; value?: string }[] {
  if (json === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalidParameter('Tags');
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  return entries.map((entry) => {
    const fields = Object.fromEntries(Object.entries(entry ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
    if (typeof fields.tagkey !== 'string') throw invalidParameter('Tags');
    return { key: fields.tagkey, value: typeof fields.tagvalue === 'string' ? fields.tagvalue : undefined };
  });
}

export function matchesTags(lb: LoadBalancer, filter: { key: string; value?: string }[]): boolean {
  return filter.every(({ key, value }) => lb.tags.has(key) && (value === undefined || lb.tags.get(key) === value));
}

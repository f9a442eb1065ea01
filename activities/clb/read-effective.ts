// Reading a CLB's effective weights: every vServer group's backends, compared with the CCM's arithmetic.
import type { Side, SideWeights } from '../../src/plan/weights.js';
import type { ClbClient } from './client.js';
import { computeEffectiveWeights, type EffectiveWeights, type GatewayBackends } from './effective.js';
import type { ClbVServerGroupBackends } from './models.js';

export interface EffectiveWeightsRequest {
  loadBalancerId: string;
  vServerGroupIds: readonly string[];
  desired: SideWeights;
  /**
   * How to recognise each gateway's backends, given the groups as read: what a Service's backends
   * are (pods or nodes) may show only in the backends the CCM registered.
   */
  sides: (groups: readonly ClbVServerGroupBackends[]) => Record<Side, GatewayBackends>;
}

export async function readEffectiveWeights(
  client: Pick<ClbClient, 'describeVServerGroupBackends'>,
  request: EffectiveWeightsRequest,
): Promise<EffectiveWeights> {
  const groups = [];
  // One group at a time: the API's rate limit is per account, and the groups are few.
  for (const id of request.vServerGroupIds) groups.push(await client.describeVServerGroupBackends(id));
  return computeEffectiveWeights({
    loadBalancerId: request.loadBalancerId,
    desired: request.desired,
    groups,
    ...request.sides(groups),
  });
}

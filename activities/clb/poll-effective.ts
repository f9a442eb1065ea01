// Reading a CLB's effective weights, and polling until they agree with the CCM's arithmetic: the CCM
// applies a new annotation weight within seconds to minutes, so verification waits for it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SideWeights } from '../../src/plan/weights.js';
import type { EffectiveWeights } from '../contracts.js';
import type { ClbClient } from './client.js';
import { computeEffectiveWeights, type GatewayBackends } from './effective.js';

export interface EffectiveWeightsRequest {
  loadBalancerId: string;
  vServerGroupIds: readonly string[];
  desired: SideWeights;
  source: GatewayBackends;
  target: GatewayBackends;
}

export async function readEffectiveWeights(
  client: Pick<ClbClient, 'describeVServerGroupBackends'>,
  request: EffectiveWeightsRequest,
): Promise<EffectiveWeights> {
  const groups = [];
  // One group at a time: the API's rate limit is per account, and the groups are few.
  for (const id of request.vServerGroupIds) groups.push(await client.describeVServerGroupBackends(id));
  return computeEffectiveWeights({ ...request, groups });
}

export interface PollOptions {
  timeoutMs: number;
  /** Pause between rounds; default 2 s. */
  intervalMs?: number;
  /** Called after every round, e.g. with Temporal's activity heartbeat. */
  heartbeat?: (latest: EffectiveWeights[], round: number) => void;
  /** Default: a timer; an activity passes Context.current().sleep so that cancellation ends the wait. */
  sleep?: (ms: number) => Promise<unknown>;
}

export interface PollOutcome {
  agrees: boolean;
  rounds: number;
  /** The last reading of every CLB. */
  loadBalancers: EffectiveWeights[];
}

/**
 * Reads until every CLB agrees or the next round would end after the timeout. `read` is called
 * afresh each round, so the caller can re-list the pods whose IPs the expectation depends on.
 */
export async function pollEffectiveWeights(
  read: () => Promise<EffectiveWeights[]>,
  options: PollOptions,
): Promise<PollOutcome> {
  const intervalMs = options.intervalMs ?? 2_000;
  const pause = options.sleep ?? sleep;
  const deadline = Date.now() + options.timeoutMs;
  for (let round = 1; ; round++) {
    const loadBalancers = await read();
    options.heartbeat?.(loadBalancers, round);
    const agrees = loadBalancers.every((lb) => lb.agrees);
    if (agrees || Date.now() + intervalMs > deadline) return { agrees, rounds: round, loadBalancers };
    await pause(intervalMs);
  }
}

// The SLB API emulator: the subset of the SLB API (2014-05-15) gateshift and the lab's CCM use, served
// by the shared RPC emulator (../openapi/), which verifies ACS3 signatures and injects faults.
import { type ApiFaults, noFaults } from '../openapi/faults.js';
import type { Params } from '../openapi/params.js';
import { type ApiRequestRecord, bindActions, startRpcServer } from '../openapi/server.js';
import * as read from './read-actions.js';
import { SlbState } from './state.js';
import * as write from './write-actions.js';

const PRODUCT = { version: '2014-05-15', code: 'slb', name: 'Slb', host: 'slb.aliyuncs.com' };

const ACTIONS: Record<string, (state: SlbState, params: Params) => Record<string, unknown>> = {
  DescribeLoadBalancerAttribute: read.describeLoadBalancerAttribute,
  DescribeLoadBalancers: read.describeLoadBalancers,
  DescribeLoadBalancerListeners: read.describeLoadBalancerListeners,
  ListTagResources: read.listTagResources,
  DescribeTags: read.describeTags,
  DescribeVServerGroups: read.describeVServerGroups,
  DescribeVServerGroupAttribute: read.describeVServerGroupAttribute,
  DescribeHealthStatus: read.describeHealthStatus,
  SetVServerGroupAttribute: write.setVServerGroupAttribute,
  AddVServerGroupBackendServers: write.addVServerGroupBackendServers,
  RemoveVServerGroupBackendServers: write.removeVServerGroupBackendServers,
  ModifyVServerGroupBackendServers: write.modifyVServerGroupBackendServers,
  SetLoadBalancerModificationProtection: write.setLoadBalancerModificationProtection,
  TagResources: write.tagResources,
  UntagResources: write.untagResources,
  DeleteVServerGroup: write.deleteVServerGroup,
  SetLoadBalancerTCPListenerAttribute: write.setLoadBalancerTCPListenerAttribute,
  SetLoadBalancerUDPListenerAttribute: write.setLoadBalancerUDPListenerAttribute,
  SetLoadBalancerHTTPListenerAttribute: write.setLoadBalancerHTTPListenerAttribute,
  SetLoadBalancerHTTPSListenerAttribute: write.setLoadBalancerHTTPSListenerAttribute,
};

export interface SlbEmulatorOptions {
  /** AccessKey id → secret of the callers the emulator knows. */
  accessKeys: Record<string, string>;
  port?: number;
  state?: SlbState;
  /** Source of the fault draws; pass a seeded generator for repeatable runs. */
  random?: () => number;
}

export interface SlbEmulator {
  /** `127.0.0.1:PORT`: the SDK's `endpoint` (with protocol http). */
  endpoint: string;
  state: SlbState;
  faults: ApiFaults;
  requests: ApiRequestRecord[];
  stop(): Promise<void>;
}

export async function startSlbEmulator(options: SlbEmulatorOptions): Promise<SlbEmulator> {
  const state = options.state ?? new SlbState();
  const faults = noFaults();
  const server = await startRpcServer({ ...options, product: PRODUCT, actions: bindActions(state, ACTIONS), faults });
  return { ...server, state, faults };
}

// A small typed client for the SLB API (2014-05-15): the reads gateshift needs about a CLB, the two
// opt-in remediation writes and the preparation's listener move, over the shared RPC client (retries, errors named `Clb…`).
import type { CloudProduct } from '../cloud/errors.js';
import { type Query, RpcClient, type RpcClientOptions } from '../cloud/rpc-client.js';
import { slbEndpoint } from './endpoint.js';
import type {
  ClbBackendHealth,
  ClbListenerScheduling,
  ClbLoadBalancer,
  ClbTag,
  ClbVServerGroup,
  ClbVServerGroupBackends,
} from './models.js';
import {
  acknowledgementSchema,
  healthStatusSchema,
  loadBalancerAttributeSchema,
  loadBalancerListenersSchema,
  tagResourcesSchema,
  vServerGroupAttributeSchema,
  vServerGroupsSchema,
} from './responses.js';

export const SLB: CloudProduct = { name: 'SLB API', prefix: 'Clb', ramPrefix: 'slb', version: '2014-05-15' };

export type ClbClientOptions = Omit<RpcClientOptions, 'product' | 'endpoint'> & {
  /** Default: the region's endpoint, or GATESHIFT_SLB_ENDPOINT / GATESHIFT_SLB_PROTOCOL. */
  endpoint?: RpcClientOptions['endpoint'];
};

export class ClbClient {
  readonly regionId: string;
  private readonly rpc: RpcClient;

  constructor(options: ClbClientOptions) {
    this.regionId = options.regionId;
    this.rpc = new RpcClient({ ...options, product: SLB, endpoint: options.endpoint ?? slbEndpoint(options.regionId) });
  }

  /** Address, listeners and modification protection of a CLB. */
  describeLoadBalancer(loadBalancerId: string): Promise<ClbLoadBalancer> {
    return this.rpc.call(
      'DescribeLoadBalancerAttribute',
      { LoadBalancerId: loadBalancerId },
      loadBalancerAttributeSchema,
      `CLB ${loadBalancerId}`,
    );
  }

  /** Every listener of a CLB with its scheduler (DescribeLoadBalancerListeners), all pages. */
  async describeListeners(loadBalancerId: string): Promise<ClbListenerScheduling[]> {
    const listeners: ClbListenerScheduling[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.rpc.call(
        'DescribeLoadBalancerListeners',
        { 'LoadBalancerId.1': loadBalancerId, MaxResults: 100, NextToken: nextToken },
        loadBalancerListenersSchema,
        `CLB ${loadBalancerId}`,
      );
      listeners.push(...page.listeners);
      nextToken = page.nextToken;
    } while (nextToken);
    return listeners;
  }

  /** Every tag of a CLB (ListTagResources, as the CCM reads them), all pages. */
  async listTags(loadBalancerId: string): Promise<ClbTag[]> {
    const tags: ClbTag[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.rpc.call(
        'ListTagResources',
        { ResourceType: 'instance', 'ResourceId.1': loadBalancerId, NextToken: nextToken },
        tagResourcesSchema,
        `CLB ${loadBalancerId}`,
      );
      tags.push(...page.tags);
      nextToken = page.nextToken;
    } while (nextToken);
    return tags;
  }

  /** The vServer groups of a CLB with the listeners each serves. */
  describeVServerGroups(loadBalancerId: string): Promise<ClbVServerGroup[]> {
    return this.rpc.call(
      'DescribeVServerGroups',
      { LoadBalancerId: loadBalancerId, IncludeListener: true },
      vServerGroupsSchema,
      `CLB ${loadBalancerId}`,
    );
  }

  /** The backends of a vServer group with the weights the CLB applies. */
  describeVServerGroupBackends(vServerGroupId: string): Promise<ClbVServerGroupBackends> {
    return this.rpc.call(
      'DescribeVServerGroupAttribute',
      { VServerGroupId: vServerGroupId },
      vServerGroupAttributeSchema,
      `vServer group ${vServerGroupId}`,
    );
  }

  /** Health of every backend behind every listener, or behind one listener port. */
  describeHealthStatus(loadBalancerId: string, listenerPort?: number): Promise<ClbBackendHealth[]> {
    return this.rpc.call(
      'DescribeHealthStatus',
      { LoadBalancerId: loadBalancerId, ListenerPort: listenerPort },
      healthStatusSchema,
      `CLB ${loadBalancerId}`,
    );
  }

  /** Opt-in remediation: removes tags (e.g. the ones that block reuse). */
  untagResources(loadBalancerId: string, keys: string[]): Promise<void> {
    const query: Query = { ResourceType: 'instance', 'ResourceId.1': loadBalancerId };
    keys.forEach((key, index) => {
      query[`TagKey.${index + 1}`] = key;
    });
    return this.rpc.call('UntagResources', query, acknowledgementSchema, `CLB ${loadBalancerId}`);
  }

  /** The undo of that remediation: puts tags back with their values. */
  tagResources(loadBalancerId: string, tags: readonly ClbTag[]): Promise<void> {
    const query: Query = { ResourceType: 'instance', 'ResourceId.1': loadBalancerId };
    tags.forEach((tag, index) => {
      query[`Tag.${index + 1}.Key`] = tag.key;
      query[`Tag.${index + 1}.Value`] = tag.value;
    });
    return this.rpc.call('TagResources', query, acknowledgementSchema, `CLB ${loadBalancerId}`);
  }

  /** Opt-in remediation: turns the configuration read-only mode on or off. */
  setModificationProtection(loadBalancerId: string, protection: { enabled: boolean; reason?: string }): Promise<void> {
    return this.rpc.call(
      'SetLoadBalancerModificationProtection',
      {
        LoadBalancerId: loadBalancerId,
        ModificationProtectionStatus: protection.enabled ? 'ConsoleProtection' : 'NonProtection',
        ModificationProtectionReason: protection.reason,
      },
      acknowledgementSchema,
      `CLB ${loadBalancerId}`,
    );
  }

  /** Points a listener at a vServer group (Set<TCP|UDP|HTTP|HTTPS>ListenerAttribute, VServerGroup=on). */
  setListenerVServerGroup(
    loadBalancerId: string,
    listener: { port: number; protocol: string },
    vServerGroupId: string,
  ): Promise<void> {
    return this.rpc.call(
      `SetLoadBalancer${listener.protocol.toUpperCase()}ListenerAttribute`,
      {
        LoadBalancerId: loadBalancerId,
        ListenerPort: listener.port,
        VServerGroup: 'on',
        VServerGroupId: vServerGroupId,
      },
      acknowledgementSchema,
      `CLB ${loadBalancerId} listener ${listener.protocol}:${listener.port}`,
    );
  }
}

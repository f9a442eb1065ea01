// A small typed client for the SLB API (2014-05-15) over Alibaba Cloud's generic OpenAPI client: the
// reads gateshift needs about a CLB, and the two opt-in remediation writes. Every call is retried on
// throttling and transient failures; what no retry can fix becomes a non-retryable ClbError.
import * as $dara from '@darabonba/typescript';
import type { z } from 'zod';
import { ClbError, type ClbErrorInfo, isTransient, toClbError } from '../cloud/errors.js';
import { DEFAULT_RETRY, type RetryEvent, type RetryPolicy, withRetries } from '../cloud/retry.js';
import { type AlibabaCredential, credentials, openApi } from '../cloud/sdk.js';
import { type SlbEndpoint, slbEndpoint } from './endpoint.js';
import type { ClbBackendHealth, ClbLoadBalancer, ClbTag, ClbVServerGroup, ClbVServerGroupBackends } from './models.js';
import {
  acknowledgementSchema,
  healthStatusSchema,
  loadBalancerAttributeSchema,
  tagResourcesSchema,
  vServerGroupAttributeSchema,
  vServerGroupsSchema,
} from './responses.js';

const { $OpenApiUtil } = openApi;

export interface ClbClientOptions {
  regionId: string;
  /** Default: the region's endpoint, or GATESHIFT_SLB_ENDPOINT / GATESHIFT_SLB_PROTOCOL. */
  endpoint?: SlbEndpoint;
  /**
   * Default: the credentials default chain — ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, OIDC (RRSA) through
   * ALIBABA_CLOUD_ROLE_ARN/OIDC_PROVIDER_ARN/OIDC_TOKEN_FILE, the CLI profile, the ECS RAM role.
   */
  credential?: AlibabaCredential;
  readTimeoutMs?: number;
  connectTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Told about each retry, e.g. to log it; the event carries no credentials. */
  onRetry?: (event: RetryEvent & { action: string }) => void;
}

type Query = Record<string, string | number | boolean | undefined>;

export class ClbClient {
  readonly regionId: string;
  private readonly api: InstanceType<typeof openApi.default>;
  private readonly credential: AlibabaCredential;
  private readonly retry: RetryPolicy;
  private readonly onRetry: ClbClientOptions['onRetry'];

  constructor(options: ClbClientOptions) {
    const endpoint = options.endpoint ?? slbEndpoint(options.regionId);
    this.regionId = options.regionId;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onRetry = options.onRetry;
    this.credential = options.credential ?? new credentials.default();
    this.api = new openApi.default(
      new $OpenApiUtil.Config({
        credential: this.credential,
        endpoint: endpoint.host,
        protocol: endpoint.protocol,
        regionId: options.regionId,
        readTimeout: options.readTimeoutMs ?? 10_000,
        connectTimeout: options.connectTimeoutMs ?? 5_000,
      }),
    );
  }

  /** Address, listeners and modification protection of a CLB. */
  describeLoadBalancer(loadBalancerId: string): Promise<ClbLoadBalancer> {
    return this.call(
      'DescribeLoadBalancerAttribute',
      { LoadBalancerId: loadBalancerId },
      loadBalancerAttributeSchema,
      `CLB ${loadBalancerId}`,
    );
  }

  /** Every tag of a CLB (ListTagResources, as the CCM reads them), all pages. */
  async listTags(loadBalancerId: string): Promise<ClbTag[]> {
    const tags: ClbTag[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call(
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
    return this.call(
      'DescribeVServerGroups',
      { LoadBalancerId: loadBalancerId, IncludeListener: true },
      vServerGroupsSchema,
      `CLB ${loadBalancerId}`,
    );
  }

  /** The backends of a vServer group with the weights the CLB applies. */
  describeVServerGroupBackends(vServerGroupId: string): Promise<ClbVServerGroupBackends> {
    return this.call(
      'DescribeVServerGroupAttribute',
      { VServerGroupId: vServerGroupId },
      vServerGroupAttributeSchema,
      `vServer group ${vServerGroupId}`,
    );
  }

  /** Health of every backend behind every listener, or behind one listener port. */
  describeHealthStatus(loadBalancerId: string, listenerPort?: number): Promise<ClbBackendHealth[]> {
    return this.call(
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
    return this.call('UntagResources', query, acknowledgementSchema, `CLB ${loadBalancerId}`);
  }

  /** Opt-in remediation: turns the configuration read-only mode on or off. */
  setModificationProtection(loadBalancerId: string, protection: { enabled: boolean; reason?: string }): Promise<void> {
    return this.call(
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

  /** Resolves the credentials first (the providers cache them), so that a failure there is named as such. */
  private async checkCredentials(context: ClbErrorInfo): Promise<void> {
    try {
      await this.credential.getCredential();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ClbError(
        `no usable Alibaba Cloud credentials for ${context.action}: ${reason}`,
        'ClbCredentialsUnavailable',
        context,
      );
    }
  }

  private async call<S extends z.ZodType>(
    action: string,
    parameters: Query,
    schema: S,
    resource: string,
  ): Promise<z.output<S>> {
    const context = { action, resource, regionId: this.regionId };
    const query = Object.fromEntries(
      Object.entries({ RegionId: this.regionId, ...parameters })
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, String(value)]),
    );
    const params = new $OpenApiUtil.Params({
      action,
      version: '2014-05-15',
      protocol: 'HTTPS',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    await this.checkCredentials(context);
    try {
      const response = await withRetries(
        () => this.api.callApi(params, new $OpenApiUtil.OpenApiRequest({ query }), new $dara.RuntimeOptions({})),
        this.retry,
        isTransient,
        (event) => this.onRetry?.({ ...event, action }),
      );
      const parsed = schema.safeParse(response.body);
      if (!parsed.success)
        throw new ClbError(
          `SLB API answered ${action} on ${resource} with an unexpected shape: ${parsed.error.message}`,
          'ClbBadResponse',
          context,
        );
      return parsed.data;
    } catch (error) {
      throw toClbError(error, context);
    }
  }
}

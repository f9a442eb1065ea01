// One Alibaba Cloud RPC-style API (SLB, ASM) over the generic OpenAPI client: signed requests through
// the credential chain, retried on throttling and transient failures, answers checked against a schema.
// What no retry can fix becomes a non-retryable CloudApiError named after the product.
import * as $dara from '@darabonba/typescript';
import type { z } from 'zod';
import { CloudApiError, type CloudProduct, isTransient, toCloudError } from './errors.js';
import { DEFAULT_RETRY, type RetryEvent, type RetryPolicy, withRetries } from './retry.js';
import { type AlibabaCredential, credentials, openApi, rpcParams } from './sdk.js';

const { $OpenApiUtil } = openApi;

/** Where an API answers: host (and port), which is also the signed `host` header. */
export interface CloudEndpoint {
  host: string;
  protocol: 'https' | 'http';
}

export interface RpcClientOptions {
  product: CloudProduct;
  regionId: string;
  endpoint: CloudEndpoint;
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

export type Query = Record<string, string | number | boolean | undefined>;

export class RpcClient {
  readonly regionId: string;
  private readonly product: CloudProduct;
  private readonly api: InstanceType<typeof openApi.default>;
  private readonly credential: AlibabaCredential;
  private readonly retry: RetryPolicy;
  private readonly onRetry: RpcClientOptions['onRetry'];

  constructor(options: RpcClientOptions) {
    this.product = options.product;
    this.regionId = options.regionId;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onRetry = options.onRetry;
    this.credential = options.credential ?? new credentials.default();
    this.api = new openApi.default(
      new $OpenApiUtil.Config({
        credential: this.credential,
        endpoint: options.endpoint.host,
        protocol: options.endpoint.protocol,
        regionId: options.regionId,
        readTimeout: options.readTimeoutMs ?? 10_000,
        connectTimeout: options.connectTimeoutMs ?? 5_000,
      }),
    );
  }

  /** Resolves the credentials first (the providers cache them), so that a failure there is named as such. */
  private async checkCredentials(context: { action: string; resource: string; regionId: string }): Promise<void> {
    try {
      await this.credential.getCredential();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CloudApiError(
        `no usable Alibaba Cloud credentials for ${context.action}: ${reason}`,
        'CredentialsUnavailable',
        this.product,
        context,
      );
    }
  }

  async call<S extends z.ZodType>(
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
    const params = rpcParams(action, this.product.version, 'HTTPS');
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
        throw new CloudApiError(
          `${this.product.name} answered ${action} on ${resource} with an unexpected shape: ${parsed.error.message}`,
          'BadResponse',
          this.product,
          context,
        );
      return parsed.data;
    } catch (error) {
      throw toCloudError(error, context, this.product);
    }
  }
}

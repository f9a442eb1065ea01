// One signed call to an emulator through the real @alicloud/openapi-core client, for the lab's tests and
// for driving it by hand: an API error comes back as its answer (status, body, the Retry-After the SDK
// read), not thrown.
import * as $dara from '@darabonba/typescript';
import { openApi, rpcParams } from '../../../activities/cloud/sdk.js';

export type OpenApiClient = InstanceType<typeof openApi.default>;

export interface OpenApiAnswer {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: number;
}

export async function answerOf(
  client: OpenApiClient,
  call: { action: string; version: string; query: Record<string, string>; retries?: boolean },
): Promise<OpenApiAnswer> {
  try {
    const response = await client.callApi(
      rpcParams(call.action, call.version, 'HTTP'),
      new openApi.$OpenApiUtil.OpenApiRequest({ query: call.query }),
      new $dara.RuntimeOptions({ autoretry: call.retries ?? false }),
    );
    return { status: response.statusCode, body: response.body };
  } catch (error) {
    const failure = error as { statusCode?: number; data?: Record<string, unknown>; retryAfter?: number };
    if (failure.statusCode === undefined) throw error;
    return { status: failure.statusCode, body: failure.data ?? {}, retryAfter: failure.retryAfter };
  }
}

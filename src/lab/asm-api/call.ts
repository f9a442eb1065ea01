// One signed call to the ASM OpenAPI emulator through the real @alicloud/openapi-core client, for the
// lab's tests and for driving an upgrade by hand; an API error comes back as its answer, not thrown.
import { createRequire } from 'node:module';
import type OpenApiModule from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';

// Loaded with require, as the worker loads it (the package is CommonJS with an `exports.default`).
const openApi = createRequire(import.meta.url)('@alicloud/openapi-core') as typeof OpenApiModule;

export interface AsmApiCaller {
  /** host:port of the emulator. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface AsmApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function callAsmApi(
  caller: AsmApiCaller,
  action: string,
  query: Record<string, string>,
): Promise<AsmApiAnswer> {
  const client = new openApi.default(new openApi.$OpenApiUtil.Config({ ...caller, protocol: 'http' }));
  const params = new openApi.$OpenApiUtil.Params({
    action,
    version: '2020-01-11',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  try {
    const response = await client.callApi(
      params,
      new openApi.$OpenApiUtil.OpenApiRequest({ query }),
      new $dara.RuntimeOptions({ autoretry: false }),
    );
    return { status: response.statusCode, body: response.body };
  } catch (error) {
    const failure = error as { statusCode?: number; data?: Record<string, unknown> };
    if (failure.statusCode === undefined) throw error;
    return { status: failure.statusCode, body: failure.data ?? {} };
  }
}

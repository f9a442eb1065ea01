// One signed call to the ASM OpenAPI emulator through the real @alicloud/openapi-core client, for the
// lab's tests and for driving an upgrade by hand; an API error comes back as its answer, not thrown.
import { ASM } from '../../../activities/asm/client.js';
import { openApi } from '../../../activities/cloud/sdk.js';
import { answerOf, type OpenApiAnswer } from '../openapi/call.js';

export interface AsmApiCaller {
  /** host:port of the emulator. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export type AsmApiAnswer = OpenApiAnswer;

export function callAsmApi(caller: AsmApiCaller, action: string, query: Record<string, string>): Promise<AsmApiAnswer> {
  const client = new openApi.default(new openApi.$OpenApiUtil.Config({ ...caller, protocol: 'http' }));
  return answerOf(client, { action, version: ASM.version, query });
}

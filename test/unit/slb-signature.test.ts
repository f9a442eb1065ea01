// The emulator's ACS3 signature check against the SDK's signer: the published test vector
// (darabonba-openapi ts/test/util.spec.ts, "getAuthorization should ok") and the installed signer on
// a request with a repeated header, an empty value and characters that need percent-encoding.
import * as $dara from '@darabonba/typescript';
import { describe, expect, it } from 'vitest';
import { openApi } from '../../activities/cloud/sdk.js';
import { signatureOf } from '../../src/lab/slb/signature.js';

const PAYLOAD = '55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23';

describe('signatureOf', () => {
  it('matches the published vector', () => {
    // The vector leaves the method unset, which the signer writes into the canonical request as "undefined".
    const { signature } = signatureOf(
      {
        method: 'undefined',
        pathname: '',
        query: { test: 'ok', empty: '' },
        headers: { 'x-acs-test': ['http', 'https'] },
      },
      ['x-acs-test'],
      PAYLOAD,
      'secret',
    );
    expect(signature).toBe('0f2d549523cf082c83bb8135b5863614f7fe16ca7c2c7fc537e74d67374eeeac');
  });

  it('matches the installed SDK signer', () => {
    const query = { RegionId: 'cn-hangzhou', 'Tag.1.Value': "a b+c*d~e!'()/é&=", Empty: '' };
    const request = new $dara.Request();
    request.method = 'POST';
    request.pathname = '/';
    request.query = query;
    request.headers = {
      host: 'slb.aliyuncs.com',
      'x-acs-action': 'TagResources',
      'x-acs-test': 'b',
      'X-Acs-Test': 'a ',
    };
    const authorization = openApi.OpenApiUtil.getAuthorization(
      request as unknown as Parameters<typeof openApi.OpenApiUtil.getAuthorization>[0],
      'ACS3-HMAC-SHA256',
      PAYLOAD,
      'ak',
      'secret',
    );
    const { signature } = signatureOf(
      {
        method: 'POST',
        pathname: '/',
        query,
        headers: { host: 'slb.aliyuncs.com', 'x-acs-action': 'TagResources', 'x-acs-test': ['b', 'a '] },
      },
      ['host', 'x-acs-action', 'x-acs-test'],
      PAYLOAD,
      'secret',
    );
    expect(authorization).toBe(
      `ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-action;x-acs-test,Signature=${signature}`,
    );
  });
});

// The SLB API emulator on its own: signatures checked as the real gateway checks them (requests signed
// by the SDK's own signer, then tampered with), the write actions the lab's CCM, gateshift and tests
// use, and the parameter forms the real service accepts.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { stringify } from 'node:querystring';
import * as $dara from '@darabonba/typescript';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLB } from '../../activities/clb/client.js';
import { openApi } from '../../activities/cloud/sdk.js';
import { answerOf, type OpenApiAnswer, type OpenApiClient } from '../../src/lab/openapi/call.js';
import { type SlbEmulator, startSlbEmulator } from '../../src/lab/slb/server.js';

const AK = 'LTAI5tEmulatorTest';
const SECRET = 'emulator-secret';
const REGION = 'cn-shanghai';
const LB = 'lb-uf6emulator00000001';
const GROUP = 'rsp-uf6emulator0001';

let emulator: SlbEmulator;
let sdk: OpenApiClient;

/** Calls an action through the SDK; an API error comes back as its answer instead of a throw. */
const call = (action: string, query: Record<string, string>) =>
  answerOf(sdk, { action, version: SLB.version, query: { RegionId: REGION, ...query } });

interface RawRequest {
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

/** A request signed by the SDK's own ACS3 signer, to be sent as is or tampered with first. */
function signed(
  action: string,
  query: Record<string, string>,
  options: { date?: string; body?: string } = {},
): RawRequest {
  const body = options.body ?? '';
  const request = new $dara.Request();
  request.method = 'POST';
  request.pathname = '/';
  request.query = { RegionId: REGION, ...query };
  request.headers = {
    host: emulator.endpoint,
    'x-acs-action': action,
    'x-acs-version': SLB.version,
    'x-acs-date': options.date ?? openApi.OpenApiUtil.getTimestamp(),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': openApi.OpenApiUtil.hash(Buffer.from(body), 'ACS3-HMAC-SHA256').toString('hex'),
    ...(body && { 'content-type': 'application/x-www-form-urlencoded' }),
  };
  request.headers.authorization = openApi.OpenApiUtil.getAuthorization(
    request as unknown as Parameters<typeof openApi.OpenApiUtil.getAuthorization>[0],
    'ACS3-HMAC-SHA256',
    request.headers['x-acs-content-sha256'] ?? '',
    AK,
    SECRET,
  );
  return { query: request.query, headers: request.headers, body };
}

function send(raw: RawRequest): Promise<OpenApiAnswer> {
  return new Promise((resolve, reject) => {
    const [host, port] = emulator.endpoint.split(':');
    const outgoing = httpRequest(
      { host, port: Number(port), method: 'POST', path: `/?${stringify(raw.query)}`, headers: raw.headers },
      (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(raw.body);
  });
}

const eni = (ip: string, weight: number) => ({
  serverId: `eni-${ip.replaceAll('.', '')}`,
  serverIp: ip,
  port: 8080,
  weight,
  type: 'eni' as const,
});

beforeAll(async () => {
  emulator = await startSlbEmulator({ accessKeys: { [AK]: SECRET } });
  sdk = new openApi.default(
    new openApi.$OpenApiUtil.Config({
      accessKeyId: AK,
      accessKeySecret: SECRET,
      endpoint: emulator.endpoint,
      protocol: 'http',
    }),
  );
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(() => {
  const { state } = emulator;
  state.loadBalancers.clear();
  state.vServerGroups.clear();
  state.addLoadBalancer({
    id: LB,
    regionId: REGION,
    tags: { env: 'lab' },
    listeners: [{ port: 80, protocol: 'http' }],
  });
  state.addVServerGroup(LB, { id: GROUP, listenerPorts: [80], backends: [eni('10.1.0.1', 100), eni('10.1.0.2', 100)] });
});

describe('signature checks', () => {
  it('accepts a request signed by the SDK signer', async () => {
    const answer = await send(signed('DescribeVServerGroupAttribute', { VServerGroupId: GROUP }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ VServerGroupId: GROUP, LoadBalancerId: LB, RequestId: expect.any(String) });
  });

  it('refuses a parameter changed after signing', async () => {
    const raw = signed('DescribeVServerGroupAttribute', { VServerGroupId: GROUP });
    raw.query.VServerGroupId = 'rsp-other';
    const answer = await send(raw);
    expect(answer).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
    expect(answer.body.Message).toContain('server string to sign is:ACS3-HMAC-SHA256\n');
  });

  it('refuses a signed header changed after signing', async () => {
    const raw = signed('DescribeVServerGroupAttribute', { VServerGroupId: GROUP });
    raw.headers['x-acs-action'] = 'SetVServerGroupAttribute';
    expect(await send(raw)).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
  });

  it('refuses a replayed nonce', async () => {
    const raw = signed('DescribeLoadBalancerAttribute', { LoadBalancerId: LB });
    expect((await send(raw)).status).toBe(200);
    expect(await send(raw)).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
  });

  it('refuses a timestamp more than 15 minutes off', async () => {
    const stale = new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const answer = await send(signed('DescribeLoadBalancerAttribute', { LoadBalancerId: LB }, { date: stale }));
    expect(answer).toMatchObject({ status: 400, body: { Code: 'InvalidTimeStamp.Expired' } });
  });

  it('refuses an unsigned request, an unknown version and an unknown action', async () => {
    const unsigned = signed('DescribeLoadBalancerAttribute', { LoadBalancerId: LB });
    delete unsigned.headers.authorization;
    expect(await send(unsigned)).toMatchObject({ status: 400, body: { Code: 'IncompleteSignature' } });

    const unknown = await call('DeleteLoadBalancer', { LoadBalancerId: LB });
    expect(unknown).toMatchObject({ status: 404, body: { Code: 'InvalidAction.NotFound', HostId: emulator.endpoint } });
  });

  it('takes parameters from a signed form body too', async () => {
    const body = stringify({ VServerGroupId: GROUP });
    const answer = await send(signed('DescribeVServerGroupAttribute', {}, { body }));
    expect(answer).toMatchObject({ status: 200, body: { VServerGroupId: GROUP } });
  });

  it('keeps parameter values that need percent-encoding intact', async () => {
    const value = "a b+c*d~e!'()/é&=";
    const tagged = await call('TagResources', {
      ResourceType: 'instance',
      'ResourceId.1': LB,
      'Tag.1.Key': 'odd',
      'Tag.1.Value': value,
    });
    expect(tagged.status).toBe(200);
    expect(emulator.state.requireLoadBalancer(LB).tags.get('odd')).toBe(value);
  });
});

describe('actions', () => {
  it('sets weights from BackendServers with keys in any case and numbers as strings', async () => {
    const answer = await call('SetVServerGroupAttribute', {
      VServerGroupId: GROUP,
      BackendServers: JSON.stringify([{ serverid: 'eni-10101', SERVERIP: '10.1.0.1', port: '8080', Weight: '7' }]),
    });
    expect(answer.status).toBe(200);
    expect(emulator.state.requireVServerGroup(GROUP).backends.map((backend) => backend.weight)).toEqual([7, 100]);

    const unknown = await call('SetVServerGroupAttribute', {
      VServerGroupId: GROUP,
      BackendServers: JSON.stringify([{ ServerId: 'eni-gone', Port: 8080, Weight: 1 }]),
    });
    expect(unknown).toMatchObject({ status: 400, body: { Code: 'InvalidParameter' } });
    const malformed = await call('SetVServerGroupAttribute', { VServerGroupId: GROUP, BackendServers: '{not json' });
    expect(malformed).toMatchObject({ status: 400, body: { Code: 'InvalidParameter' } });
  });

  it('adds, modifies and removes backends', async () => {
    const added = await call('AddVServerGroupBackendServers', {
      VServerGroupId: GROUP,
      BackendServers: JSON.stringify([{ ServerId: 'eni-10103', ServerIp: '10.1.0.3', Port: 8080, Type: 'eni' }]),
    });
    expect(added.body).toMatchObject({ VServerGroupId: GROUP });
    expect(emulator.state.requireVServerGroup(GROUP).backends.at(-1)).toMatchObject({
      serverIp: '10.1.0.3',
      weight: 100,
    });

    await call('ModifyVServerGroupBackendServers', {
      VServerGroupId: GROUP,
      OldBackendServers: JSON.stringify([{ ServerId: 'eni-10103', ServerIp: '10.1.0.3', Port: 8080 }]),
      NewBackendServers: JSON.stringify([
        { ServerId: 'eni-10104', ServerIp: '10.1.0.4', Port: 8080, Type: 'eni', Weight: 5 },
      ]),
    });
    await call('RemoveVServerGroupBackendServers', {
      VServerGroupId: GROUP,
      BackendServers: JSON.stringify([{ ServerId: 'eni-10101', ServerIp: '10.1.0.1', Port: 8080 }]),
    });
    const group = await call('DescribeVServerGroupAttribute', { VServerGroupId: GROUP });
    expect(group.body.BackendServers).toEqual({
      BackendServer: [
        { ServerId: 'eni-10102', ServerIp: '10.1.0.2', Port: 8080, Weight: 100, Type: 'eni' },
        { ServerId: 'eni-10104', ServerIp: '10.1.0.4', Port: 8080, Weight: 5, Type: 'eni' },
      ],
    });
  });

  it('finds load balancers by tag, and counts tags', async () => {
    emulator.state.addLoadBalancer({ id: 'lb-uf6other', regionId: REGION, tags: { env: 'prod' } });
    const byTag = await call('DescribeLoadBalancers', { Tags: JSON.stringify([{ tagKey: 'env', tagValue: 'lab' }]) });
    expect(byTag.body).toMatchObject({ TotalCount: 1, LoadBalancers: { LoadBalancer: [{ LoadBalancerId: LB }] } });
    const tags = await call('DescribeTags', { Tags: JSON.stringify({ TagKey: 'env' }) });
    expect(tags.body.TagSets).toEqual({
      TagSet: [
        { TagKey: 'env', TagValue: 'lab', InstanceCount: 1 },
        { TagKey: 'env', TagValue: 'prod', InstanceCount: 1 },
      ],
    });
  });

  it('answers listeners in both the current and the legacy misspelled form', async () => {
    const answer = await call('DescribeLoadBalancerAttribute', { LoadBalancerId: LB });
    expect(answer.body).toMatchObject({
      ListenerPorts: { ListenerPort: [80] },
      ListenerPortsAndProtocol: { ListenerPortAndProtocol: [{ ListenerPort: 80, ListenerProtocol: 'http' }] },
      ListenerPortsAndProtocal: { ListenerPortAndProtocal: [{ ListenerPort: 80, ListenerProtocal: 'http' }] },
      ModificationProtectionStatus: 'NonProtection',
    });
  });

  it('points a listener at another group of its CLB, and refuses to delete a group a listener uses', async () => {
    emulator.state.addVServerGroup(LB, { id: 'rsp-uf6emulator0002' });
    expect(await call('DeleteVServerGroup', { VServerGroupId: GROUP })).toMatchObject({
      status: 400,
      body: { Code: 'RspoolVipExist', Message: 'there are vips associating with this vServer group.' },
    });
    // The listener's protocol names the action: a TCP one does not find the HTTP listener.
    const move = (action: string) =>
      call(action, {
        LoadBalancerId: LB,
        ListenerPort: '80',
        VServerGroup: 'on',
        VServerGroupId: 'rsp-uf6emulator0002',
      });
    expect(await move('SetLoadBalancerTCPListenerAttribute')).toMatchObject({ status: 400 });
    expect(await move('SetLoadBalancerHTTPListenerAttribute')).toMatchObject({ status: 200 });
    expect(emulator.state.requireLoadBalancer(LB).listeners[0]?.vServerGroupId).toBe('rsp-uf6emulator0002');
    expect(await call('DeleteVServerGroup', { VServerGroupId: GROUP })).toMatchObject({ status: 200 });
    expect(emulator.state.vServerGroups.has(GROUP)).toBe(false);
  });

  it('refuses missing and invalid parameters the way the service words them', async () => {
    expect(await call('DescribeLoadBalancerAttribute', {})).toMatchObject({
      status: 400,
      body: { Code: 'MissingLoadBalancerId', Message: 'LoadBalancerId is mandatory for this action.' },
    });
    expect(
      await call('SetLoadBalancerModificationProtection', { LoadBalancerId: LB, ModificationProtectionStatus: 'On' }),
    ).toMatchObject({ status: 400, body: { Code: 'InvalidParameter' } });
    expect(
      await call('UntagResources', { ResourceType: 'instance', 'ResourceId.1': 'lb-missing', All: 'true' }),
    ).toMatchObject({
      status: 404,
      body: { Code: 'InvalidResourceId.NotFound' },
    });
  });

  it('sends x-acs-retry-after and the RAM detail with injected faults', async () => {
    emulator.faults.forbiddenActions.add('UntagResources');
    const denied = await call('UntagResources', { ResourceType: 'instance', 'ResourceId.1': LB, 'TagKey.1': 'env' });
    expect(denied).toMatchObject({
      status: 403,
      body: { Code: 'Forbidden.RAM', AccessDeniedDetail: { AuthAction: 'slb:UntagResources' } },
    });
    emulator.faults.forbiddenActions.clear();

    emulator.faults.throttleRate = 1;
    emulator.faults.retryAfterMs = 1500;
    const throttled = await call('DescribeLoadBalancerAttribute', { LoadBalancerId: LB });
    emulator.faults.throttleRate = 0;
    expect(throttled).toMatchObject({ status: 400, body: { Code: 'Throttling.User' }, retryAfter: 1500 });
  });
});
